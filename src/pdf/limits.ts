// Structural budgets for reading untrusted PDFs (issue 10): every count a file claims is checked
// against what its size can hold before anything is allocated, and every decompression stops at a
// cap instead of being checked afterwards. Each limit ends in its own catalogue code.

import { DocaxisError, type ErrorCode } from '../errors.js';

export interface PdfLimits {
  /**
   * Xref rows: a file of N bytes may list at most N / minBytesPerObject rows over all its xref
   * sections (never fewer than XREF_ENTRIES_FLOOR). Real files spend ~100 bytes per object.
   */
  minBytesPerObject: number;
  /** Xref rows over all sections, whatever the file size (a materialised row costs ~100 bytes). */
  maxXrefEntries: number;
  /** Objects in one object stream (/N) or nodes in the page tree. */
  maxObjects: number;
  /** Xref sections followed through /Prev (incremental updates). */
  maxRevisions: number;
  /** Depth of arrays and dictionaries inside one object. */
  maxNesting: number;
  /** Decoded bytes of one stream (each filter's output is capped, never checked afterwards). */
  maxStreamBytes: number;
  /** Decoded / stored size of one stream; one deflate pass cannot exceed ~1032:1. */
  maxDecodeRatio: number;
  /** Decoded bytes over all streams decoded through one reader (each decode counts). */
  maxDecodedBytes: number;
  /** References followed in a row (1 0 R -> 2 0 R -> ...), and nested object loads. */
  maxRefChain: number;
}

export const DEFAULT_PDF_LIMITS: Readonly<PdfLimits> = Object.freeze({
  minBytesPerObject: 4,
  maxXrefEntries: 2_000_000,
  maxObjects: 1_000_000,
  maxRevisions: 1_000,
  maxNesting: 256,
  maxStreamBytes: 64 * 1024 * 1024,
  maxDecodeRatio: 1_100,
  maxDecodedBytes: 256 * 1024 * 1024,
  maxRefChain: 32,
});

/** Below these, a claim costs nothing worth refusing (tiny files with a generous /Size). */
export const XREF_ENTRIES_FLOOR = 10_000;
export const RATIO_FLOOR_BYTES = 1024 * 1024;

export function resolveLimits(partial: Partial<PdfLimits> | undefined): PdfLimits {
  const out = { ...DEFAULT_PDF_LIMITS, ...partial };
  for (const [k, v] of Object.entries(out)) {
    if (typeof v !== 'number' || !(v > 0)) throw new DocaxisError('CONFIG_INVALID', `PDF limit ${k} must be a positive number`);
  }
  return out;
}

export function limitError(code: ErrorCode, detail: string, details?: Record<string, unknown>): DocaxisError {
  return new DocaxisError(code, detail, { details: { limit: true, ...details } });
}

const LIMIT_CODES = new Set<ErrorCode>([
  'PDF_LIMIT_XREF_ENTRIES',
  'PDF_LIMIT_OBJECTS',
  'PDF_LIMIT_REVISIONS',
  'PDF_LIMIT_NESTING',
  'PDF_LIMIT_DECOMPRESSED',
  'PDF_LIMIT_DECOMPRESSION_RATIO',
  'PDF_LIMIT_DECOMPRESSED_TOTAL',
  'PDF_LIMIT_REFERENCE_CHAIN',
]);

/** A budget was exceeded: no repair or retry may run after this (it would pay the cost again). */
export function isLimitError(e: unknown): e is DocaxisError {
  return e instanceof DocaxisError && LIMIT_CODES.has(e.code);
}

/** The most bytes a stream may decode to, and which limit says so. */
export interface DecodeCap {
  bytes: number;
  code: ErrorCode;
  detail: string;
}

/** Decoded bytes and xref rows spent so far by one reader; shared by everything it decodes. */
export class ReadBudget {
  decodedBytes = 0;
  xrefEntries = 0;
  readonly xrefEntryLimit: number;

  constructor(
    readonly limits: PdfLimits,
    fileSize: number,
  ) {
    this.xrefEntryLimit = Math.min(limits.maxXrefEntries, Math.max(XREF_ENTRIES_FLOOR, Math.floor(fileSize / limits.minBytesPerObject)));
  }

  /** The cap for a stream stored in `storedBytes` (before its first filter). */
  capFor(storedBytes: number): DecodeCap {
    const l = this.limits;
    const total = l.maxDecodedBytes - this.decodedBytes;
    const ratio = Math.max(RATIO_FLOOR_BYTES, storedBytes * l.maxDecodeRatio);
    let cap: DecodeCap = { bytes: l.maxStreamBytes, code: 'PDF_LIMIT_DECOMPRESSED', detail: `more than ${l.maxStreamBytes} bytes` };
    if (ratio < cap.bytes) cap = { bytes: ratio, code: 'PDF_LIMIT_DECOMPRESSION_RATIO', detail: `${storedBytes} stored bytes decode to more than ${ratio}` };
    if (total < cap.bytes) cap = { bytes: Math.max(0, total), code: 'PDF_LIMIT_DECOMPRESSED_TOTAL', detail: `more than ${l.maxDecodedBytes} bytes decoded in this document` };
    return cap;
  }

  chargeDecoded(n: number): void {
    this.decodedBytes += n;
  }

  /** Checks that `rows` more xref rows fit, before they are decoded or allocated. */
  checkXrefEntries(rows: number): void {
    if (rows > this.xrefEntryLimit - this.xrefEntries) {
      throw limitError('PDF_LIMIT_XREF_ENTRIES', `${rows} rows claimed, ${Math.max(0, this.xrefEntryLimit - this.xrefEntries)} left of ${this.xrefEntryLimit} for a file of this size`, {
        claimed: rows,
        allowed: this.xrefEntryLimit,
      });
    }
  }

  chargeXrefEntries(rows: number): void {
    this.checkXrefEntries(rows);
    this.xrefEntries += rows;
  }
}
