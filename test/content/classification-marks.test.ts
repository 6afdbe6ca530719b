// The classification-mark scan on real PDFs built by code: the stamp forms of Decree 26/2020 are
// found with their page; running text and headings that merely contain "mật" pass; the demo's
// letter passes; hostile files end within the budget without a throw, a warning or a fetch.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scanClassificationMarks } from '../../src/content/classification-marks.js';
import { sampleLetter } from '../support/fixtures.js';
import { mulberry32 } from '../support/prng.js';
import { claimingPages, manyPiecesContent, paragraph, pdfWithContent, pdfWithLines, stampExisting, type Line } from './stamped-pdfs.js';

const HEADER: Line[] = [
  { text: 'ỦY BAN NHÂN DÂN', x: 90, y: 790 },
  { text: 'TỈNH THÁI BÌNH', x: 95, y: 775 },
  { text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', x: 300, y: 790 },
];

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the stamp is found, with its level and page', () => {
  it.each([
    ['MẬT', 'MAT'],
    ['TỐI MẬT', 'TOI_MAT'],
    ['TUYỆT MẬT', 'TUYET_MAT'],
  ] as const)('%s in a box at the top of page 1, above a letter', async (stamp, level) => {
    const body = await paragraph('Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về công tác bảo vệ bí mật nhà nước, đề nghị các cơ quan rà soát tài liệu.');
    const pdf = await pdfWithLines([{ text: stamp, x: 470, y: 812, boxed: true, size: 13 }, ...HEADER, ...body]);
    expect(await scanClassificationMarks(pdf)).toEqual([{ page: 1, level, text: stamp }]);
  });

  it('typed without diacritics in a font without Vietnamese letters (MAT, TOI MAT, TUYET MAT)', async () => {
    for (const [stamp, level] of [
      ['MAT', 'MAT'],
      ['TOI MAT', 'TOI_MAT'],
      ['TUYET MAT', 'TUYET_MAT'],
    ] as const) {
      const pdf = await pdfWithLines([...HEADER, { text: stamp, x: 480, y: 812, boxed: true, font: 'standard' }]);
      expect(await scanClassificationMarks(pdf)).toEqual([{ page: 1, level, text: stamp }]);
    }
  });

  it('on the same baseline as the agency name, in the other column', async () => {
    const pdf = await pdfWithLines([{ text: 'ỦY BAN NHÂN DÂN', x: 60, y: 790 }, { text: 'MẬT', x: 480, y: 790, boxed: true }]);
    expect(await scanClassificationMarks(pdf)).toEqual([{ page: 1, level: 'MAT', text: 'MẬT' }]);
  });

  it('letter-spaced, or turned a quarter', async () => {
    const spaced = await pdfWithLines([{ text: 'T Ố I   M Ậ T', x: 430, y: 812, boxed: true }]);
    expect(await scanClassificationMarks(spaced)).toEqual([{ page: 1, level: 'TOI_MAT', text: 'T Ố I M Ậ T' }]); // pdf.js folds runs of spaces
    const turned = await pdfWithLines([{ text: 'TUYỆT MẬT', x: 560, y: 600, rotate: 90 }]);
    expect(await scanClassificationMarks(turned)).toEqual([{ page: 1, level: 'TUYET_MAT', text: 'TUYỆT MẬT' }]);
  });

  it('on page 2, naming page 2; on every page, naming each', async () => {
    const onTwo = await pdfWithLines([...HEADER, { text: 'MẬT', page: 2, x: 480, y: 812, boxed: true }]);
    expect(await scanClassificationMarks(onTwo)).toEqual([{ page: 2, level: 'MAT', text: 'MẬT' }]);
    const everywhere = await pdfWithLines([1, 2, 3].map((page) => ({ text: 'TỐI MẬT', page, x: 470, y: 812, boxed: true })));
    expect((await scanClassificationMarks(everywhere)).map((m) => m.page)).toEqual([1, 2, 3]);
  });

  it('on the demo letter itself, drawn before it is signed', async () => {
    const stamped = await stampExisting((await sampleLetter()).pdf, 'MẬT');
    expect(await scanClassificationMarks(stamped)).toEqual([{ page: 1, level: 'MAT', text: 'MẬT' }]);
  });
});

