// Digests of signed byte ranges without hashing the file once per signature. Every signature's
// range starts with [0, /Contents of the first signature): that prefix is hashed once per
// algorithm and its state copied, so a document with N signatures costs about one pass.
import { createHash, type Hash } from 'node:crypto';

export class RangeHasher {
  private readonly prefixEnd: number;
  private readonly prefixes = new Map<string, Hash>();

  constructor(
    private readonly bytes: Uint8Array,
    byteRanges: ReadonlyArray<readonly number[]>,
  ) {
    const starts = byteRanges
      .map((r) => r[1])
      .filter((b): b is number => typeof b === 'number' && Number.isInteger(b) && b >= 0 && b <= bytes.length);
    this.prefixEnd = starts.length > 0 ? Math.min(...starts) : 0;
  }

  /** Digest of [a, a+b) + [c, c+d); ranges are assumed checked by the caller. */
  digest(byteRange: readonly number[], algorithm: string): Uint8Array {
    const [a = 0, b = 0, c = 0, d = 0] = byteRange;
    if (a !== 0 || b < this.prefixEnd) {
      return createHash(algorithm).update(this.bytes.subarray(a, a + b)).update(this.bytes.subarray(c, c + d)).digest();
    }
    return this.fromPrefix(algorithm).update(this.bytes.subarray(this.prefixEnd, b)).update(this.bytes.subarray(c, c + d)).digest();
  }

  /** Digest of the whole file (its identity in reports and storage). */
  fileDigest(algorithm = 'sha256'): Uint8Array {
    return this.fromPrefix(algorithm).update(this.bytes.subarray(this.prefixEnd)).digest();
  }

  private fromPrefix(algorithm: string): Hash {
    let h = this.prefixes.get(algorithm);
    if (!h) {
      h = createHash(algorithm).update(this.bytes.subarray(0, this.prefixEnd));
      this.prefixes.set(algorithm, h);
    }
    return h.copy();
  }
}
