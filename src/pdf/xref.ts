// Cross-reference sections (§7.5.4, §7.5.8): classic tables with subsections and xref streams
// with /W and /Index. A section is read where its offset points, or a little off it: producers
// that miscount a few bytes are common, and a nearby exact "xref" / "n g obj" is unambiguous.

import { DocaxisError } from '../errors.js';
import { PdfDict, PdfStream, nameValue } from './objects.js';
import { bufferView, isDigit, isWhitespace } from './lexer.js';
import { Parser, parseIndirectAt, startsWith } from './parser.js';
import { decodeStreamData } from './filters.js';
import { DEFAULT_PDF_LIMITS, ReadBudget, isLimitError, limitError } from './limits.js';

export interface XrefEntry {
  type: 'free' | 'inuse' | 'compressed';
  gen: number;
  /** inuse: byte offset as written in the file (relative to the %PDF- header). */
  offset?: number;
  /** compressed: the object stream's number and the index inside it. */
  objStm?: number;
  index?: number;
}

export interface XrefSection {
  kind: 'table' | 'stream';
  /** Absolute offset where the section was actually found. */
  offset: number;
  /** Absolute offset just past the trailer dictionary / the xref stream's endobj. */
  end: number;
  trailer: PdfDict;
  entries: ReadonlyMap<number, XrefEntry>;
}

const XREF = Buffer.from('xref', 'latin1');
const TRAILER = Buffer.from('trailer', 'latin1');
const OBJ = Buffer.from('obj', 'latin1');

/** How far from a stated offset we look for the real section or object header. */
export const DRIFT_WINDOW = 1024;

function broken(detail: string): DocaxisError {
  return new DocaxisError('PDF_XREF_BROKEN', detail);
}

/** Reads the section at `offset` (absolute), or the closest plausible one within the drift window. */
export function readSectionNear(bytes: Uint8Array, offset: number, budget?: ReadBudget): XrefSection {
  let firstError: unknown;
  for (const at of [offset, ...driftCandidates(bytes, offset)]) {
    try {
      return readSection(bytes, at, budget);
    } catch (e) {
      if (isLimitError(e)) throw e; // a nearby candidate would pay the same cost again
      firstError ??= e;
    }
  }
  throw firstError instanceof DocaxisError && firstError.code === 'PDF_XREF_BROKEN'
    ? firstError
    : new DocaxisError('PDF_XREF_BROKEN', `no xref section at byte ${offset}`, { cause: firstError });
}

export function readSection(bytes: Uint8Array, offset: number, budget = new ReadBudget(DEFAULT_PDF_LIMITS, bytes.length)): XrefSection {
  if (offset < 0 || offset >= bytes.length) throw broken(`xref offset ${offset} is outside the file`);
  let p = offset;
  while (p < bytes.length && isWhitespace(bytes[p])) p++;
  let section: XrefSection;
  let rows: number;
  if (startsWith(bytes, p, XREF)) ({ section, rows } = readTable(bytes, p, budget));
  else if (isDigit(bytes[p])) ({ section, rows } = readXrefStream(bytes, p, budget));
  else throw broken(`no xref at byte ${offset}`);
  const size = section.trailer.get('Size');
  if (typeof size === 'number' && size > budget.xrefEntryLimit) {
    throw limitError('PDF_LIMIT_XREF_ENTRIES', `/Size ${size} is more than the ${budget.xrefEntryLimit} objects a file of this size can hold`, { claimed: size, allowed: budget.xrefEntryLimit });
  }
  // Only sections that read are charged: drift candidates tried and dropped cost nothing here.
  budget.chargeXrefEntries(rows);
  return section;
}