describe('running text and headings that mention the word pass', () => {
  it('the demo letter (one page, and with five pages of annex)', async () => {
    expect(await scanClassificationMarks((await sampleLetter()).pdf)).toEqual([]);
    expect(await scanClassificationMarks((await sampleLetter({ extraPages: 4, useObjectStreams: true })).pdf)).toEqual([]);
  });

  it('“mật độ dân số”, “bảo vệ bí mật nhà nước”, “đổi mật khẩu” in paragraphs, wrapped anywhere', async () => {
    const text =
      'Mật độ dân số của tỉnh năm 2025 đạt 1.200 người/km². Các cơ quan bảo vệ bí mật nhà nước theo Luật Bảo vệ bí mật nhà nước 2018; ' +
      'cán bộ đổi mật khẩu hộp thư công vụ ba tháng một lần. Văn bản mật không gửi qua Trục. Mật';
    for (const width of [470, 200, 80, 30]) {
      // At 30 points every word stands on a line of its own, "mật" and "Mật" included.
      const pdf = await pdfWithLines([...HEADER, ...(await paragraph(text, { width, y: 700, size: 8 }))]);
      expect(await scanClassificationMarks(pdf), `width ${width}`).toEqual([]);
    }
  });

  it('a table or a list of the levels (a report on protecting state secrets) is not a stamp', async () => {
    const table = await pdfWithLines([
      ...HEADER,
      { text: 'BÁO CÁO CÔNG TÁC BẢO VỆ BÍ MẬT NHÀ NƯỚC NĂM 2025', x: 120, y: 720 },
      { text: 'Loại', x: 60, y: 680 },
      { text: 'TUYỆT MẬT', x: 200, y: 680, boxed: true },
      { text: 'TỐI MẬT', x: 320, y: 680, boxed: true },
      { text: 'MẬT', x: 440, y: 680, boxed: true },
      { text: 'Văn bản đến', x: 60, y: 660 },
      { text: '2', x: 230, y: 660 },
      { text: '15', x: 350, y: 660 },
      { text: '140', x: 450, y: 660 },
    ]);
    expect(await scanClassificationMarks(table)).toEqual([]);
    const list = await pdfWithLines([{ text: 'Các độ mật:', x: 60, y: 700 }, { text: 'TUYỆT MẬT', x: 80 }, { text: 'TỐI MẬT', x: 80 }, { text: 'MẬT', x: 80 }]);
    expect(await scanClassificationMarks(list)).toEqual([]);
    // The same level twice on a page is still a stamp (top and foot of the page).
    const twice = await pdfWithLines([{ text: 'MẬT', x: 480, y: 812, boxed: true }, { text: 'MẬT', x: 480, y: 40, boxed: true }]);
    expect(await scanClassificationMarks(twice)).toEqual([
      { page: 1, level: 'MAT', text: 'MẬT' },
      { page: 1, level: 'MAT', text: 'MẬT' },
    ]);
  });

  it('headings in capitals that contain the word: MẬT ĐỘ DÂN SỐ, MẬT KHẨU, BÍ MẬT NHÀ NƯỚC; and MẮT, MÁT', async () => {
    const pdf = await pdfWithLines([
      ...HEADER,
      { text: 'MẬT ĐỘ DÂN SỐ', x: 200, y: 700, size: 14 },
      { text: 'MẬT ĐỘ', x: 200, y: 670, size: 14 },
      { text: 'HƯỚNG DẪN ĐỔI MẬT KHẨU', x: 200, y: 640 },
      { text: 'MẬT KHẨU', x: 200, y: 610 },
      { text: 'BẢO VỆ BÍ MẬT NHÀ NƯỚC', x: 200, y: 580 },
      { text: 'BÍ MẬT', x: 200, y: 550 },
      { text: 'MẮT', x: 200, y: 520 },
      { text: 'MÁT', x: 200, y: 490 },
      { text: 'Mật', x: 200, y: 460, boxed: true }, // not in capitals: not the stamp form
    ]);
    expect(await scanClassificationMarks(pdf)).toEqual([]);
  });
});

