// Stream filters (§7.4) that the signing path needs to read structure: FlateDecode (with PNG and
// TIFF predictors), ASCIIHexDecode and ASCII85Decode. Image codecs are never needed to sign, so
// anything else is reported as unsupported rather than guessed at.

import zlib from 'node:zlib';
import { DocaxisError } from '../errors.js';
import { PdfDict, PdfName, type PdfObject } from './objects.js';
import { hexVal } from './lexer.js';
import { DEFAULT_PDF_LIMITS, ReadBudget, limitError, type DecodeCap } from './limits.js';

export type Resolver = (o: PdfObject | undefined) => PdfObject | undefined;

/**
 * Applies the /Filter chain of a stream dictionary to its raw bytes. Every step's output is capped
 * by the budget (per stream, ratio to the stored size, document total), and the bytes produced are
 * charged to it. Without a budget, the default limits apply to this one call.
 */
export function decodeStreamData(dict: PdfDict, raw: Uint8Array, resolve: Resolver = (o) => o, budget?: ReadBudget, lower?: DecodeCap): Uint8Array {
  const f = resolve(dict.get('Filter'));
  const p = resolve(dict.get('DecodeParms') ?? dict.get('DP'));
  const filters = f === undefined || f === null ? [] : Array.isArray(f) ? f.map((x) => resolve(x)) : [f];
  const parms = Array.isArray(p) ? p.map((x) => resolve(x)) : [p];
  if (filters.length > 16) throw new DocaxisError('PDF_STREAM_UNSUPPORTED', 'too many filters');
  if (filters.length === 0) return raw;
  const b = budget ?? new ReadBudget(DEFAULT_PDF_LIMITS, raw.length);
  let cap = b.capFor(raw.length);
  // A caller that knows how much it can use (an xref stream: its rows) lowers the cap.
  if (lower !== undefined && lower.bytes < cap.bytes) cap = lower;
  if (cap.bytes <= 0) throw limitError(cap.code, cap.detail);
  let data = raw;
  let spent = 0;
  try {
    filters.forEach((name, i) => {
      if (!(name instanceof PdfName)) throw new DocaxisError('PDF_OBJECT_MALFORMED', '/Filter is not a name');
      const parm = parms[i];
      data = applyFilter(name.value, data, parm instanceof PdfDict ? parm : undefined, resolve, cap);
      spent += data.length;
      if (data.length > cap.bytes) throw limitError(cap.code, cap.detail);
    });
  } catch (e) {
    if (e instanceof DocaxisError && e.details?.['limit']) spent += cap.bytes; // the work done up to the cap
    throw e;
  } finally {
    b.chargeDecoded(spent);
  }
  return data;
}

function applyFilter(name: string, data: Uint8Array, parms: PdfDict | undefined, resolve: Resolver, cap: DecodeCap): Uint8Array {
  switch (name) {
    case 'FlateDecode':
    case 'Fl':
      return predict(inflate(data, cap), parms, resolve);
    case 'ASCIIHexDecode':
    case 'AHx':
      return asciiHexDecode(data);
    case 'ASCII85Decode':
    case 'A85':
      return ascii85Decode(data);
    default:
      throw new DocaxisError('PDF_STREAM_UNSUPPORTED', `filter /${name}`);
  }
}

/**
 * Inflates at most `cap.bytes` (zlib stops there: maxOutputLength), never the whole bomb first.
 * Truncated streams and a bad Adler-32 are common: then what decodes is kept, like most viewers.
 */