/** Positions of "xref" keywords and "n g obj" headers near `offset`, closest first. */
function driftCandidates(bytes: Uint8Array, offset: number): number[] {
  const lo = Math.max(0, offset - DRIFT_WINDOW);
  const hi = Math.min(bytes.length, offset + DRIFT_WINDOW);
  const buf = bufferView(bytes).subarray(0, Math.min(bytes.length, hi + XREF.length + 4)); // never search past the window
  const found: number[] = [];
  for (let at = buf.indexOf(XREF, lo); at >= 0 && at < hi; at = buf.indexOf(XREF, at + 1)) {
    if (bytes[at - 1] !== 0x74 /* "startxref" */) found.push(at);
  }
  for (let at = buf.indexOf(OBJ, lo); at >= 0 && at < hi; at = buf.indexOf(OBJ, at + 1)) {
    const h = objHeaderStart(bytes, at);
    if (h >= 0) found.push(h);
  }
  return found.filter((x) => x !== offset).sort((a, b) => Math.abs(a - offset) - Math.abs(b - offset));
}

/** Given the offset of an "obj" keyword, the start of its "n g " prefix, or -1. */
export function objHeaderStart(b: Uint8Array, objAt: number): number {
  if (isDigit(b[objAt + 3]) || (b[objAt + 3] !== undefined && /[A-Za-z]/.test(String.fromCharCode(b[objAt + 3]!)))) return -1;
  let p = objAt - 1;
  if (!isWhitespace(b[p])) return -1;
  while (p >= 0 && isWhitespace(b[p])) p--;
  if (!isDigit(b[p])) return -1;
  while (p >= 0 && isDigit(b[p])) p--;
  if (!isWhitespace(b[p])) return -1;
  while (p >= 0 && isWhitespace(b[p])) p--;
  if (!isDigit(b[p])) return -1;
  while (p >= 0 && isDigit(b[p])) p--;
  if (p >= 0 && !isWhitespace(b[p]) && b[p] !== 0x3e /* ">" of a previous endobj-less dict */ && b[p] !== 0x25) return -1;
  return p + 1;
}

function readTable(bytes: Uint8Array, at: number, budget: ReadBudget): { section: XrefSection; rows: number } {
  const runs: EntryRun[] = [];
  let rows = 0;
  const end = bytes.length;
  let p = at + XREF.length;
  const skipWs = (): void => {
    while (p < end && isWhitespace(bytes[p])) p++;
  };
  const int = (): number => {
    if (!isDigit(bytes[p])) throw broken(`bad xref table entry at byte ${p}`);
    let v = 0;
    while (p < end && isDigit(bytes[p])) v = v * 10 + (bytes[p++]! - 0x30);
    return v;
  };
  for (;;) {
    skipWs();
    if (startsWith(bytes, p, TRAILER)) break;
    const first = int();
    skipWs();
    const count = int();
    // Each entry needs at least "o g n" (5 bytes); a larger count is garbage, not a loop to run.
    if (count > (end - p) / 5) throw broken(`xref subsection count ${count} exceeds the file`);
    rows += count;
    budget.checkXrefEntries(rows);
    skipWs();
    if (isRegularRun(bytes, p, count)) {
      // The usual case: fixed 20-byte rows, decoded only when an object is asked for.
      const pos = p;
      runs.push({ first, count, row: (i) => decodeRow(bytes, pos + i * 20) });
      p += count * 20;
      continue;
    }
    const map = new Map<number, XrefEntry>();
    for (let i = 0; i < count; i++) {
      skipWs();
      const offset = int();
      skipWs();
      const gen = int();
      skipWs();
      const t = bytes[p++];
      if (t === 0x6e /* n */) map.set(first + i, { type: 'inuse', gen, offset });
      else if (t === 0x66 /* f */) map.set(first + i, { type: 'free', gen });
      else throw broken(`bad xref entry type at byte ${p - 1}`);
    }
    runs.push({ first, count, row: (i) => map.get(first + i) });
  }
  const parser = new Parser(bytes, p + TRAILER.length, bytes.length, budget.limits.maxNesting);
  let trailer;
  try {
    trailer = parser.parseObject();
  } catch (e) {
    throw new DocaxisError('PDF_XREF_BROKEN', 'unreadable trailer', { cause: e });
  }
  if (!(trailer instanceof PdfDict)) throw broken('trailer is not a dictionary');
  return { section: { kind: 'table', offset: at, end: parser.pos, trailer, entries: new LazyEntries(runs) }, rows };
}

interface EntryRun {
  first: number;
  count: number;
  /** Decodes the i-th entry of the run; undefined for a damaged or reserved row. */
  row: (i: number) => XrefEntry | undefined;
}

