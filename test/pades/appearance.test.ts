// Structure and error contract of buildAppearance, plus the pure layout rules. The pixels are
// checked by appearance-render.test.ts.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

import { beforeAll, describe, expect, it } from 'vitest';

import { isDocaxisError, type ErrorCode } from '../../src/errors.js';
import { PDFDocument } from 'pdf-lib';

import { embedSubsetFont, measureText } from '../../src/pades/appearance-font.js';
import { fitText, planLayout, wrapLine, type Measure } from '../../src/pades/appearance-layout.js';
import { buildAppearance, sealLines, type AppearanceSpec, type BuiltAppearance } from '../../src/pades/appearance.js';
import { defaultFontPath, loadFontBytes } from '../../src/pades/fonts.js';
import { makeGreyPng, makeSealPng, makeSignaturePng } from './appearance-images.js';

let fontBytes: Uint8Array;
beforeAll(async () => {
  fontBytes = await loadFontBytes();
});

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
/** The object's dictionary part (before any stream data), where references live. */
const dictPart = (b: Uint8Array): string => latin1(b).split('\nstream\n')[0]!;
const streamData = (b: Uint8Array): Buffer => {
  const s = latin1(b);
  const start = s.indexOf('\nstream\n') + 8;
  return Buffer.from(s.slice(start, s.lastIndexOf('\nendstream')), 'latin1');
};

async function expectCode(p: Promise<unknown> | (() => unknown), code: ErrorCode): Promise<string> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(isDocaxisError(err, code), `expected ${code}, got ${String(err)}`).toBe(true);
  return (err as Error).message;
}

const signerSpec = (over: Partial<AppearanceSpec> = {}): AppearanceSpec => ({
  layout: 'signer',
  width: 200,
  height: 100,
  image: makeSignaturePng(),
  lines: ['CHỦ TỊCH', 'Nguyễn Văn An'],
  fontBytes,
  ...over,
});

function checkGraph(built: BuiltAppearance, first: number): void {
  const nums = built.objects.map((o) => o.num);
  expect(nums).toEqual(Array.from({ length: nums.length }, (_, i) => first + i)); // dense, in order
  expect(built.xobjectNum).toBe(first);
  expect(built.nextObjectNumber).toBe(first + nums.length);
  for (const o of built.objects) {
    const d = dictPart(o.body);
    expect(d).not.toMatch(/\bendobj\b|\d+ 0 obj/); // bodies only: the writer adds the wrappers
    for (const m of d.matchAll(/(\d+) (\d+) R\b/g)) {
      expect(m[2]).toBe('0');
      expect(nums).toContain(Number(m[1]));
    }
  }
}

