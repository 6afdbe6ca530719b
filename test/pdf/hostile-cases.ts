// The hostile classes of issue 10 (finding 1) and what each must end in. Shared by the test and
// the child process that measures one case at a time.
import zlib from 'node:zlib';
import type { PdfLimits } from '../../src/pdf/limits.js';
import {
  classicPdf,
  deepNestingPdf,
  doubleDeflateStreamPdf,
  doubleDeflateZeros,
  hugeXrefHybrid,
  manyRevisionsPdf,
  manyStreamsPdf,
  objectStreamBombPdf,
  referenceChainPdf,
  unterminatedObjectsPdf,
  unterminatedUnitsPdf,
  xrefStreamPdf,
  zlibZeros,
} from './hostile-pdfs.js';

export interface HostileCase {
  build: () => Uint8Array;
  limits?: Partial<PdfLimits>;
  /** The typed error the case ends in, or 'ok' (readable) / 'ok:brokenPrevChain'. */
  expect: string;
}

const MB = 1024 * 1024;

export const HOSTILE_CASES: Record<string, HostileCase> = {
  // Issue 10: 1.5 KB hybrid file, xref stream claiming 200M rows whose data inflates to 400 MB.
  'xref stream claims 200M rows (/Size, /Index; issue 10 file)': { build: () => hugeXrefHybrid(200_000_000, { w: [1, 1, 0] }), expect: 'PDF_LIMIT_XREF_ENTRIES' },
  'xref stream claims 200M rows of /W [1 4 2] (1.4 GB double-deflated)': { build: () => hugeXrefHybrid(200_000_000), expect: 'PDF_LIMIT_XREF_ENTRIES' },
  'xref stream /Index with a huge second subsection': {
    build: () => xrefStreamPdf({ dict: '/Size 9 /W [1 4 2] /Index [0 4 5 100000000]', data: zlib.deflateSync(Buffer.alloc(7 * 9)) }),
    expect: 'PDF_LIMIT_XREF_ENTRIES',
  },
  'xref stream /W [8 8 8] whose data inflates far beyond its rows': {
    build: () => xrefStreamPdf({ dict: '/Size 5000 /W [8 8 8] /Filter [/FlateDecode /FlateDecode]', data: doubleDeflateZeros(1 << 30) }),
    expect: 'PDF_LIMIT_XREF_ENTRIES',
  },
  'deflate bomb: one stream of 1 GiB zeros (1 MB stored)': {
    build: () => classicPdf([[4, { dict: '<< /Filter /FlateDecode /Length %LEN% >>', data: zlibZeros(1 << 30) }]]),
    expect: 'PDF_LIMIT_DECOMPRESSED',
  },
  'double-deflate bomb across a filter chain (1 GiB)': { build: () => doubleDeflateStreamPdf(1 << 30), expect: 'PDF_LIMIT_DECOMPRESSION_RATIO' },
  'object stream that is a double-deflate bomb': { build: () => objectStreamBombPdf(1 << 30), expect: 'PDF_LIMIT_DECOMPRESSION_RATIO' },
  // The default total (256 MiB) costs ~0.7 s of inflating zeros; a lower total shows the same limit.
  'streams that decode to more than the document total': { build: () => manyStreamsPdf(10, 20 * MB), limits: { maxDecodedBytes: 96 * MB }, expect: 'PDF_LIMIT_DECOMPRESSED_TOTAL' },
  'arrays nested 100,000 deep': { build: () => deepNestingPdf(100_000), expect: 'PDF_LIMIT_NESTING' },
  'a chain of 1,000 references': { build: () => referenceChainPdf(1_000), expect: 'PDF_LIMIT_REFERENCE_CHAIN' },
  'a loop of 20 references': { build: () => referenceChainPdf(20, true), expect: 'PDF_REFERENCE_LOOP' },
  '5,000 revisions': { build: () => manyRevisionsPdf(5_000), expect: 'PDF_LIMIT_REVISIONS' },
  '2,000 revisions, limit raised: readable': { build: () => manyRevisionsPdf(2_000), limits: { maxRevisions: 2_001 }, expect: 'ok' },
  'object stream with /N 100,000,000': { build: () => objectStreamBombPdf(0, { claimN: 100_000_000 }), expect: 'PDF_LIMIT_OBJECTS' },
  // Every object opens a string that never closes: reading them all was quadratic (67 s).
  '8,000 objects with unterminated strings (374 KB), read one by one': { build: () => unterminatedObjectsPdf(8_000), expect: 'ok' },
  // Repair path (no usable xref): each unit opens a string that never closes. Before: 22 s / 15 s.
  'repair: 8,000 unterminated trailers (128 KB)': { build: () => unterminatedUnitsPdf('trailer << /A (\n', 8_000), expect: 'PDF_XREF_BROKEN' },
  'repair: 8,000 objects with unterminated strings (100 KB)': { build: () => unterminatedUnitsPdf('# 0 obj (\n', 8_000), expect: 'PDF_XREF_BROKEN' },
};
