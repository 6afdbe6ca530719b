// Digests of signed byte ranges without hashing the file once per signature. Every signature's
// range starts with [0, /Contents of the first signature): that prefix is hashed once per
// algorithm and its state copied, so a document with N signatures costs about one pass.
// A caller that hashed the file while reading it (the CLI) passes the states it kept on the way
// (HashCheckpoints): the pass is then already done and only the last bytes past a checkpoint remain.
import { createHash, type Hash } from 'node:crypto';

/**
 * States of one hash over the first `offset` bytes of the very bytes being verified, ascending by
 * offset, as a reader takes them chunk by chunk. A wrong state would give a wrong digest: only
 * pass states computed over exactly these bytes.
 */
export interface HashCheckpoints {
  /** node:crypto name, e.g. 'sha256'. */
  algorithm: string;
  points: readonly { offset: number; state: Hash }[];
}

export class RangeHasher {
  private readonly prefixEnd: number;
  private readonly prefixes = new Map<string, Hash>();

  constructor(
    private readonly bytes: Uint8Array,
    byteRanges: ReadonlyArray<readonly number[]>,
    private readonly checkpoints?: HashCheckpoints,
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
    const whole = this.checkpointAt(algorithm, this.bytes.length);
    if (whole?.offset === this.bytes.length) return whole.state.copy().digest();
    return this.fromPrefix(algorithm).update(this.bytes.subarray(this.prefixEnd)).digest();
  }

  private fromPrefix(algorithm: string): Hash {
    let h = this.prefixes.get(algorithm);
    if (!h) {
      const cp = this.checkpointAt(algorithm, this.prefixEnd);
      h = cp ? cp.state.copy().update(this.bytes.subarray(cp.offset, this.prefixEnd)) : createHash(algorithm).update(this.bytes.subarray(0, this.prefixEnd));
      this.prefixes.set(algorithm, h);
    }
    return h.copy();
  }

  /** The furthest checkpoint of `algorithm` at or before `end`. */
  private checkpointAt(algorithm: string, end: number): { offset: number; state: Hash } | undefined {
    if (this.checkpoints?.algorithm !== algorithm) return undefined;
    let best: { offset: number; state: Hash } | undefined;
    for (const p of this.checkpoints.points) if (p.offset <= end && p.offset <= this.bytes.length && (!best || p.offset > best.offset)) best = p;
    return best;
  }
}