/** "oooooooooo ggggg n" + 2-byte EOL at every row start, and the subsection ends cleanly. */
function isRegularRun(b: Uint8Array, pos: number, count: number): boolean {
  if (count === 0) return true;
  const rowOk = (q: number): boolean => {
    for (let i = 0; i < 10; i++) if (!isDigit(b[q + i])) return false;
    if (b[q + 10] !== 0x20 || b[q + 16] !== 0x20) return false;
    for (let i = 11; i < 16; i++) if (!isDigit(b[q + i])) return false;
    const t = b[q + 17];
    return (t === 0x6e || t === 0x66) && isWhitespace(b[q + 18]) && isWhitespace(b[q + 19]);
  };
  const last = pos + (count - 1) * 20;
  if (last + 20 > b.length || !rowOk(pos) || !rowOk(last)) return false;
  let q = last + 20;
  while (q < b.length && isWhitespace(b[q])) q++;
  return isDigit(b[q]) || startsWith(b, q, TRAILER);
}

function decodeRow(b: Uint8Array, q: number): XrefEntry | undefined {
  let offset = 0;
  let gen = 0;
  for (let i = 0; i < 10; i++) {
    const c = b[q + i]!;
    if (c < 0x30 || c > 0x39) return undefined; // a damaged row reads as absent (object -> null)
    offset = offset * 10 + c - 0x30;
  }
  for (let i = 11; i < 16; i++) {
    const c = b[q + i]!;
    if (c < 0x30 || c > 0x39) return undefined;
    gen = gen * 10 + c - 0x30;
  }
  const t = b[q + 17];
  if (t === 0x6e) return { type: 'inuse', gen, offset };
  if (t === 0x66) return { type: 'free', gen };
  return undefined;
}

/**
 * Xref entries decoded on demand (table rows or xref stream rows): opening a file with tens of
 * thousands of objects then costs one pass over the subsection headers. Iteration materialises
 * a Map once.
 */
const MAX_SCANNED_RUNS = 32;

export class LazyEntries implements ReadonlyMap<number, XrefEntry> {
  private all: Map<number, XrefEntry> | undefined;
  constructor(private readonly runs: readonly EntryRun[]) {}

  get(num: number): XrefEntry | undefined {
    if (this.all) return this.all.get(num);
    // Many subsections would make every lookup a long scan: one map is cheaper then.
    if (this.runs.length > MAX_SCANNED_RUNS) return this.materialise().get(num);
    // Later subsections win, as when they are read in order into a map.
    for (let i = this.runs.length - 1; i >= 0; i--) {
      const r = this.runs[i]!;
      if (num < r.first || num >= r.first + r.count) continue;
      const e = r.row(num - r.first);
      if (e) return e;
    }
    return undefined;
  }

  has(num: number): boolean {
    return this.get(num) !== undefined;
  }

  /** Highest object number listed, without decoding rows. */
  maxNumber(): number {
    let max = -1;
    for (const r of this.runs) if (r.count > 0) max = Math.max(max, r.first + r.count - 1);
    return max;
  }

  private materialise(): Map<number, XrefEntry> {
    if (!this.all) {
      const m = new Map<number, XrefEntry>();
      for (const r of this.runs) {
        for (let i = 0; i < r.count; i++) {
          const e = r.row(i);
          if (e) m.set(r.first + i, e);
        }
      }
      this.all = m;
    }
    return this.all;
  }

  get size(): number {
    return this.materialise().size;
  }
  forEach(cb: (value: XrefEntry, key: number, map: ReadonlyMap<number, XrefEntry>) => void, thisArg?: unknown): void {
    this.materialise().forEach((v, k) => cb.call(thisArg, v, k, this));
  }
  entries(): MapIterator<[number, XrefEntry]> {
    return this.materialise().entries();
  }
  keys(): MapIterator<number> {
    return this.materialise().keys();
  }
  values(): MapIterator<XrefEntry> {
    return this.materialise().values();
  }
  [Symbol.iterator](): MapIterator<[number, XrefEntry]> {
    return this.materialise()[Symbol.iterator]();
  }
}

