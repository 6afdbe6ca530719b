// Image input for an appearance (handwritten signature, agency seal): PNG or JPEG, checked before
// pdf-lib sees it. pdf-lib's PNG decoder (UPNG) loops forever on a truncated file, which on a
// signing server is a denial of service, so the PNG container is fully validated here first:
// chunk bounds and CRCs, header values, and the exact inflated size of the pixel data.

import { crc32, inflateSync } from 'node:zlib';

import type { PDFDocument, PDFImage } from 'pdf-lib';

import { DocaxisError, asDocaxisError } from '../errors.js';

/** Largest image accepted, in pixels: a 600 dpi seal of 45 mm is ~1 Mpx; beyond is a mistake. */
export const MAX_IMAGE_PIXELS = 16_000_000;

type ImageKind = 'png' | 'jpeg';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function sniff(b: Uint8Array): ImageKind | undefined {
  if (b.length >= 8 && PNG_SIGNATURE.every((v, i) => b[i] === v)) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  return undefined;
}

function bad(why: string): never {
  throw new DocaxisError('IMAGE_UNSUPPORTED', why);
}

/** Embeds a PNG (alpha becomes an /SMask) or a JPEG (passed through as DCTDecode). */
export async function embedImage(doc: PDFDocument, bytes: Uint8Array): Promise<PDFImage> {
  const kind = sniff(bytes);
  if (!kind) bad('not a PNG or JPEG file');
  if (kind === 'png') validatePng(bytes);
  let image: PDFImage;
  try {
    image = kind === 'png' ? await doc.embedPng(bytes) : await doc.embedJpg(bytes);
  } catch (e) {
    throw asDocaxisError(e, 'IMAGE_UNSUPPORTED', `the ${kind.toUpperCase()} could not be decoded`);
  }
  if (!(image.width > 0 && image.height > 0) || image.width * image.height > MAX_IMAGE_PIXELS) {
    bad(`image size ${image.width}x${image.height} px is out of range`);
  }
  return image;
}

/** Channels per colour type (PNG spec §11.2.2) and the bit depths each allows. */
const COLOR_TYPES: Record<number, { channels: number; depths: number[] }> = {
  0: { channels: 1, depths: [1, 2, 4, 8, 16] },
  2: { channels: 3, depths: [8, 16] },
  3: { channels: 1, depths: [1, 2, 4, 8] },
  4: { channels: 2, depths: [8, 16] },
  6: { channels: 4, depths: [8, 16] },
};

/** Adam7 passes: [x0, y0, dx, dy]. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Throws IMAGE_UNSUPPORTED unless `b` is a structurally complete, consistent PNG. */
export function validatePng(b: Uint8Array): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let pos = 8;
  let header: { w: number; h: number; depth: number; color: number; interlace: number } | undefined;
  let hasPalette = false;
  let ended = false;
  const idat: Uint8Array[] = [];
  while (!ended) {
    if (pos + 12 > b.length) bad('PNG is truncated');
    const len = dv.getUint32(pos);
    if (len > b.length - pos - 12) bad('PNG is truncated');
    const typeAndData = b.subarray(pos + 4, pos + 8 + len);
    const type = String.fromCharCode(...typeAndData.subarray(0, 4));
    if (!/^[A-Za-z]{4}$/.test(type)) bad('PNG chunk type is malformed');
    if (crc32(typeAndData) !== dv.getUint32(pos + 8 + len)) bad(`PNG chunk ${type} has a bad CRC`);
    const data = typeAndData.subarray(4);
    if (!header && type !== 'IHDR') bad('PNG does not start with IHDR');
    switch (type) {
      case 'IHDR': {
        if (header || len !== 13) bad('PNG IHDR is malformed');
        const h = {
          w: dv.getUint32(pos + 8),
          h: dv.getUint32(pos + 12),
          depth: data[8]!,
          color: data[9]!,
          interlace: data[12]!,
        };
        const ct = COLOR_TYPES[h.color];
        if (!ct || !ct.depths.includes(h.depth) || data[10] !== 0 || data[11] !== 0 || h.interlace > 1) bad('PNG header values are invalid');
        if (h.w === 0 || h.h === 0 || h.w * h.h > MAX_IMAGE_PIXELS) bad(`image size ${h.w}x${h.h} px is out of range`);
        header = h;
        break;
      }
      case 'PLTE':
        hasPalette = true;
        break;
      case 'IDAT':
        idat.push(data);
        break;
      case 'IEND':
        ended = true;
        break;
      default:
        // Critical chunks (uppercase first letter) we do not know cannot be safely ignored.
        if (type.charCodeAt(0) < 0x61) bad(`PNG has an unknown critical chunk ${type}`);
    }
    pos += 12 + len;
  }
  const hd = header!;
  if (hd.color === 3 && !hasPalette) bad('palette PNG without PLTE');
  if (idat.length === 0) bad('PNG has no image data');
  const bitsPerPixel = hd.depth * COLOR_TYPES[hd.color]!.channels;
  const expected = rawSize(passes(hd.w, hd.h, hd.interlace === 1), bitsPerPixel);
  let raw: Buffer;
  try {
    // Capped one byte past the expected size: a decompression bomb stops there.
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch (e) {
    throw asDocaxisError(e, 'IMAGE_UNSUPPORTED', 'PNG image data does not inflate to the declared size');
  }
  if (raw.length !== expected) bad('PNG image data does not match its declared size');
  checkFilterBytes(raw, passes(hd.w, hd.h, hd.interlace === 1), bitsPerPixel);
}

/** Sub-image sizes: one for a plain PNG, the seven Adam7 passes (some possibly empty) otherwise. */
function passes(w: number, h: number, interlaced: boolean): Array<[number, number]> {
  if (!interlaced) return [[w, h]];
  return ADAM7.map(([x0, y0, dx, dy]) => [Math.max(0, Math.ceil((w - x0) / dx)), Math.max(0, Math.ceil((h - y0) / dy))]);
}

/** Each scanline starts with a filter type 0..4; anything else is corrupt data. */
function checkFilterBytes(raw: Uint8Array, ps: Array<[number, number]>, bitsPerPixel: number): void {
  let at = 0;
  for (const [pw, ph] of ps) {
    if (pw === 0 || ph === 0) continue;
    const stride = 1 + Math.ceil((pw * bitsPerPixel) / 8);
    for (let y = 0; y < ph; y++, at += stride) if (raw[at]! > 4) bad('PNG scanline has an invalid filter type');
  }
}

/** Bytes of filtered scanlines (one filter byte per row) over all passes. */
function rawSize(ps: Array<[number, number]>, bitsPerPixel: number): number {
  return ps.reduce((sum, [pw, ph]) => sum + (pw === 0 || ph === 0 ? 0 : ph * (1 + Math.ceil((pw * bitsPerPixel) / 8))), 0);
}
