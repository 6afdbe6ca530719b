// Rendering oracle for the appearance: the XObjects are placed on a page of a small hand-written
// PDF (numbered exactly as the incremental writer will number them), then poppler draws it
// (pdftoppm), lists its fonts (pdffonts) and extracts its text (pdftotext). The assertions look at
// real pixels: blue where the handwritten signature goes, red where the seal goes, dark text where
// the lines go, and nothing outside the widget boxes.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildAppearance, sealLines, type BuiltAppearance } from '../../src/pades/appearance.js';
import { loadFontBytes } from '../../src/pades/fonts.js';
import { makeSealPng, makeSignaturePng } from './appearance-images.js';

const DPI = 100;
const PT = DPI / 72; // pixels per point
const DOC_IMAGES = fileURLToPath(new URL('../../docs/images/', import.meta.url));

interface Placement {
  built: BuiltAppearance;
  x: number;
  y: number;
}

/** A one-page PDF: objects 1-4 are catalog, pages, page, content; the appearances follow from 5. */
function pageWith(pageW: number, pageH: number, placements: Placement[]): Buffer {
  const names = placements.map((_, i) => `/S${i} ${placements[i]!.built.xobjectNum} 0 R`).join(' ');
  const content = placements.map((p, i) => `q 1 0 0 1 ${p.x} ${p.y} cm /S${i} Do Q`).join('\n');
  const bodies = new Map<number, Buffer>([
    [1, Buffer.from('<< /Type /Catalog /Pages 2 0 R >>', 'latin1')],
    [2, Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>', 'latin1')],
    [3, Buffer.from(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${pageW} ${pageH}] /Resources << /XObject << ${names} >> >> /Contents 4 0 R >>`, 'latin1')],
    [4, Buffer.from(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`, 'latin1')],
  ]);
  for (const p of placements) for (const o of p.built.objects) bodies.set(o.num, Buffer.from(o.body));
  const max = Math.max(...bodies.keys());
  const chunks: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let pos = chunks[0]!.length;
  const offsets: number[] = [];
  for (let n = 1; n <= max; n++) {
    const body = bodies.get(n);
    if (!body) throw new Error(`object ${n} missing: numbering is not dense`);
    offsets[n] = pos;
    const c = Buffer.concat([Buffer.from(`${n} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    chunks.push(c);
    pos += c.length;
  }
  let xref = `xref\n0 ${max + 1}\n0000000000 65535 f \n`;
  for (let n = 1; n <= max; n++) xref += `${String(offsets[n]).padStart(10, '0')} 00000 n \n`;
  chunks.push(Buffer.from(`${xref}trailer\n<< /Size ${max + 1} /Root 1 0 R >>\nstartxref\n${pos}\n%%EOF\n`));
  return Buffer.concat(chunks);
}

let dir: string;
let fontBytes: Uint8Array;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'docaxis-appearance-'));
  fontBytes = await loadFontBytes();
});
// APPEARANCE_KEEP=1 keeps the rendered PDFs/PNGs for a human look.
afterAll(() => {
  if (process.env.APPEARANCE_KEEP === '1') console.log(`appearance renders kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

function render(name: string, pdf: Buffer): { png: PNG; pngPath: string; pdfPath: string } {
  const pdfPath = join(dir, `${name}.pdf`);
  writeFileSync(pdfPath, pdf);
  execFileSync('pdftoppm', ['-png', '-r', String(DPI), '-singlefile', pdfPath, join(dir, name)]);
  const pngPath = join(dir, `${name}.png`);
  return { png: PNG.sync.read(readFileSync(pngPath)), pngPath, pdfPath };
}

type Kind = 'blue' | 'red' | 'dark' | 'nonwhite';
function isKind(png: PNG, px: number, py: number, kind: Kind): boolean {
  const i = (py * png.width + px) * 4;
  const r = png.data[i]!;
  const g = png.data[i + 1]!;
  const b = png.data[i + 2]!;
  switch (kind) {
    case 'blue':
      return b > 120 && b - r > 60 && b - g > 60;
    case 'red':
      return r > 120 && r - g > 60 && r - b > 60;
    case 'dark':
      return r < 100 && g < 100 && b < 100;
    case 'nonwhite':
      return r < 240 || g < 240 || b < 240;
  }
}

/** Counts pixels of `kind` inside a rectangle given in PDF points (origin bottom-left of the page). */
function count(png: PNG, pageH: number, rect: { x: number; y: number; w: number; h: number }, kind: Kind): number {
  const x0 = Math.max(0, Math.floor(rect.x * PT));
  const x1 = Math.min(png.width, Math.ceil((rect.x + rect.w) * PT));
  const y0 = Math.max(0, Math.floor((pageH - rect.y - rect.h) * PT));
  const y1 = Math.min(png.height, Math.ceil((pageH - rect.y) * PT));
  let n = 0;
  for (let py = y0; py < y1; py++) for (let px = x0; px < x1; px++) if (isKind(png, px, py, kind)) n++;
  return n;
}

const pageNonWhiteOutside = (png: PNG, pageH: number, boxes: Array<{ x: number; y: number; w: number; h: number }>): number => {
  const total = count(png, pageH, { x: 0, y: 0, w: png.width / PT, h: pageH }, 'nonwhite');
  // Boxes are padded by a pixel for anti-aliasing; they do not overlap in the cases below.
  const inside = boxes.reduce((s, b) => s + count(png, pageH, { x: b.x - 1, y: b.y - 1, w: b.w + 2, h: b.h + 2 }, 'nonwhite'), 0);
  return total - inside;
};

const pdftotext = (pdfPath: string): string => execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
const pdffonts = (pdfPath: string): string => execFileSync('pdffonts', [pdfPath], { encoding: 'utf8' });

function saveDocImage(pngPath: string, name: string): void {
  if (process.env.UPDATE_DOC_IMAGES === '1') copyFileSync(pngPath, join(DOC_IMAGES, name));
}

describe('appearance rendered by poppler', () => {
  it("'signer': blue signature in the upper part, title and name centred below, font embedded as subset", async () => {
    const box = { x: 40, y: 40, w: 220, h: 110 };
    const built = await buildAppearance(
      {
        layout: 'signer',
        width: box.w,
        height: box.h,
        image: makeSignaturePng(),
        lines: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH', 'Nguyễn Văn An'],
        fontBytes,
      },
      5,
    );
    const pageH = 190;
    const { png, pngPath, pdfPath } = render('signer', pageWith(300, pageH, [{ built, ...box }]));
    saveDocImage(pngPath, 'appearance-signer.png');

    // 1 pt kept clear of the 40% split line so anti-aliasing at the edge does not count.
    const upper = { x: box.x, y: box.y + box.h * 0.4 + 1, w: box.w, h: box.h * 0.6 - 1 };
    const lower = { x: box.x, y: box.y, w: box.w, h: box.h * 0.4 - 1 };
    expect(count(png, pageH, upper, 'blue')).toBeGreaterThan(300);
    expect(count(png, pageH, lower, 'blue')).toBe(0);
    expect(count(png, pageH, lower, 'dark')).toBeGreaterThan(150);
    expect(count(png, pageH, upper, 'dark')).toBe(0);
    // Centred: the text's ink is balanced left/right of the box centre.
    const left = count(png, pageH, { ...lower, w: lower.w / 2 }, 'dark');
    const right = count(png, pageH, { ...lower, x: lower.x + lower.w / 2, w: lower.w / 2 }, 'dark');
    expect(Math.abs(left - right) / (left + right)).toBeLessThan(0.25);
    expect(pageNonWhiteOutside(png, pageH, [box])).toBe(0);

    const text = pdftotext(pdfPath);
    for (const l of ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH', 'Nguyễn Văn An']) expect(text).toContain(l);
    const fonts = pdffonts(pdfPath);
    expect(fonts).toMatch(/[A-Z]{6}\+DejaVuSans\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
  });

  it("'seal' over the left third of the signer image: red seal on the left, the signing text on the right", async () => {
    const signerBox = { x: 40, y: 40, w: 220, h: 110 };
    const signer = await buildAppearance(
      { layout: 'signer', width: signerBox.w, height: signerBox.h, image: makeSignaturePng(), lines: ['CHỦ TỊCH', 'Nguyễn Văn An'], fontBytes },
      5,
    );
    const time = new Date('2015-03-16T04:02:35Z');
    const lines = sealLines({ signerName: 'Ủy ban nhân dân tỉnh Thái Bình', agency: 'Ủy ban nhân dân tỉnh Thái Bình', email: 'ubnd@thaibinh.gov.vn', time });
    // The seal (a square of the box height) straddles the left third of the signature image.
    const sealBox = { x: 40, y: 70, w: 300, h: 80 };
    const seal = await buildAppearance({ layout: 'seal', width: sealBox.w, height: sealBox.h, image: makeSealPng(), lines, fontBytes }, signer.nextObjectNumber);
    expect(seal.xobjectNum).toBe(signer.nextObjectNumber);

    const pageH = 200;
    const { png, pngPath, pdfPath } = render('seal', pageWith(380, pageH, [{ built: signer, ...signerBox }, { built: seal, ...sealBox }]));
    saveDocImage(pngPath, 'appearance-seal.png');

    const sealSquare = { x: sealBox.x, y: sealBox.y, w: sealBox.h, h: sealBox.h };
    // The text area starts a little right of the square (anti-aliased ring edge, pixel rounding).
    const sealText = { x: sealBox.x + sealBox.h + 2, y: sealBox.y, w: sealBox.w - sealBox.h - 2, h: sealBox.h };
    expect(count(png, pageH, sealSquare, 'red')).toBeGreaterThan(500);
    expect(count(png, pageH, sealText, 'red')).toBe(0);
    // The seal's transparent parts let the signature show through (alpha is kept).
    expect(count(png, pageH, sealSquare, 'blue')).toBeGreaterThan(20);
    expect(count(png, pageH, { ...sealText, x: signerBox.x + signerBox.w + 2, w: 60 }, 'dark')).toBeGreaterThan(50);

    const text = pdftotext(pdfPath).normalize('NFC');
    expect(text).toContain('Thời gian ký: 16.03.2015 11:02:35 +07:00');
    expect(text).toContain('Ký bởi:');
    expect(text).toContain('Thái Bình');
    const fonts = pdffonts(pdfPath);
    expect(fonts.match(/\+DejaVuSans/g)).toHaveLength(2); // one subset per appearance
    expect(fonts).not.toMatch(/\bno\b/);
  });

  it("'text': lines top-left, nothing else drawn (SAO Y copy)", async () => {
    const box = { x: 200, y: 300, w: 180, h: 60 };
    const built = await buildAppearance(
      { layout: 'text', width: box.w, height: box.h, lines: ['SAO Y', 'Văn phòng Ủy ban nhân dân tỉnh', '16.03.2015 11:02:35 +07:00'], fontBytes },
      5,
    );
    const pageH = 400;
    const { png, pdfPath } = render('text', pageWith(420, pageH, [{ built, ...box }]));
    const top = count(png, pageH, { x: box.x, y: box.y + box.h / 2, w: box.w / 2, h: box.h / 2 }, 'dark');
    const bottomRight = count(png, pageH, { x: box.x + box.w * 0.9, y: box.y, w: box.w * 0.1, h: box.h * 0.3 }, 'dark');
    expect(top).toBeGreaterThan(100);
    expect(bottomRight).toBe(0);
    expect(count(png, pageH, box, 'blue') + count(png, pageH, box, 'red')).toBe(0);
    expect(pageNonWhiteOutside(png, pageH, [box])).toBe(0);
    expect(pdftotext(pdfPath)).toContain('Văn phòng Ủy ban nhân dân tỉnh');
  });

  it('a decomposed (NFD) input prints the same text as NFC', async () => {
    const name = 'Nguyễn Thị Ánh Hường';
    const built = await buildAppearance({ layout: 'text', width: 200, height: 30, lines: [name.normalize('NFD')], fontBytes }, 5);
    const { pdfPath } = render('nfd', pageWith(220, 50, [{ built, x: 10, y: 10 }]));
    expect(pdftotext(pdfPath).trim().normalize('NFC')).toBe(name);
    expect(pdftotext(pdfPath).trim()).toBe(name); // and poppler reads back NFC code points
  });
});
