// Object streams (§7.5.7): a decoded stream holding /N objects after a header of
// "num offset" pairs; offsets are relative to /First.

import { DocaxisError } from '../errors.js';
import { PdfStream, type PdfObject } from './objects.js';
import { Lexer } from './lexer.js';
import { Parser } from './parser.js';

export class ObjectStream {
  private readonly parsed = new Map<number, PdfObject>();
  private constructor(
    private readonly data: Uint8Array,
    private readonly first: number,
    /** [objectNumber, offset relative to /First] per index. */
    readonly header: ReadonlyArray<readonly [number, number]>,
  ) {}

  static parse(stream: PdfStream, decoded: Uint8Array): ObjectStream {
    const n = stream.dict.get('N');
    const first = stream.dict.get('First');
    if (typeof n !== 'number' || typeof first !== 'number' || !Number.isInteger(n) || !Number.isInteger(first) || n < 0 || first < 0 || first > decoded.length) {
      throw new DocaxisError('PDF_OBJECT_MALFORMED', 'object stream /N or /First is invalid');
    }
    if (n > decoded.length / 2) throw new DocaxisError('PDF_OBJECT_MALFORMED', 'object stream /N exceeds its data');
    const lx = new Lexer(decoded, 0, first);
    const header: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) {
      const a = lx.next();
      const b = lx.next();
      if (a.kind !== 'number' || b.kind !== 'number' || !a.integer || !b.integer) {
        throw new DocaxisError('PDF_OBJECT_MALFORMED', 'object stream header is malformed');
      }
      header.push([a.value, b.value]);
    }
    return new ObjectStream(decoded, first, header);
  }

  get count(): number {
    return this.header.length;
  }

  /** The object at `index`; `expectedNum` guards against an xref entry pointing to the wrong slot. */
  objectAt(index: number, expectedNum?: number): PdfObject {
    const h = this.header[index];
    if (!h) throw new DocaxisError('PDF_OBJECT_MALFORMED', `object stream has no index ${index}`);
    if (expectedNum !== undefined && h[0] !== expectedNum) {
      // Some writers misnumber the index; fall back to a lookup by number.
      const i = this.header.findIndex(([num]) => num === expectedNum);
      if (i < 0) throw new DocaxisError('PDF_OBJECT_MALFORMED', `object ${expectedNum} is not in its object stream`);
      return this.objectAt(i);
    }
    let o = this.parsed.get(index);
    if (o === undefined) {
      const start = this.first + h[1];
      if (start > this.data.length) throw new DocaxisError('PDF_OBJECT_MALFORMED', 'object stream offset is out of range');
      const next = this.header[index + 1];
      const end = next && this.first + next[1] > start ? Math.min(this.data.length, this.first + next[1]) : this.data.length;
      o = new Parser(this.data, start, end).parseObject();
      this.parsed.set(index, o);
    }
    return o;
  }
}