export function inflate(data: Uint8Array, cap: DecodeCap = new ReadBudget(DEFAULT_PDF_LIMITS, data.length).capFor(data.length)): Uint8Array {
  // Bigger output chunks for big inputs only: a small stream should not allocate 64 KB.
  const opts = { maxOutputLength: Math.max(1, cap.bytes), chunkSize: data.length > 16 * 1024 ? 64 * 1024 : 16 * 1024 };
  const tooLarge = (e: unknown): boolean => e instanceof RangeError || (e as { code?: string } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
  try {
    return zlib.inflateSync(data, opts);
  } catch (first) {
    if (tooLarge(first)) throw limitError(cap.code, cap.detail);
    try {
      return zlib.inflateSync(data, { ...opts, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch (second) {
      if (tooLarge(second)) throw limitError(cap.code, cap.detail);
      try {
        return zlib.inflateRawSync(data, { ...opts, finishFlush: zlib.constants.Z_SYNC_FLUSH });
      } catch (e) {
        if (tooLarge(e)) throw limitError(cap.code, cap.detail);
        throw new DocaxisError('PDF_OBJECT_MALFORMED', 'FlateDecode data is corrupt', { cause: e });
      }
    }
  }
}

function intParm(parms: PdfDict | undefined, key: string, dflt: number, resolve: Resolver): number {
  const v = resolve(parms?.get(key));
  return typeof v === 'number' && Number.isInteger(v) ? v : dflt;
}

/** Undoes a /Predictor (§7.4.4.4): 1 none, 2 TIFF, 10-15 PNG (per-row filter byte). */
export function predict(data: Uint8Array, parms: PdfDict | undefined, resolve: Resolver = (o) => o): Uint8Array {
  const predictor = intParm(parms, 'Predictor', 1, resolve);
  if (predictor <= 1) return data;
  const colors = intParm(parms, 'Colors', 1, resolve);
  const bpc = intParm(parms, 'BitsPerComponent', 8, resolve);
  const columns = intParm(parms, 'Columns', 1, resolve);
  if (colors < 1 || colors > 32 || ![1, 2, 4, 8, 16].includes(bpc) || columns < 1 || columns > 1 << 24) {
    throw new DocaxisError('PDF_OBJECT_MALFORMED', 'invalid predictor parameters');
  }
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((colors * bpc * columns) / 8);
  if (predictor === 2) return tiff(data, rowLen, colors, bpc);
  if (predictor >= 10 && predictor <= 15) return png(data, rowLen, bpp);
  throw new DocaxisError('PDF_STREAM_UNSUPPORTED', `predictor ${predictor}`);
}

function png(data: Uint8Array, rowLen: number, bpp: number): Uint8Array {
  const rows = Math.floor(data.length / (rowLen + 1)); // an incomplete last row is dropped
  const out = new Uint8Array(rows * rowLen);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLen + 1)]!;
    const src = r * (rowLen + 1) + 1;
    const dst = r * rowLen;
    const up = dst - rowLen; // previous output row (absent for row 0)
    for (let i = 0; i < rowLen; i++) {
      const x = data[src + i]!;
      const a = i >= bpp ? out[dst + i - bpp]! : 0;
      const b = r > 0 ? out[up + i]! : 0;
      const c = r > 0 && i >= bpp ? out[up + i - bpp]! : 0;
      let v: number;
      switch (type) {
        case 0: v = x; break;
        case 1: v = x + a; break;
        case 2: v = x + b; break;
        case 3: v = x + ((a + b) >> 1); break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default:
          throw new DocaxisError('PDF_OBJECT_MALFORMED', `unknown PNG row filter ${type}`);
      }
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}

function tiff(data: Uint8Array, rowLen: number, colors: number, bpc: number): Uint8Array {
  if (bpc !== 8 && bpc !== 16) throw new DocaxisError('PDF_STREAM_UNSUPPORTED', `TIFF predictor with ${bpc} bits per component`);
  const out = Uint8Array.from(data);
  const rows = Math.floor(out.length / rowLen);
  for (let r = 0; r < rows; r++) {
    const base = r * rowLen;
    if (bpc === 8) {
      for (let i = colors; i < rowLen; i++) out[base + i] = (out[base + i]! + out[base + i - colors]!) & 0xff;
    } else {
      const step = colors * 2;
      for (let i = step; i + 1 < rowLen; i += 2) {
        const v = ((out[base + i]! << 8) | out[base + i + 1]!) + ((out[base + i - step]! << 8) | out[base + i - step + 1]!);
        out[base + i] = (v >> 8) & 0xff;
        out[base + i + 1] = v & 0xff;
      }
    }
  }
  return out;
}

export function asciiHexDecode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 2));
  let n = 0;
  let hi = -1;
  for (const c of data) {
    if (c === 0x3e) break; // '>' is the end-of-data marker
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00) continue;
    const v = hexVal(c);
    if (v < 0) throw new DocaxisError('PDF_OBJECT_MALFORMED', 'invalid ASCIIHex data');
    if (hi < 0) hi = v;
    else {
      out[n++] = (hi << 4) | v;
      hi = -1;
    }
  }
  if (hi >= 0) out[n++] = hi << 4;
  return out.subarray(0, n);
}

export function ascii85Decode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length * 4 + 4); // 'z' expands one byte to four
  let n = 0;
  const group: number[] = [];
  let i = 0;
  // An optional "<~" prefix is tolerated.
  if (data[0] === 0x3c && data[1] === 0x7e) i = 2;
  const flush = (count: number): void => {
    let v = 0;
    for (let k = 0; k < 5; k++) v = v * 85 + (group[k] ?? 84);
    if (v > 0xffffffff) throw new DocaxisError('PDF_OBJECT_MALFORMED', 'invalid ASCII85 group');
    for (let k = 0; k < count; k++) out[n++] = (v >>> (24 - 8 * k)) & 0xff;
    group.length = 0;
  };
  for (; i < data.length; i++) {
    const c = data[i]!;
    if (c === 0x7e) break; // "~>" ends the data
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00) continue;
    if (c === 0x7a && group.length === 0) {
      out[n++] = 0; out[n++] = 0; out[n++] = 0; out[n++] = 0;
      continue;
    }
    if (c < 0x21 || c > 0x75) throw new DocaxisError('PDF_OBJECT_MALFORMED', 'invalid ASCII85 data');
    group.push(c - 0x21);
    if (group.length === 5) flush(4);
  }
  if (group.length === 1) throw new DocaxisError('PDF_OBJECT_MALFORMED', 'invalid ASCII85 final group');
  if (group.length > 0) flush(group.length - 1);
  return out.subarray(0, n);
}
