// Last resort when the xref chain cannot be read: rebuild an index by scanning the file for
// "n g obj" headers (later definitions win, as in an incremental file) and find a trailer.
// This is the only code path that reads the whole file, and it runs only for broken files.

import { DocaxisError } from '../errors.js';
import { PdfDict, PdfRef, PdfStream, nameValue, type PdfObject } from './objects.js';
import { bufferView } from './lexer.js';
import { Parser } from './parser.js';
import { objHeaderStart, type XrefEntry } from './xref.js';
import { decodeStreamData } from './filters.js';
import { ObjectStream } from './objstm.js';
import { DEFAULT_PDF_LIMITS, ReadBudget, isLimitError } from './limits.js';

const OBJ = Buffer.from('obj', 'latin1');
const TRAILER = Buffer.from('trailer', 'latin1');
const ENDSTREAM = Buffer.from('endstream', 'latin1');

/** Absolute offsets of the last "n g obj" header per object number; `starts` gets every header, in order. */
export function scanObjectHeaders(bytes: Uint8Array, starts?: number[]): Map<number, { offset: number; gen: number }> {
  const buf = bufferView(bytes);
  const found = new Map<number, { offset: number; gen: number }>();
  for (let at = buf.indexOf(OBJ, 0); at >= 0; at = buf.indexOf(OBJ, at + 3)) {
    const h = objHeaderStart(bytes, at);
    if (h < 0) continue;
    const m = /^(\d+)\s+(\d+)/.exec(buf.toString('latin1', h, at));
    if (!m) continue;
    const num = Number(m[1]);
    const gen = Number(m[2]);
    if (Number.isSafeInteger(num) && num > 0 && num < 10_000_000) {
      found.set(num, { offset: h, gen });
      starts?.push(h);
    }
  }
  return found;
}

export interface Reconstruction {
  trailer: PdfDict;
  /** Entries with offsets relative to `base`, like those read from an xref. */
  entries: Map<number, XrefEntry>;
}

export function reconstruct(bytes: Uint8Array, base: number, budget = new ReadBudget(DEFAULT_PDF_LIMITS, bytes.length)): Reconstruction {
  const starts: number[] = [];
  const headers = scanObjectHeaders(bytes, starts);
  const parse = boundedParser(bytes, starts, budget.limits.maxNesting);
  const entries = new Map<number, XrefEntry>();
  let catalog: PdfRef | undefined;
  let xrefTrailer: PdfDict | undefined;
  for (const [num, { offset, gen }] of headers) {
    entries.set(num, { type: 'inuse', gen, offset: offset - base });
    let obj;
    try {
      obj = parse(offset);
    } catch {
      continue; // broken objects stay indexed; reading them reports the damage (nesting included)
    }
    const dict = obj instanceof PdfStream ? obj.dict : obj instanceof PdfDict ? obj : undefined;
    const type = nameValue(dict?.get('Type'));
    if (type === 'Catalog') catalog = new PdfRef(num, gen);
    else if (type === 'XRef' && dict?.get('Root') instanceof PdfRef) xrefTrailer = dict;
    else if (type === 'ObjStm' && obj instanceof PdfStream) {
      try {
        const os = ObjectStream.parse(obj, decodeStreamData(obj.dict, obj.raw, undefined, budget), budget.limits);
        for (const [index, n] of os.numbers()) {
          if (!headers.has(n) && !entries.has(n)) entries.set(n, { type: 'compressed', gen: 0, objStm: num, index });
        }
      } catch (e) {
        // An unreadable object stream only loses the objects inside it; a spent budget ends the repair.
        if (isLimitError(e)) throw e;
      }
    }
  }
  const trailer = lastTrailer(bytes) ?? xrefTrailer?.clone() ?? (catalog ? new PdfDict([['Root', catalog]]) : undefined);
  if (!trailer || !(trailer.get('Root') instanceof PdfRef)) {
    throw new DocaxisError('PDF_XREF_BROKEN', 'the xref is unreadable and no document catalog was found');
  }
  let maxNum = 0;
  for (const n of entries.keys()) maxNum = Math.max(maxNum, n);
  const size = trailer.get('Size');
  if (typeof size !== 'number' || size <= maxNum) trailer.set('Size', maxNum + 1);
  for (const k of ['Prev', 'XRefStm', 'Type', 'W', 'Index', 'Filter', 'DecodeParms', 'Length']) trailer.delete(k);
  entries.set(0, { type: 'free', gen: 65535 });
  return { trailer, entries };
}

/**
 * Parses the object at each header, first up to the next header (objects do not overlap, and an
 * unterminated string then costs its own bytes, not the rest of the file). Only a failure retries
 * further, up to the next "endstream" (a stream's data may hold header-like bytes), within a total
 * of a few times the file size: a file of many broken objects cannot make the repair quadratic.
 */
function boundedParser(bytes: Uint8Array, starts: readonly number[], maxNesting: number): (offset: number) => PdfObject {
  const buf = bufferView(bytes);
  const unterminated = new Map<number, number>();
  let retryBytes = 4 * bytes.length + (1 << 20);
  const nextStart = (offset: number): number => {
    let lo = 0;
    let hi = starts.length; // first start > offset (starts ascend: the scan runs forward)
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! > offset) hi = mid;
      else lo = mid + 1;
    }
    return lo < starts.length ? starts[lo]! : bytes.length;
  };
  return (offset) => {
    try {
      return new Parser(bytes, offset, nextStart(offset), maxNesting, unterminated).parseIndirect().obj;
    } catch (e) {
      if (isLimitError(e)) throw e;
      const es = buf.indexOf(ENDSTREAM, offset);
      const end = es < 0 ? bytes.length : Math.min(bytes.length, es + ENDSTREAM.length + 64);
      if (end - offset > retryBytes) throw e;
      retryBytes -= end - offset;
      return new Parser(bytes, offset, end, maxNesting, unterminated).parseIndirect().obj;
    }
  };
}

/** The last parseable "trailer << ... /Root ... >>" in the file; each try stops at the next "trailer". */
function lastTrailer(bytes: Uint8Array): PdfDict | undefined {
  const buf = bufferView(bytes);
  let end = bytes.length;
  for (let at = buf.lastIndexOf(TRAILER); at >= 0; end = at, at = at > 0 ? buf.lastIndexOf(TRAILER, at - 1) : -1) {
    try {
      const d = new Parser(bytes, at + TRAILER.length, end).parseObject();
      if (d instanceof PdfDict && d.get('Root') instanceof PdfRef) return d.clone();
    } catch {
      // keep looking further back
    }
  }
  return undefined;
}
