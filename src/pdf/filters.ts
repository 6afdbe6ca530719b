// Stream filters (§7.4) that the signing path needs to read structure: FlateDecode (with PNG and
// TIFF predictors), ASCIIHexDecode and ASCII85Decode. Image codecs are never needed to sign, so
// anything else is reported as unsupported rather than guessed at.

import zlib from 'node:zlib';
import { DocaxisError } from '../errors.js';
import { PdfDict, PdfName, type PdfObject } from './objects.js';
import { hexVal } from './lexer.js';

/** Guards against decompression bombs; structural streams are tiny next to this. */
export const MAX_DECODED_BYTES = 512 * 1024 * 1024;

export type Resolver = (o: PdfObject | undefined) => PdfObject | undefined;

/** Applies the /Filter chain of a stream dictionary to its raw bytes. */
export function decodeStreamData(dict: PdfDict, raw: Uint8Array, resolve: Resolver = (o) => o): Uint8Array {
  const f = resolve(dict.get('Filter'));
  const p = resolve(dict.get('DecodeParms') ?? dict.get('DP'));
  const filters = f === undefined || f === null ? [] : Array.isArray(f) ? f.map((x) => resolve(x)) : [f];
  const parms = Array.isArray(p) ? p.map((x) => resolve(x)) : [p];
  if (filters.length > 16) throw new DocaxisError('PDF_STREAM_UNSUPPORTED', 'too many filters');
  let data = raw;
  filters.forEach((name, i) => {
    if (!(name instanceof PdfName)) throw new DocaxisError('PDF_OBJECT_MALFORMED', '/Filter is not a name');
    const parm = parms[i];
    data = applyFilter(name.value, data, parm instanceof PdfDict ? parm : undefined, resolve);
  });
  return data;
}

function applyFilter(name: string, data: Uint8Array, parms: PdfDict | undefined, resolve: Resolver): Uint8Array {
  switch (name) {
    case 'FlateDecode':
    case 'Fl':
      return predict(inflate(data), parms, resolve);
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

export function inflate(data: Uint8Array): Uint8Array {
  const opts = { maxOutputLength: MAX_DECODED_BYTES };
  try {
    return zlib.inflateSync(data, opts);
  } catch (first) {
    if (first instanceof RangeError) throw new DocaxisError('PDF_TOO_LARGE', 'a stream decodes to too many bytes');
    // Truncated streams or a bad Adler-32 are common; keep what decodes, like most viewers.
    try {
      return zlib.inflateSync(data, { ...opts, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch {
      try {
        return zlib.inflateRawSync(data, { ...opts, finishFlush: zlib.constants.Z_SYNC_FLUSH });
      } catch (e) {
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