/** Highest object number in a set of entries (cheap for lazily decoded tables). */
export function maxEntryNumber(entries: ReadonlyMap<number, XrefEntry>): number {
  if (entries instanceof LazyEntries) return entries.maxNumber();
  let max = -1;
  for (const n of entries.keys()) if (n > max) max = n;
  return max;
}

function readXrefStream(bytes: Uint8Array, at: number, budget: ReadBudget): { section: XrefSection; rows: number } {
  let ind;
  try {
    // An xref stream's /Length must be direct; if it is not, the endstream search applies.
    ind = parseIndirectAt(bytes, at, { maxNesting: budget.limits.maxNesting });
  } catch (e) {
    if (isLimitError(e)) throw e;
    throw new DocaxisError('PDF_XREF_BROKEN', `no xref stream at byte ${at}`, { cause: e });
  }
  const s = ind.obj;
  if (!(s instanceof PdfStream) || nameValue(s.dict.get('Type')) !== 'XRef') throw broken(`object at byte ${at} is not an xref stream`);
  const { entries, rows } = decodeXrefStream(s, budget);
  return { section: { kind: 'stream', offset: at, end: ind.end, trailer: s.dict, entries }, rows };
}

/**
 * Reads the rows of an xref stream. The rows its /Index (or /Size) claims are checked against the
 * budget before anything is decoded, and decoding stops at the bytes those rows need (twice that,
 * for tolerance); rows the data does not hold are dropped.
 */
export function decodeXrefStream(s: PdfStream, budget = new ReadBudget(DEFAULT_PDF_LIMITS, s.raw.length)): { entries: ReadonlyMap<number, XrefEntry>; rows: number } {
  const d = s.dict;
  const w = d.get('W');
  if (!Array.isArray(w) || w.length < 3 || !w.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 8)) {
    throw broken('xref stream /W is invalid');
  }
  const [w0, w1, w2] = w as number[];
  const width = w0! + w1! + w2!;
  if (width === 0) throw broken('xref stream /W is all zero');
  const size = d.get('Size');
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) throw broken('xref stream /Size is invalid');
  const index = d.get('Index') ?? [0, size];
  if (!Array.isArray(index) || index.length % 2 !== 0 || !index.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) {
    throw broken('xref stream /Index is invalid');
  }
  let claimed = 0;
  for (let k = 1; k < index.length; k += 2) claimed += index[k] as number;
  budget.checkXrefEntries(claimed);
  // PNG predictors add one byte per row; anything far beyond the rows is not read.
  const need = claimed * (width + 1);
  const lower = { bytes: 2 * need + 65_536, code: 'PDF_LIMIT_XREF_ENTRIES' as const, detail: `the xref stream data decodes to far more than its ${claimed} rows need` };
  let data: Uint8Array;
  try {
    data = decodeStreamData(d, s.raw, undefined, budget, lower);
  } catch (e) {
    if (isLimitError(e)) throw e;
    throw new DocaxisError('PDF_XREF_BROKEN', 'xref stream data cannot be decoded', { cause: e });
  }
  const field = (p: number, n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + data[p + i]!;
    return v;
  };
  const runs: EntryRun[] = [];
  let pos = 0;
  let rows = 0;
  for (let k = 0; k < index.length; k += 2) {
    const first = index[k] as number;
    // Short data: keep the rows that are there.
    const count = Math.max(0, Math.min(index[k + 1] as number, Math.floor((data.length - pos) / width)));
    const start = pos;
    runs.push({
      first,
      count,
      row: (i) => {
        const p = start + i * width;
        const type = w0 === 0 ? 1 : field(p, w0!);
        const f2 = field(p + w0!, w1!);
        const f3 = field(p + w0! + w1!, w2!);
        if (type === 0) return { type: 'free', gen: f3 };
        if (type === 1) return { type: 'inuse', gen: f3, offset: f2 };
        if (type === 2) return { type: 'compressed', gen: 0, objStm: f2, index: f3 };
        return undefined; // reserved types read as null (§7.5.8.3)
      },
    });
    pos += count * width;
    rows += count;
  }
  return { entries: new LazyEntries(runs), rows };
}
