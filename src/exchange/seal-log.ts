// Sealing the exchange log (X-Road's message log): the entries after the last seal are reduced to
// a Merkle root (merkle.ts) and the root is timestamped by an RFC 3161 TSA, so that even someone
// who rewrites the whole hash chain (a DBA re-hashing every row) cannot match a root a third
// party dated and signed. The TSA is asked outside the transaction (a remote one may take seconds);
// the seal row and its 'log.sealed' entry are then written in one transaction. Two sealers racing
// over the same entries: the store refuses the second (LOG_SEAL_CONFLICT).
import type { LogEntry, LogSeal, Principal } from '../db/ports.js';
import { DocaxisError } from '../errors.js';
import type { Timestamper } from '../pades/timestamper.js';
import { inspectTimestampToken } from '../pki/timestamp.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole } from './guard.js';
import { merkleRoot } from './merkle.js';

const READ_BATCH = 1000;
/** Bounds one seal's memory (32 bytes a leaf) and the time a verifier spends on it. */
export const DEFAULT_MAX_ENTRIES = 50_000;

export interface SealOptions {
  timestamper: Timestamper;
  maxEntries?: number;
  /** Who asked (an admin through the API); null for the timer. */
  actorUserId?: string | null;
}

/**
 * Seals up to maxEntries entries after the last seal. Returns null when there is nothing new to
 * seal: no entries, or only the previous seal's own 'log.sealed' entry (otherwise an idle axis
 * would seal its last seal entry, then that seal's entry, forever).
 */
export async function sealLog(deps: ExchangeDeps, opts: SealOptions): Promise<LogSeal | null> {
  const max = Math.max(1, Math.trunc(opts.maxEntries ?? DEFAULT_MAX_ENTRIES));
  const [last, head] = await Promise.all([deps.stores.seals.last(), deps.stores.log.head()]);
  const from = last ? last.toSeq + 1 : 0; // 0 also covers a store that starts counting at 0
  if (!head || head.seq < from) return null;

  const batch = await pendingEntries(deps, from, head.seq, max);
  if (batch.length === 0 || batch.every((e) => e.event === 'log.sealed')) return null;
  const root = merkleRoot(batch.map((e) => e.hash));
  const token = await opts.timestamper(root, 'sha256');
  const genTime = inspectTimestampToken(token).genTime;

  const fromSeq = batch[0]!.seq;
  const toSeq = batch.at(-1)!.seq;
  const merkleRootHex = Buffer.from(root).toString('hex');
  const at = deps.clock();
  return deps.stores.transaction(async (tx) => {
    const seal = await tx.seals.insert({ fromSeq, toSeq, merkleRoot: merkleRootHex, timestampToken: token, sealedAt: at });
    await tx.log.append(
      {
        event: 'log.sealed',
        actorUserId: opts.actorUserId ?? null,
        agencyId: null,
        documentId: null,
        details: { sealId: seal.id, fromSeq, toSeq, entries: batch.length, merkleRoot: merkleRootHex, genTime: genTime.toISOString() },
      },
      at,
    );
    return seal;
  });
}

/** Only the hashes matter for the root, but seq and event are needed for the bounds and the idle rule. */
async function pendingEntries(deps: ExchangeDeps, from: number, headSeq: number, max: number): Promise<Array<Pick<LogEntry, 'seq' | 'hash' | 'event'>>> {
  const out: Array<Pick<LogEntry, 'seq' | 'hash' | 'event'>> = [];
  for (let a = from; a <= headSeq && out.length < max; a += READ_BATCH) {
    const rows = await deps.stores.log.range(a, Math.min(a + READ_BATCH - 1, headSeq));
    for (const e of rows) {
      if (out.length >= max) break;
      out.push({ seq: e.seq, hash: e.hash, event: e.event });
    }
  }
  return out;
}

/** POST /log/seal: an admin seals now, with the configured TSA. */
export async function sealLogNow(deps: ExchangeDeps, p: Principal): Promise<LogSeal | null> {
  await ensureRole(deps, p, 'seal log', 'admin');
  if (!deps.timestamper) throw new DocaxisError('LOG_SEALING_OFF');
  return sealLog(deps, { timestamper: deps.timestamper, actorUserId: p.user.id });
}

export async function listLogSeals(deps: ExchangeDeps, p: Principal): Promise<LogSeal[]> {
  await ensureRole(deps, p, 'list log seals', 'admin', 'auditor');
  return deps.stores.seals.list();
}
