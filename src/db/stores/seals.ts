// Seals over batches of the exchange log (exchange/seal-log.ts writes them, exchange-log.ts checks
// them). A seal for entries someone else sealed meanwhile (same fromSeq) is refused, not doubled.
import { asc, desc } from 'drizzle-orm';
import { DocaxisError } from '../../errors.js';
import type { Db } from '../db.js';
import type { LogSeal, SealStore } from '../ports.js';
import { logSeals } from '../schema.js';

export async function insertSeal(db: Db, s: Omit<LogSeal, 'id'>): Promise<LogSeal> {
  // DO NOTHING rather than a unique violation: the caller's transaction stays usable.
  const [r] = await db.insert(logSeals).values(s).onConflictDoNothing({ target: logSeals.fromSeq }).returning();
  if (!r) throw new DocaxisError('LOG_SEAL_CONFLICT', `entries from ${s.fromSeq} are already sealed`);
  return r;
}

export async function listSeals(db: Db): Promise<LogSeal[]> {
  return db.select().from(logSeals).orderBy(asc(logSeals.fromSeq));
}

export async function lastSeal(db: Db): Promise<LogSeal | undefined> {
  const [r] = await db.select().from(logSeals).orderBy(desc(logSeals.toSeq)).limit(1);
  return r;
}

export function sealStore(db: Db): SealStore {
  return {
    insert: (s) => insertSeal(db, s),
    list: () => listSeals(db),
    last: () => lastSeal(db),
  };
}
