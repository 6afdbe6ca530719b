// The up-front bound on what pdf.js is given: decoded page content, forms counted per paint,
// measured with our own parser (pdf.js on one thread cannot be stopped once it runs).
import { describe, expect, it } from 'vitest';
import { scanClassificationMarks } from '../../src/content/classification-marks.js';
import { pagesWithinWork } from '../../src/content/text-work.js';
import { sampleLetter } from '../support/fixtures.js';
import { manyPiecesContent, pdfWithContent, pdfWithForms, pdfWithLines } from './stamped-pdfs.js';

const MiB = 1024 * 1024;

describe('pagesWithinWork', () => {
  it('the demo letter fits many times over; its pages are counted up to maxPages', async () => {
    expect(pagesWithinWork((await sampleLetter()).pdf, 5, MiB)).toBe(1);
    expect(pagesWithinWork((await sampleLetter({ extraPages: 6, useObjectStreams: true })).pdf, 5, MiB)).toBe(5);
    expect(pagesWithinWork((await sampleLetter()).pdf, 5, 100)).toBe(0); // its page holds more than 100 bytes
  });

  it('stops at the page where the budget runs out', async () => {
    const pages = await pdfWithLines([1, 2, 3].map((page) => ({ text: 'x'.repeat(50), page })));
    const one = pagesWithinWork(pages, 5, MiB);
    expect(one).toBe(3);
    // Just enough for two of the three (equal) pages.
    const perPage = (() => {
      for (let b = 1; b < 10_000; b++) if (pagesWithinWork(pages, 1, b) === 1) return b;
      return NaN;
    })();
    expect(pagesWithinWork(pages, 5, perPage * 2)).toBe(2);
  });

  it('a form painted many times counts as many times (an XObject bomb is refused before pdf.js)', async () => {
    const once = await pdfWithForms({ paints: 1, formBytes: 10_000 });
    expect(pagesWithinWork(once, 5, MiB)).toBe(1);
    const often = await pdfWithForms({ paints: 200, formBytes: 10_000 }); // 2 MB of work in 4 KB of paints
    expect(pagesWithinWork(often, 5, MiB)).toBe(0);
    const nested = await pdfWithForms({ paints: 20, formBytes: 10_000, nested: true }); // 20 × 20 × 10 KB
    expect(pagesWithinWork(nested, 5, MiB)).toBe(0);
    expect(pagesWithinWork(await pdfWithForms({ paints: 5, formBytes: 10_000, nested: true }), 5, MiB)).toBe(1);
  });

  it('content under a filter it cannot measure without decoding (LZW) is not handed over', async () => {
    expect(pagesWithinWork(await pdfWithForms({ paints: 1, formBytes: 100, filter: 'LZWDecode' }), 5, MiB)).toBe(0);
  });

  it('a deflate bomb is measured without inflating it (the cap stops zlib)', async () => {
    const bomb = await pdfWithContent(new Uint8Array(256 * MiB), { deflate: true });
    const started = performance.now();
    expect(pagesWithinWork(bomb, 5, MiB)).toBe(0);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('a file our parser cannot open: no page', () => {
    expect(pagesWithinWork(new TextEncoder().encode('%PDF-1.7\ngarbage'), 5, MiB)).toBe(0);
    expect(pagesWithinWork(new Uint8Array(0), 5, MiB)).toBe(0);
  });

  it('the scan reads a stamp only on the pages within the budget', async () => {
    const pdf = await pdfWithContent(manyPiecesContent(10, '/F1 14 Tf 1 0 0 1 480 812 Tm (MAT) Tj'), { withFont: true });
    expect(await scanClassificationMarks(pdf)).toEqual([{ page: 1, level: 'MAT', text: 'MAT' }]);
    expect(await scanClassificationMarks(pdf, { maxContentBytes: 50 })).toEqual([]);
  });
});
