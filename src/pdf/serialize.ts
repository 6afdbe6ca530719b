// Writes PDF objects back as bytes (§7.3). Output is deterministic so that offsets computed
// before writing (signature placeholders) stay valid.

import { DocaxisError } from '../errors.js';
import { PdfDict, PdfName, PdfRaw, PdfRef, PdfStream, PdfString, type PdfObject } from './objects.js';

/** Collects chunks and copies them once at the end (no concat per step). */
export class ByteBuilder {
  private readonly chunks: Uint8Array[] = [];
  private len = 0;

  push(x: string | Uint8Array): void {
    const b = typeof x === 'string' ? Buffer.from(x, 'latin1') : x;
    if (b.length === 0) return;
    this.chunks.push(b);
    this.len += b.length;
  }

  get length(): number {
    return this.len;
  }

  toBytes(): Uint8Array {
    const out = new Uint8Array(this.len);
    let p = 0;
    for (const c of this.chunks) {
      out.set(c, p);
      p += c.length;
    }
    return out;
  }
}

const MAX_DEPTH = 256;

export function serializeObject(obj: PdfObject): Uint8Array {
  const bb = new ByteBuilder();
  write(bb, obj, 0);
  return bb.toBytes();
}

/** "n g obj\n" body "\nendobj\n". */
export function serializeIndirect(num: number, gen: number, body: Uint8Array): Uint8Array {
  const head = Buffer.from(`${num} ${gen} obj\n`, 'latin1');
  const tail = Buffer.from('\nendobj\n', 'latin1');
  const out = new Uint8Array(head.length + body.length + tail.length);
  out.set(head, 0);
  out.set(body, head.length);
  out.set(tail, head.length + body.length);
  return out;
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new DocaxisError('PDF_OBJECT_MALFORMED', `cannot write the number ${n}`);
  if (Number.isInteger(n)) return Object.is(n, -0) ? '0' : n.toFixed(0);
  // toFixed never uses an exponent below 1e21; trim the zeros it pads with.
  let s = n.toFixed(6);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

export function escapeName(value: string): string {
  let out = '/';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i) & 0xff;
    // Regular printable characters stay; delimiters, '#', whitespace and non-ASCII become #xx.
    if (c > 0x20 && c < 0x7f && !'()<>[]{}/%#'.includes(String.fromCharCode(c))) out += String.fromCharCode(c);
    else out += `#${c.toString(16).padStart(2, '0').toUpperCase()}`;
  }
  return out;
}

function literalString(bytes: Uint8Array): Uint8Array {
  let extra = 0;
  for (const c of bytes) if (c === 0x28 || c === 0x29 || c === 0x5c || c === 0x0d || c === 0x0a) extra++;
  const out = new Uint8Array(bytes.length + extra + 2);
  let p = 0;
  out[p++] = 0x28;
  for (const c of bytes) {
    if (c === 0x28 || c === 0x29 || c === 0x5c) {
      out[p++] = 0x5c;
      out[p++] = c;
    } else if (c === 0x0d || c === 0x0a) {
      // A raw EOL would be normalised by readers; escape it to keep the bytes exact.
      out[p++] = 0x5c;
      out[p++] = c === 0x0d ? 0x72 : 0x6e;
    } else out[p++] = c;
  }
  out[p++] = 0x29;
  return out;
}

function write(bb: ByteBuilder, obj: PdfObject, depth: number): void {
  if (depth > MAX_DEPTH) throw new DocaxisError('PDF_OBJECT_MALFORMED', 'object nested too deeply to write');
  if (obj === null) return bb.push('null');
  if (typeof obj === 'boolean') return bb.push(obj ? 'true' : 'false');
  if (typeof obj === 'number') return bb.push(formatNumber(obj));
  if (obj instanceof PdfName) return bb.push(escapeName(obj.value));
  if (obj instanceof PdfString) {
    if (obj.hex) return bb.push(`<${Buffer.from(obj.bytes).toString('hex')}>`);
    return bb.push(literalString(obj.bytes));
  }
  if (obj instanceof PdfRef) return bb.push(`${obj.num} ${obj.gen} R`);
  if (obj instanceof PdfRaw) return bb.push(obj.bytes);
  if (Array.isArray(obj)) {
    bb.push('[');
    obj.forEach((x, i) => {
      if (i > 0) bb.push(' ');
      write(bb, x, depth + 1);
    });
    return bb.push(']');
  }
  if (obj instanceof PdfDict) return writeDict(bb, obj, depth);
  if (obj instanceof PdfStream) {
    const dict = obj.dict.clone();
    dict.set('Length', obj.raw.length);
    writeDict(bb, dict, depth);
    bb.push('\nstream\n');
    bb.push(obj.raw);
    return bb.push('\nendstream');
  }
  throw new DocaxisError('PDF_OBJECT_MALFORMED', 'not a PDF object');
}

function writeDict(bb: ByteBuilder, d: PdfDict, depth: number): void {
  bb.push('<<');
  for (const [k, v] of d.map) {
    bb.push(escapeName(k));
    bb.push(' ');
    write(bb, v, depth + 1);
  }
  bb.push('>>');
}