describe('buildAppearance: emitted objects', () => {
  it('is a Form XObject with a /BBox of the widget size and its font and image resources', async () => {
    const built = await buildAppearance(signerSpec(), 57);
    checkGraph(built, 57);
    const x = dictPart(built.objects[0]!.body);
    expect(x).toMatch(/\/Type \/XObject/);
    expect(x).toMatch(/\/Subtype \/Form/);
    expect(x).toMatch(/\/BBox \[ 0 0 200 100 \]/);
    expect(x).toMatch(/\/Font <<\s*\/F1 \d+ 0 R\s*>>/);
    expect(x).toMatch(/\/XObject <<\s*\/Im1 \d+ 0 R\s*>>/);
    const all = built.objects.map((o) => dictPart(o.body)).join('\n');
    expect(all).toMatch(/\/Subtype \/Type0/);
    expect(all).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
    expect(all).toMatch(/\/FontName \/[A-Z]{6}\+DejaVuSans\b/);
    expect(all).toMatch(/\/FontFile2 \d+ 0 R/);
    expect(all).toMatch(/\/ToUnicode \d+ 0 R/);
    expect(all).toMatch(/\/Subtype \/Image[\s\S]*\/SMask \d+ 0 R/); // PNG alpha kept as a soft mask
    // The content stream draws the image and the text with the named resources.
    const content = inflateSync(streamData(built.objects[0]!.body)).toString('latin1');
    expect(content).toMatch(/\/Im1 Do/);
    expect(content).toMatch(/\/F1 [\d.]+ Tf/);
    expect(content.match(/ Tj/g)).toHaveLength(2);
  });

  it('embeds a subset: far smaller than the 760 kB font', async () => {
    const built = await buildAppearance(signerSpec({ image: undefined }), 10);
    const total = built.objects.reduce((s, o) => s + o.body.length, 0);
    expect(total).toBeLessThan(40_000);
  });

  it('numbers from any first free number, including 1 (no clash with the scratch catalog)', async () => {
    for (const first of [1, 2, 3, 100_000]) checkGraph(await buildAppearance(signerSpec(), first), first);
  });

  it('is deterministic: the same input gives the same bytes', async () => {
    const a = await buildAppearance(signerSpec(), 20);
    const b = await buildAppearance(signerSpec(), 20);
    expect(b.objects.map((o) => latin1(o.body))).toEqual(a.objects.map((o) => latin1(o.body)));
  });

  it('different glyph sets get different subset tags', async () => {
    const tag = async (lines: string[]): Promise<string> => {
      const built = await buildAppearance({ layout: 'text', width: 200, height: 40, lines, fontBytes }, 1);
      return /\/BaseFont \/([A-Z]{6})\+/.exec(built.objects.map((o) => dictPart(o.body)).join())![1]!;
    };
    expect(await tag(['SAO Y'])).not.toBe(await tag(['SAO LỤC']));
  });

  it('an image-only signer appearance has no font', async () => {
    const built = await buildAppearance(signerSpec({ lines: [] }), 5);
    checkGraph(built, 5);
    expect(built.objects.map((o) => dictPart(o.body)).join()).not.toMatch(/\/Font\b|FontFile/);
  });

  it('accepts greyscale PNGs, plain and Adam7-interlaced, of odd sizes', async () => {
    for (const [w, h] of [[1, 1], [3, 2], [9, 7], [17, 33]] as const) {
      for (const interlace of [false, true]) {
        const built = await buildAppearance(signerSpec({ image: makeGreyPng(w, h, interlace) }), 5);
        expect(built.objects.map((o) => dictPart(o.body)).join('\n')).toMatch(new RegExp(`/Width ${w}\\b[\\s\\S]*/Height ${h}\\b`));
      }
    }
  });

  it('accepts a JPEG (made by pdftoppm, an independent encoder)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'docaxis-jpeg-'));
    try {
      const pdf = join(dir, 'a.pdf');
      // Smallest valid one-page PDF with a grey square, so pdftoppm has something to encode.
      const c = '0.5 g 0 0 20 20 re f';
      const objs = [
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 30 20] /Contents 4 0 R >>',
        `<< /Length ${c.length} >>\nstream\n${c}\nendstream`,
      ];
      let out = '%PDF-1.4\n';
      const offs: number[] = [];
      objs.forEach((o, i) => {
        offs.push(out.length);
        out += `${i + 1} 0 obj\n${o}\nendobj\n`;
      });
      const xref = out.length;
      out += `xref\n0 5\n0000000000 65535 f \n${offs.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
      out += `trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
      writeFileSync(pdf, out, 'latin1');
      execFileSync('pdftoppm', ['-jpeg', '-r', '72', '-singlefile', pdf, join(dir, 'a')]);
      const jpeg = new Uint8Array(readFileSync(join(dir, 'a.jpg')));
      const built = await buildAppearance({ layout: 'seal', width: 150, height: 50, image: jpeg, lines: ['Ký bởi: A'], fontBytes }, 9);
      checkGraph(built, 9);
      expect(built.objects.map((o) => dictPart(o.body)).join()).toMatch(/\/Filter \/DCTDecode/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('buildAppearance: refusals', () => {
  it.each([
    ['not an image', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])],
    ['a GIF', new Uint8Array(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'))],
    ['a truncated PNG', makeSignaturePng().subarray(0, 200)],
    ['a PNG signature only', makeSealPng().subarray(0, 8)],
    ['an empty array', new Uint8Array(0)],
    ['a JPEG header only', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16])],
  ])('%s -> IMAGE_UNSUPPORTED', async (_name, image) => {
    await expectCode(buildAppearance(signerSpec({ image }), 5), 'IMAGE_UNSUPPORTED');
  });

  it.each<[string, () => Uint8Array]>([
    ['a bad chunk CRC', () => {
      const png = Buffer.from(makeSignaturePng());
      png[40] = png[40]! ^ 0xff; // inside the first IDAT
      return new Uint8Array(png);
    }],
    ['pixel data shorter than declared', () => makeGreyPng(9, 7, false, (raw) => raw.subarray(0, raw.length - 3))],
    ['pixel data longer than declared', () => makeGreyPng(9, 7, false, (raw) => Buffer.concat([raw, Buffer.alloc(10)]))],
    ['a scanline filter type above 4', () => makeGreyPng(9, 7, false, (raw) => Buffer.concat([Buffer.from([9]), raw.subarray(1)]))],
  ])('a PNG with %s -> IMAGE_UNSUPPORTED (checked before pdf-lib, whose decoder can hang)', async (_name, make) => {
    await expectCode(buildAppearance(signerSpec({ image: make() }), 5), 'IMAGE_UNSUPPORTED');
  });

  it('a PNG declaring huge dimensions is refused before decoding', async () => {
    const png = Buffer.from(makeSealPng());
    png.writeUInt32BE(100_000, 16);
    png.writeUInt32BE(100_000, 20);
    await expectCode(buildAppearance(signerSpec({ image: new Uint8Array(png) }), 5), 'IMAGE_UNSUPPORTED');
  });

  it.each<[string, Partial<AppearanceSpec>]>([
    ['NaN width', { width: Number.NaN }],
    ['infinite height', { height: Number.POSITIVE_INFINITY }],
    ['negative width', { width: -100 }],
    ['a 5x5 box', { width: 5, height: 5 }],
    ['a box above the PDF limit', { width: 20_000 }],
    ['font size 0', { fontSize: 0 }],
    ['NaN font size', { fontSize: Number.NaN }],
    ['a colour outside 0..1', { textColor: [0, 0, 2] }],
    ['a NaN colour', { textColor: [0, Number.NaN, 0] }],
    ['text too long for the box', { width: 40, height: 20, image: undefined, lines: ['Ủy ban nhân dân tỉnh Thái Bình '.repeat(3)] }],
    ['a fixed font size that overflows', { fontSize: 30 }],
    ['a character the font lacks', { lines: ['Nguyễn 中文'] }],
    ['nothing to draw', { image: undefined, lines: [] }],
    ['blank lines only and no image', { image: undefined, lines: ['', '  '] }],
    ["an image with the 'text' layout", { layout: 'text' }],
    ['an unknown layout', { layout: 'stamp' as never }],
    ['a seal box no wider than its height', { layout: 'seal', width: 100, height: 100, image: makeSealPng() }],
    ['font bytes that are not a font', { fontBytes: new Uint8Array(1000).fill(7) }],
    ['no font bytes', { fontBytes: new Uint8Array(0) }],
  ])('%s -> SIG_APPEARANCE_INVALID', async (_name, over) => {
    await expectCode(buildAppearance(signerSpec(over), 5), 'SIG_APPEARANCE_INVALID');
  });

  it('a first object number that is not a positive integer', async () => {
    for (const n of [0, -1, 1.5, Number.NaN]) await expectCode(buildAppearance(signerSpec(), n), 'SIG_APPEARANCE_INVALID');
  });

  it('says the box is too small when shrinking to 5 pt is not enough', async () => {
    const msg = await expectCode(buildAppearance(signerSpec({ width: 40, height: 20, image: undefined, lines: ['Ủy ban nhân dân tỉnh Thái Bình '.repeat(3)] }), 5), 'SIG_APPEARANCE_INVALID');
    expect(msg).toMatch(/too small/);
  });
});

describe('sealLines', () => {
  const time = new Date('2015-03-16T04:02:35Z');
  it('composes the lines seen on government PDFs, in order', () => {
    expect(sealLines({ signerName: 'Sở Y tế', email: 'syt@danang.gov.vn', agency: 'Ủy ban nhân dân thành phố Đà Nẵng', time })).toEqual([
      'Ký bởi: Sở Y tế',
      'Email: syt@danang.gov.vn',
      'Cơ quan: Ủy ban nhân dân thành phố Đà Nẵng',
      'Thời gian ký: 16.03.2015 11:02:35 +07:00',
    ]);
  });
  it('leaves out empty email and agency, and returns NFC', () => {
    const lines = sealLines({ signerName: 'Nguyễn Văn An'.normalize('NFD'), email: ' ', time });
    expect(lines).toEqual(['Ký bởi: Nguyễn Văn An', 'Thời gian ký: 16.03.2015 11:02:35 +07:00']);
    expect(lines.every((l) => l === l.normalize('NFC'))).toBe(true);
  });
});

describe('layout rules', () => {
  // A monospace fake: every character is 0.5 em wide.
  const m: Measure = { widthAt1: (t) => t.length * 0.5, ascent: 1, descent: 0.25 };

  it('wraps at spaces and refuses a word wider than the line', () => {
    expect(wrapLine('aaa bbb ccc', 30, 10, m.widthAt1)).toEqual(['aaa', 'bbb', 'ccc']);
    expect(wrapLine('aaa bbb ccc', 20, 5, m.widthAt1)).toEqual(['aaa bbb', 'ccc']);
    expect(wrapLine('aaa  bbb', 100, 5, m.widthAt1)).toEqual(['aaa  bbb']); // fits: spacing kept
    expect(wrapLine('aaaaaaaaaa', 40, 10, m.widthAt1)).toBeUndefined();
  });

  it('prefers shrinking (down to 7 pt) to wrapping, and wraps rather than go below', () => {
    const box = { x: 0, y: 0, w: 100, h: 100 };
    expect(fitText(['x'.repeat(25)], box, m, { maxSize: 10 })).toMatchObject({ size: 8, lines: ['x'.repeat(25)] });
    const wrapped = fitText(['xxxxxxxxxx '.repeat(4).trim()], box, m, { maxSize: 10 });
    expect(wrapped.lines.length).toBeGreaterThan(1);
    expect(wrapped.size).toBeGreaterThan(7);
  });

  it('seal: a square of the full height on the left, text to its right; signer: image above 40%', () => {
    const seal = planLayout('seal', 300, 80, true, true);
    expect(seal.image).toEqual({ x: 0, y: 0, w: 80, h: 80 });
    expect(seal.text!.box.x).toBeGreaterThan(80);
    expect(seal.text!.align).toBe('left');
    const signer = planLayout('signer', 200, 100, true, true);
    expect(signer.image!.y).toBe(40);
    expect(signer.text!.box.y + signer.text!.box.h).toBeLessThanOrEqual(40);
    expect(signer.text!.align).toBe('center');
  });
});

describe('text measurement', () => {
  it('the fitted width is exactly what pdf-lib draws (no ligatures), and marks rise above the ascender', async () => {
    const samples = ['Thời gian ký: 16.03.2015 11:02:35 +07:00', 'Ủy ban nhân dân tỉnh Thái Bình', 'office@finance.gov.vn', 'ẨẪẬỄỆỖỘỮỰ'];
    const font = await embedSubsetFont(await PDFDocument.create(), fontBytes);
    const m = measureText(font, samples);
    for (const s of samples) expect(m.widthAt1(s)).toBeCloseTo(font.pdfFont.widthOfTextAtSize(s, 1), 9);
    expect(m.ascent).toBeGreaterThan(font.pdfFont.heightAtSize(1, { descender: false }));
  });
});

describe('fonts', () => {
  it('ships DejaVu Sans under assets/fonts with its licence', async () => {
    expect(defaultFontPath()).toMatch(/assets[/\\]fonts[/\\]DejaVuSans\.ttf$/);
    expect(readFileSync(defaultFontPath().replace('DejaVuSans.ttf', 'LICENSE-DejaVu.txt'), 'utf8')).toMatch(/Bitstream Vera/);
    expect(fontBytes.length).toBeGreaterThan(500_000);
  });
  it('a missing font file is FILE_UNREADABLE', async () => {
    await expectCode(loadFontBytes('/nonexistent/font.ttf'), 'FILE_UNREADABLE');
  });
});
