// The Merkle tree of RFC 6962 (Certificate Transparency) section 2.1 over the log entries' hashes:
//   leaf = SHA-256(0x00 || entry hash bytes), node = SHA-256(0x01 || left || right),
// split at the largest power of two below n. The 0x00/0x01 prefixes keep a leaf from passing for
// an inner node (second-preimage attacks); the split rule makes the root independent of how a
// caller batches its reads.
import { createHash } from 'node:crypto';

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

export function leafHash(entryHash: Uint8Array): Uint8Array {
  return sha256(LEAF, entryHash);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(NODE, left, right);
}

/** Merkle Tree Hash of hex entry hashes; the empty tree is SHA-256 of nothing, as in RFC 6962. */
export function merkleRoot(entryHashesHex: readonly string[]): Uint8Array {
  return subtree(entryHashesHex.map((h) => leafHash(Buffer.from(h, 'hex'))), 0, entryHashesHex.length);
}

export function merkleRootHex(entryHashesHex: readonly string[]): string {
  return Buffer.from(merkleRoot(entryHashesHex)).toString('hex');
}

/** Recursion depth is log2(n): a batch of millions is ~20 frames. */
function subtree(leaves: readonly Uint8Array[], from: number, to: number): Uint8Array {
  const n = to - from;
  if (n === 0) return sha256();
  if (n === 1) return leaves[from]!;
  let k = 1;
  while (k * 2 < n) k *= 2;
  return nodeHash(subtree(leaves, from, from + k), subtree(leaves, from + k, to));
}
