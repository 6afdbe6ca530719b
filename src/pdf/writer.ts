// Incremental updates (§7.5.6): new and replaced objects are appended after the original bytes,
// which are never touched, followed by an xref section in the input's style that points back
// with /Prev. Earlier signatures therefore stay valid.

import zlib from 'node:zlib';
import { DocaxisError } from '../errors.js';
import { PdfDict, PdfName, PdfRef, PdfStream, type PdfObject } from './objects.js';
import { ByteBuilder, serializeIndirect, serializeObject } from './serialize.js';
import type { PdfReader } from './reader.js';
import { maxEntryNumber } from './xref.js';

export interface IncrementalUpdate {
  original: Uint8Array;
  update: Uint8Array;
  /** Per object number: absolute span (in original + update) of "n g obj ... endobj". */
  offsets: Map<number, { start: number; end: number }>;
}

interface XrefRow {
  num: number;
  type: 0 | 1 | 2;
  /** type 1: offset relative to the %PDF- header; type 2: object stream number; type 0: next free. */
  f2: number;
  /** type 1/0: generation; type 2: index in the object stream. */
  f3: number;
}

export class IncrementalWriter {
  private readonly objects = new Map<number, { gen: number; body: Uint8Array }>();
  private nextNum: number;

  constructor(private readonly reader: PdfReader) {
    let max = reader.size - 1;
    for (const r of reader.revisions) max = Math.max(max, maxEntryNumber(r.entries));
    this.nextNum = max + 1;
  }

  allocateRef(): PdfRef {
    return new PdfRef(this.nextNum++, 0);
  }

  set(ref: PdfRef, obj: PdfObject): void {
    this.setRaw(ref, serializeObject(obj));
  }

  setRaw(ref: PdfRef, body: Uint8Array): void {
    if (!Number.isInteger(ref.num) || ref.num <= 0 || !Number.isInteger(ref.gen) || ref.gen < 0 || ref.gen > 65535) {
      throw new DocaxisError('PDF_OBJECT_MALFORMED', `cannot write object ${ref.num} ${ref.gen}`);
    }
    this.objects.set(ref.num, { gen: ref.gen, body });
    if (ref.num >= this.nextNum) this.nextNum = ref.num + 1;
  }

  write(): IncrementalUpdate {
    const reader = this.reader;
    const original = reader.bytes;
    const base = reader.base;
    const out = new ByteBuilder();
    const last = original[original.length - 1];
    if (last !== 0x0a && last !== 0x0d) out.push('\n');

    const offsets = new Map<number, { start: number; end: number }>();
    const rows: XrefRow[] = [];
    for (const num of [...this.objects.keys()].sort((a, b) => a - b)) {
      const { gen, body } = this.objects.get(num)!;
      const start = original.length + out.length;
      const bytes = serializeIndirect(num, gen, body);
      out.push(bytes);
      offsets.set(num, { start, end: start + bytes.length - 1 }); // exclude the final "\n"
      rows.push({ num, type: 1, f2: start - base, f3: gen });
    }

    // A reconstructed file has no trustworthy xref to point back to: this section then lists every
    // object and carries no /Prev, so readers never need the broken part.
    const full = reader.reconstructed;
    if (full) {
      for (const [num, e] of reader.revisions[0]!.entries) {
        if (this.objects.has(num)) continue;
        if (e.type === 'inuse') rows.push({ num, type: 1, f2: e.offset ?? 0, f3: e.gen });
        else if (e.type === 'compressed') rows.push({ num, type: 2, f2: e.objStm ?? 0, f3: e.index ?? 0 });
        else rows.push({ num, type: 0, f2: 0, f3: num === 0 ? 65535 : e.gen });
      }
      rows.sort((a, b) => a.num - b.num);
    }

    const useStream = reader.xrefKind === 'stream' || rows.some((r) => r.type === 2);
    const xrefOffset = original.length + out.length;
    if (useStream) this.writeXrefStream(out, rows, xrefOffset, full);
    else this.writeXrefTable(out, rows, full);
    out.push(`startxref\n${xrefOffset - base}\n%%EOF\n`);
    return { original, update: out.toBytes(), offsets };
  }

