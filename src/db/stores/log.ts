// The exchange log: appended in the caller's transaction, chained by hash (db/log-chain.ts).
// Appenders serialise on a transaction-scoped advisory lock, then read the head: under READ
// COMMITTED that read sees every append committed before the lock was granted, so seq has no gaps
// and no forks even across connections. The lock is released at commit or rollback.
import { and, asc, desc, eq, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { decodeCursor, encodeCursor, pageLimit } from '../cursor.js';
import type { Db } from '../db.js';
import { chainHash, GENESIS_HASH } from '../log-chain.js';
import type { LogEntry, LogEntryInput, LogEvent, LogFilter, LogStore, Page, PageOf } from '../ports.js';
import { exchangeLog } from '../schema.js';

/** Arbitrary, fixed: "docaxis log" for pg_advisory_xact_lock. Nothing else may use it. */
const LOG_LOCK_KEY = 0x6c6f67646f63;

type Row = typeof exchangeLog.$inferSelect;

const toEntry = (r: Row): LogEntry => ({ ...r, event: r.event as LogEvent });

export async function logHead(db: Db): Promise<LogEntry | undefined> {
  const [r] = await db.select().from(exchangeLog).orderBy(desc(exchangeLog.seq)).limit(1);
  return r && toEntry(r);
}

/** `db` must be a transaction: the advisory lock lives until it ends. */
export async function appendLogInTransaction(tx: Db, e: LogEntryInput, at: Date): Promise<LogEntry> {
  const [entry] = await appendManyInTransaction(tx, [e], at);
  return entry!;
}

/**
 * Several entries, in order, under one lock: one head read and one multi-row INSERT instead of a
 * lock, a read and an insert per entry (a send logs 1 + one per recipient). The chain is the
 * same as appending them one by one. `db` must be a transaction.
 */
export async function appendManyInTransaction(tx: Db, es: readonly LogEntryInput[], at: Date): Promise<LogEntry[]> {
  if (es.length === 0) return [];
  // Issued together, so the driver pipelines them (one round trip). They stay two statements: the
  // head read takes its snapshot when it starts, which is after the lock is granted; in one
  // statement the snapshot would predate the lock and could miss an append committed meanwhile.
  // Only what the chain needs from the head, not its details.
  const [, [head]] = await Promise.all([
    tx.execute(sql`select pg_advisory_xact_lock(${sql.raw(String(LOG_LOCK_KEY))})`),
    tx.select({ seq: exchangeLog.seq, hash: exchangeLog.hash }).from(exchangeLog).orderBy(desc(exchangeLog.seq)).limit(1),
  ]);
  let prevHash = head?.hash ?? GENESIS_HASH;
  let seq = head?.seq ?? 0;
  const entries = es.map((e): LogEntry => {
    const body = { seq: ++seq, at, event: e.event, actorUserId: e.actorUserId, agencyId: e.agencyId, documentId: e.documentId, details: e.details };
    const entry = { ...body, prevHash, hash: chainHash(prevHash, body) };
    prevHash = entry.hash;
    return entry;
  });
  await tx.insert(exchangeLog).values(entries);
  return entries;
}

/** Inclusive at both ends, oldest first: what a chain verifier reads. */
export async function logRange(db: Db, fromSeq: number, toSeq: number): Promise<LogEntry[]> {
  const rows = await db
    .select()
    .from(exchangeLog)
    .where(and(gte(exchangeLog.seq, fromSeq), lte(exchangeLog.seq, toSeq)))
    .orderBy(asc(exchangeLog.seq));
  return rows.map(toEntry);
}

/**
 * Newest first (seq desc). documentNumber matches details.codeNumber, details.codeNotation or
 * "number/notation"; status matches details.status; from inclusive, to exclusive on `at`.
 */
export async function searchLog(db: Db, f: LogFilter, page: Page): Promise<PageOf<LogEntry>> {
  const limit = pageLimit(page.limit);
  const where: SQL[] = [];
  if (f.agencyId) where.push(eq(exchangeLog.agencyId, f.agencyId));
  if (f.event) where.push(eq(exchangeLog.event, f.event));
  if (f.documentId) where.push(eq(exchangeLog.documentId, f.documentId));
  if (f.documentNumber) {
    const n = f.documentNumber;
    const number = sql`(${exchangeLog.details}->>'codeNumber')`;
    const notation = sql`(${exchangeLog.details}->>'codeNotation')`;
    where.push(or(sql`${number} = ${n}`, sql`${notation} = ${n}`, sql`(${number} || '/' || ${notation}) = ${n}`)!);
  }
  if (f.status) where.push(sql`${exchangeLog.details}->>'status' = ${f.status}`);
  if (f.from) where.push(gte(exchangeLog.at, f.from));
  if (f.to) where.push(lt(exchangeLog.at, f.to));
  if (page.after) where.push(lt(exchangeLog.seq, decodeCursor(page.after, { s: 'number' }).s as number));

  const rows = await db
    .select()
    .from(exchangeLog)
    .where(and(...where))
    .orderBy(desc(exchangeLog.seq))
    .limit(limit + 1);
  const items = rows.slice(0, limit).map(toEntry);
  const last = rows.length > limit ? items[limit - 1] : undefined;
  return { items, next: last ? encodeCursor({ s: last.seq }) : null };
}

/**
 * `inTransaction` false: the store is bound to the pool, so append opens its own transaction
 * (an advisory xact lock taken in autocommit would be released before the insert).
 */
export function logStore(db: Db, inTransaction: boolean): LogStore {
  return {
    append: (e, at) => (inTransaction ? appendLogInTransaction(db, e, at) : db.transaction((tx) => appendLogInTransaction(tx, e, at))),
    appendMany: (es, at) => (inTransaction ? appendManyInTransaction(db, es, at) : db.transaction((tx) => appendManyInTransaction(tx, es, at))),
    range: (fromSeq, toSeq) => logRange(db, fromSeq, toSeq),
    search: (f, page) => searchLog(db, f, page),
    head: () => logHead(db),
  };
}
