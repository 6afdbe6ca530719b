// The exchange log's hash chain: h_i = SHA-256(h_{i-1} || "\n" || canonical(entry_i)). The store
// computes it on append, under a lock, in the transaction of the change it records; a verifier
// recomputes it from the rows and reports the first entry whose hash does not follow.
import { createHash } from 'node:crypto';
import type { LogEntry } from './ports.js';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: the same value always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

/** The fields an entry's hash covers (everything but the hash itself). */
export function entryBody(e: Omit<LogEntry, 'hash' | 'prevHash'>): string {
  return canonicalJson({
    seq: e.seq,
    at: e.at.toISOString(),
    event: e.event,
    actorUserId: e.actorUserId,
    agencyId: e.agencyId,
    documentId: e.documentId,
    details: e.details,
  });
}

export function chainHash(prevHash: string, e: Omit<LogEntry, 'hash' | 'prevHash'>): string {
  return createHash('sha256').update(prevHash).update('\n').update(entryBody(e)).digest('hex');
}

export interface ChainCheck {
  ok: boolean;
  checked: number;
  /** The first entry that does not follow (wrong prevHash, wrong hash, or a gap in seq). */
  firstBroken: { seq: number; reason: string } | null;
}

/** Checks consecutive entries; `prevHash` is the hash the first one must point to. */
export function verifyChain(entries: readonly LogEntry[], prevHash = GENESIS_HASH, prevSeq?: number): ChainCheck {
  let prev = prevHash;
  let expectSeq = prevSeq === undefined ? entries[0]?.seq : prevSeq + 1;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const broken = (reason: string): ChainCheck => ({ ok: false, checked: i, firstBroken: { seq: e.seq, reason } });
    if (e.seq !== expectSeq) return broken(`expected entry ${expectSeq}, found ${e.seq} (an entry is missing)`);
    if (e.prevHash !== prev) return broken('prevHash does not match the previous entry');
    if (chainHash(e.prevHash, e) !== e.hash) return broken('the entry was changed after it was written');
    prev = e.hash;
    expectSeq = e.seq + 1;
  }
  return { ok: true, checked: entries.length, firstBroken: null };
}
