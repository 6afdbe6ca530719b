// Object streams (§7.5.7): a decoded stream holding /N objects after a header of
// "num offset" pairs; offsets are relative to /First. The header is kept in two typed arrays
// (16 bytes per object), so a large /N costs memory in proportion to the data that backs it.

import { DocaxisError } from '../errors.js';
import { PdfStream, type PdfObject } from './objects.js';
import { Lexer } from './lexer.js';
import { MAX_NESTING, Parser } from './parser.js';
import { DEFAULT_PDF_LIMITS, limitError } from './limits.js';

export class ObjectStream {
  private readonly parsed = new Map<number, PdfObject>();
  /** Object number -> index, built on the first misnumbered lookup only. */
  private byNumber: Map<number, number> | undefined;
  private constructor(
    private readonly data: Uint8Array,
    private readonly first: number,
    private readonly nums: Float64Array,
    private readonly offsets: Float64Array,
    private readonly maxNesting: number,
  ) {}

  static parse(stream: PdfStream, decoded: Uint8Array, limits: { maxObjects: number; maxNesting: number } = DEFAULT_PDF_LIMITS): ObjectStream {
    const n = stream.dict.get('N');
    const first = stream.dict.get('First');
    if (typeof n !== 'number' || typeof first !== 'number' || !Number.isInteger(n) || !Number.isInteger(first) || n < 0 || first < 0 || first > decoded.length) {
      throw new DocaxisError('PDF_OBJECT_MALFORMED', 'object stream /N or /First is invalid');
    }
    if (n > limits.maxObjects) throw limitError('PDF_LIMIT_OBJECTS', `object stream /N is ${n}, more than ${limits.maxObjects}`, { claimed: n, allowed: limits.maxObjects });
    // Each header pair takes at least 4 bytes ("1 0 "); a larger /N is a claim the data cannot back.
    if (n > first / 2) throw new DocaxisError('PDF_OBJECT_MALFORMED', 'object stream /N exceeds its data');
    const lx = new Lexer(decoded, 0, first);
    const nums = new Float64Array(n);
    const offsets = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = lx.next();
      const b = lx.next();
      if (a.kind !== 'number' || b.kind !== 'number' || !a.integer || !b.integer) {
        throw new DocaxisError('PDF_OBJECT_MALFORMED', 'object stream header is malformed');
      }
      nums[i] = a.value;
      offsets[i] = b.value;
    }
    return new ObjectStream(decoded, first, nums, offsets, limits.maxNesting ?? MAX_NESTING);
  }

  get count(): number {
    return this.nums.length;
  }

  /** The object number at each index, in order. */
  *numbers(): IterableIterator<[index: number, num: number]> {
    for (let i = 0; i < this.nums.length; i++) yield [i, this.nums[i]!];
  }

  /** The object at `index`; `expectedNum` guards against an xref entry pointing to the wrong slot. */
  objectAt(index: number, expectedNum?: number): PdfObject {
    if (!Number.isInteger(index) || index < 0 || index >= this.nums.length) throw new DocaxisError('PDF_OBJECT_MALFORMED', `object stream has no index ${index}`);
    if (expectedNum !== undefined && this.nums[index] !== expectedNum) {
      // Some writers misnumber the index; fall back to a lookup by number (first occurrence wins).
      if (!this.byNumber) {
        this.byNumber = new Map();
        for (let i = this.nums.length - 1; i >= 0; i--) this.byNumber.set(this.nums[i]!, i);
      }
      const i = this.byNumber.get(expectedNum);
      if (i === undefined) throw new DocaxisError('PDF_OBJECT_MALFORMED', `object ${expectedNum} is not in its object stream`);
      return this.objectAt(i);
    }
    let o = this.parsed.get(index);
    if (o === undefined) {
      const start = this.first + this.offsets[index]!;
      if (start > this.data.length) throw new DocaxisError('PDF_OBJECT_MALFORMED', 'object stream offset is out of range');
      const next = index + 1 < this.nums.length ? this.first + this.offsets[index + 1]! : -1;
      const end = next > start ? Math.min(this.data.length, next) : this.data.length;
      o = new Parser(this.data, start, end, this.maxNesting).parseObject();
      this.parsed.set(index, o);
    }
    return o;
  }
}