  private size(rows: XrefRow[]): number {
    let size = this.reader.size;
    for (const r of rows) if (r.num >= size) size = r.num + 1;
    return size;
  }

  private writeXrefTable(out: ByteBuilder, rows: XrefRow[], full: boolean): void {
    out.push('xref\n');
    for (const [first, run] of subsections(rows)) {
      out.push(`${first} ${run.length}\n`);
      for (const r of run) {
        // Fixed 20-byte entries: 10-digit offset, 5-digit generation, type, two-byte EOL.
        const type = r.type === 1 ? 'n' : 'f';
        out.push(`${String(r.f2).padStart(10, '0')} ${String(r.f3).padStart(5, '0')} ${type}\r\n`);
      }
    }
    const trailer = this.reader.trailer.clone();
    for (const k of ['Prev', 'XRefStm', 'Type', 'W', 'Index', 'Filter', 'DecodeParms', 'Length', 'F', 'DL']) trailer.delete(k);
    trailer.set('Size', this.size(rows));
    if (!full) trailer.set('Prev', this.reader.startxref);
    out.push('trailer\n');
    out.push(serializeObject(trailer));
    out.push('\n');
  }

  private writeXrefStream(out: ByteBuilder, rows: XrefRow[], xrefOffset: number, full: boolean): void {
    // The xref stream is an object too and should list itself (§7.5.8.1).
    const selfNum = Math.max(this.nextNum, this.size(rows));
    const all = [...rows, { num: selfNum, type: 1 as const, f2: xrefOffset - this.reader.base, f3: 0 }];
    let maxF2 = 0;
    let maxF3 = 0;
    for (const r of all) {
      maxF2 = Math.max(maxF2, r.f2);
      maxF3 = Math.max(maxF3, r.f3);
    }
    const w2 = byteWidth(maxF2);
    const w3 = byteWidth(maxF3);
    const width = 1 + w2 + w3;
    const data = new Uint8Array(all.length * width);
    const index: number[] = [];
    let p = 0;
    for (const [first, run] of subsections(all)) {
      index.push(first, run.length);
      for (const r of run) {
        data[p++] = r.type;
        p = putInt(data, p, r.f2, w2);
        p = putInt(data, p, r.f3, w3);
      }
    }
    const dict = new PdfDict([
      ['Type', PdfName.of('XRef')],
      ['Size', selfNum + 1],
      ['Index', index],
      ['W', [1, w2, w3]],
      ['Filter', PdfName.of('FlateDecode')],
    ]);
    const t = this.reader.trailer;
    for (const k of ['Root', 'Info', 'ID']) {
      const v = t.get(k);
      if (v !== undefined) dict.set(k, v);
    }
    if (!full) dict.set('Prev', this.reader.startxref);
    const stream = new PdfStream(dict, zlib.deflateSync(data));
    out.push(serializeIndirect(selfNum, 0, serializeObject(stream)));
  }
}

/** Groups rows (sorted by number) into runs of consecutive object numbers. */
function subsections(rows: XrefRow[]): Array<[number, XrefRow[]]> {
  const out: Array<[number, XrefRow[]]> = [];
  for (const r of rows) {
    const cur = out[out.length - 1];
    if (cur && cur[0] + cur[1].length === r.num) cur[1].push(r);
    else out.push([r.num, [r]]);
  }
  return out;
}

function byteWidth(n: number): number {
  let w = 1;
  while (n >= 2 ** (8 * w) && w < 8) w++;
  return w;
}

function putInt(buf: Uint8Array, p: number, v: number, width: number): number {
  for (let i = width - 1; i >= 0; i--) {
    buf[p + i] = v % 256;
    v = Math.floor(v / 256);
  }
  return p + width;
}

/** original + update as one buffer (a single copy). */
export function concatUpdate(u: IncrementalUpdate): Uint8Array {
  const out = Buffer.allocUnsafe(u.original.length + u.update.length);
  out.set(u.original, 0);
  out.set(u.update, u.original.length);
  return out;
}
