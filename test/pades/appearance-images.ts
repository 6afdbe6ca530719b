// Synthetic test images drawn in code (no binary fixtures): a blue handwritten-style stroke and a
// red round seal, both PNG with an alpha channel like the real ones agencies upload.

import { crc32, deflateSync } from 'node:zlib';

import { PNG } from 'pngjs';

function canvas(w: number, h: number): PNG {
  const png = new PNG({ width: w, height: h, colorType: 6 });
  png.data.fill(0); // fully transparent
  return png;
}

function dot(png: PNG, cx: number, cy: number, r: number, rgb: [number, number, number]): void {
  for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
    for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
      if (x < 0 || y < 0 || x >= png.width || y >= png.height || (x - cx) ** 2 + (y - cy) ** 2 > r * r) continue;
      const i = (y * png.width + x) * 4;
      png.data[i] = rgb[0];
      png.data[i + 1] = rgb[1];
      png.data[i + 2] = rgb[2];
      png.data[i + 3] = 255;
    }
  }
}

/** 300x120 px, a blue scribble on transparency. */
export function makeSignaturePng(): Uint8Array {
  const png = canvas(300, 120);
  const blue: [number, number, number] = [20, 40, 200];
  for (let t = 0; t <= 1; t += 0.0005) {
    const x = 20 + 260 * t + 12 * Math.cos(18 * Math.PI * t);
    const y = 60 + 38 * Math.sin(6 * Math.PI * t) * (1 - 0.4 * t);
    dot(png, x, y, 3, blue);
  }
  for (let x = 40; x < 270; x += 0.5) dot(png, x, 100 - (x - 40) * 0.05, 2, blue); // underline
  return new Uint8Array(PNG.sync.write(png));
}

/** 240x240 px, a red seal: two rings and a star, transparent elsewhere. */
export function makeSealPng(): Uint8Array {
  const png = canvas(240, 240);
  const red: [number, number, number] = [210, 20, 30];
  const c = 120;
  for (let a = 0; a < 2 * Math.PI; a += 0.002) {
    for (let r = 108; r <= 118; r += 1) dot(png, c + r * Math.cos(a), c + r * Math.sin(a), 1, red);
    for (let r = 78; r <= 82; r += 1) dot(png, c + r * Math.cos(a), c + r * Math.sin(a), 1, red);
  }
  // Five-pointed star: fill points whose polar radius is under the star outline.
  for (let y = 0; y < 240; y++) {
    for (let x = 0; x < 240; x++) {
      const dx = x - c;
      const dy = c - y;
      const ang = Math.atan2(dy, dx) - Math.PI / 2;
      const k = Math.abs((((ang / (2 * Math.PI / 5)) % 1) + 1) % 1 - 0.5) * 2; // 1 at a point, 0 between
      const limit = 25 + 35 * k ** 2;
      if (Math.hypot(dx, dy) < limit) dot(png, x, y, 0.5, red);
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}


function chunk(type: string, data: Uint8Array): Buffer {
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  td.copy(out, 4);
  out.writeUInt32BE(crc32(td), 8 + data.length);
  return out;
}

/**
 * A hand-assembled 8-bit greyscale PNG (pngjs cannot write interlaced files), optionally Adam7
 * interlaced; `tamper` lets a test corrupt the raw scanlines before compression.
 */
export function makeGreyPng(w: number, h: number, interlace: boolean, tamper?: (raw: Buffer) => Buffer): Uint8Array {
  const grey = (x: number, y: number): number => ((x + y) % 2 ? 40 : 220);
  const rows: number[] = [];
  const passes = interlace
    ? [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]]
    : [[0, 0, 1, 1]];
  for (const [x0, y0, dx, dy] of passes as Array<[number, number, number, number]>) {
    if (x0 >= w || y0 >= h) continue;
    for (let y = y0; y < h; y += dy) {
      rows.push(0); // filter type None
      for (let x = x0; x < w; x += dx) rows.push(grey(x, y));
    }
  }
  let raw: Buffer = Buffer.from(rows);
  if (tamper) raw = tamper(raw);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  ihdr[12] = interlace ? 1 : 0;
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]));
}