describe('bounds', () => {
  it('reads the first 5 pages by default; maxPages changes it', async () => {
    const onSix = await pdfWithLines([{ text: 'MẬT', page: 6, x: 480, y: 812, boxed: true }]);
    expect(await scanClassificationMarks(onSix)).toEqual([]);
    expect(await scanClassificationMarks(onSix, { maxPages: 6 })).toEqual([{ page: 6, level: 'MAT', text: 'MẬT' }]);
    const onTwo = await pdfWithLines([{ text: 'MẬT', page: 2, x: 480, y: 812 }]);
    expect(await scanClassificationMarks(onTwo, { maxPages: 1 })).toEqual([]);
  });

  it('reads at most maxPiecesPerPage pieces of a page (5000 by default)', async () => {
    const stampAfter = (n: number) => pdfWithContent(manyPiecesContent(n, '/F1 14 Tf 1 0 0 1 480 812 Tm (MAT) Tj'), { withFont: true });
    const early = await stampAfter(100);
    expect(await scanClassificationMarks(early)).toEqual([{ page: 1, level: 'MAT', text: 'MAT' }]);
    const late = await stampAfter(20_000);
    const started = performance.now();
    expect(await scanClassificationMarks(late)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(await scanClassificationMarks(late, { maxPiecesPerPage: 25_000 })).toEqual([{ page: 1, level: 'MAT', text: 'MAT' }]);
  });

  it('leaves the caller’s bytes as they were (pdf.js detaches what it is given), a Buffer too', async () => {
    const pdf = await pdfWithLines([{ text: 'MẬT' }]);
    const copy = pdf.slice();
    expect(await scanClassificationMarks(pdf)).toHaveLength(1);
    expect(pdf.byteLength).toBe(copy.byteLength);
    expect(Buffer.from(pdf).equals(Buffer.from(copy))).toBe(true);
    // What an HTTP upload hands over: a Buffer (pdf.js refuses one; its slice() is a view).
    const buffer = Buffer.from(copy);
    expect(await scanClassificationMarks(buffer)).toHaveLength(1);
    expect(buffer.equals(Buffer.from(copy))).toBe(true);
  });
});

describe('hostile and unreadable files end within the budget, quietly', () => {
  const quiet = () => {
    const calls: unknown[][] = [];
    for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void calls.push([m, ...a]));
    const fetched = vi.spyOn(globalThis, 'fetch').mockImplementation(() => Promise.reject(new Error('no fetch expected')));
    return { calls, fetched };
  };

  const timed = async (pdf: Uint8Array, budgetMs: number) => {
    const started = performance.now();
    const marks = await scanClassificationMarks(pdf, { timeBudgetMs: budgetMs });
    return { marks, ms: performance.now() - started };
  };

  it('garbage instead of a content stream, raw and deflated', async () => {
    const next = mulberry32(26_2020);
    const garbage = Uint8Array.from({ length: 200_000 }, () => Math.floor(next() * 256));
    const { calls, fetched } = quiet();
    for (const pdf of [await pdfWithContent(garbage), await pdfWithContent(garbage, { deflate: true, withFont: true })]) {
      const r = await timed(pdf, 1000);
      expect(r.marks).toEqual([]);
      expect(r.ms).toBeLessThan(1000 + 500);
    }
    expect(calls).toEqual([]);
    expect(fetched).not.toHaveBeenCalled();
  });

  it('not a PDF, a truncated PDF, an empty file', async () => {
    const { calls } = quiet();
    const letter = (await sampleLetter()).pdf;
    for (const pdf of [new TextEncoder().encode('MẬT\n'), letter.subarray(0, letter.length / 2), new Uint8Array(0)]) {
      const r = await timed(pdf, 1000);
      expect(r.ms).toBeLessThan(1500);
      expect(r.marks).toEqual([]);
    }
    expect(calls).toEqual([]);
  });

  it('a page tree that claims a billion pages: page 1 is read, the claim costs nothing', async () => {
    const { calls } = quiet();
    const r = await timed(await claimingPages(1_000_000_000), 1000);
    expect(r.marks).toEqual([{ page: 1, level: 'MAT', text: 'MẬT' }]);
    expect(r.ms).toBeLessThan(1500);
    expect(calls).toEqual([]);
  });

  it('a content stream that inflates to 64 MB of text operators is not handed to pdf.js (it would take ~30 s)', async () => {
    const { calls } = quiet();
    const enc = new TextEncoder();
    const [head, op, tail] = [enc.encode('BT /F1 9 Tf '), enc.encode('(ab) Tj 0 -1 Td '), enc.encode(' ET')];
    const content = new Uint8Array(64 * 1024 * 1024);
    content.set(head);
    let at = head.length;
    for (; at + op.length + tail.length <= content.length; at += op.length) content.set(op, at);
    content.set(tail, at);
    const pdf = await pdfWithContent(content.subarray(0, at + tail.length), { deflate: true, withFont: true });
    expect(pdf.length).toBeLessThan(1024 * 1024);
    const r = await timed(pdf, 400);
    expect(r.marks).toEqual([]);
    expect(r.ms).toBeLessThan(400);
    expect(calls).toEqual([]);
  });
});

describe('loading', () => {
  it('pdf.js is loaded only when a scan runs (the CLI and the service start without it)', () => {
    // Node 20 has no DOMMatrix; pdf.js installs one as it loads. Run on the build, in a fresh process.
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const script = `
      await import('./dist/pades/verifier.js');
      await import('./dist/exchange/send-document.js');
      const before = typeof globalThis.DOMMatrix;
      const { scanClassificationMarks } = await import('./dist/content/classification-marks.js');
      const { PDFDocument } = await import('pdf-lib');
      const doc = await PDFDocument.create();
      doc.addPage();
      await scanClassificationMarks(await doc.save());
      console.log(before, typeof globalThis.DOMMatrix);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(out.trim()).toBe('undefined function');
  });
});
