// The outgoing register. A number is taken by bumping the (agency, year) counter row with
// INSERT ... ON CONFLICT DO UPDATE ... RETURNING, then the entry is written, in one transaction:
// the row lock queues concurrent registrations of the same agency and year until the first one
// commits or rolls back, and a rollback undoes the bump with the entry. So numbers are consecutive
// from 1, never doubled, never skipped, never reused. (A sequence object would leave a gap on
// every rollback: nextval is not transactional.)
import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { DocaxisError } from '../../errors.js';
import { decodeCursor, encodeCursor, pageLimit } from '../cursor.js';
import type { Db } from '../db.js';
import type { Page, PageOf, RegisterEntry, RegisterEntryInput, RegisterFilter, RegisterStore } from '../ports.js';
import { registerAbbreviations, registerCounters, registerEntries } from '../schema.js';

/** `db` must be a transaction: the counter's row lock must last until the entry is written. */
export async function registerInTransaction(tx: Db, e: RegisterEntryInput): Promise<RegisterEntry> {
  const [counter] = await tx
    .insert(registerCounters)
    .values({ agencyId: e.agencyId, year: e.year, lastNumber: 1 })
    .onConflictDoUpdate({ target: [registerCounters.agencyId, registerCounters.year], set: { lastNumber: sql`${registerCounters.lastNumber} + 1` } })
    .returning({ number: registerCounters.lastNumber });
  if (!counter) throw new DocaxisError('INTERNAL', 'the register counter returned no number');
  const [row] = await tx
    .insert(registerEntries)
    .values({ ...e, number: counter.number })
    .returning();
  if (!row) throw new DocaxisError('INTERNAL', 'the register entry was not written');
  return row;
}

const CURSOR_SHAPE = { r: 'timestamp', i: 'uuid' } as const;

export async function searchRegister(db: Db, f: RegisterFilter, page: Page): Promise<PageOf<RegisterEntry>> {
  const limit = pageLimit(page.limit);
  const where: SQL[] = [eq(registerEntries.agencyId, f.agencyId)];
  if (f.year !== undefined) where.push(eq(registerEntries.year, f.year));
  if (f.number !== undefined) where.push(eq(registerEntries.number, f.number));
  if (f.text) {
    // Matched literally: LIKE's wildcards in the user's text are escaped.
    const pattern = `%${f.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(sql`(${registerEntries.subject} ilike ${pattern} or (${registerEntries.number}::text || '/' || ${registerEntries.notation}) ilike ${pattern})`);
  }
  if (f.from) where.push(gte(registerEntries.registeredAt, f.from));
  if (f.to) where.push(lt(registerEntries.registeredAt, f.to));
  if (page.after) {
    const k = decodeCursor(page.after, CURSOR_SHAPE);
    where.push(sql`(${registerEntries.registeredAt}, ${registerEntries.id}) < (${k.r}::timestamptz, ${k.i}::uuid)`);
  }
  const rows = await db
    .select()
    .from(registerEntries)
    .where(and(...where))
    .orderBy(desc(registerEntries.registeredAt), desc(registerEntries.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = rows.length > limit ? items[limit - 1] : undefined;
  return { items, next: last ? encodeCursor({ r: last.registeredAt.toISOString(), i: last.id }) : null };
}

export async function linkRegisterDocument(db: Db, agencyId: string, entryId: string, documentId: string): Promise<boolean> {
  const rows = await db
    .update(registerEntries)
    .set({ documentId })
    .where(and(eq(registerEntries.id, entryId), eq(registerEntries.agencyId, agencyId), sql`${registerEntries.documentId} is null`))
    .returning({ id: registerEntries.id });
  return rows.length === 1;
}

export async function registerAbbreviation(db: Db, agencyId: string): Promise<string | undefined> {
  const [r] = await db.select().from(registerAbbreviations).where(eq(registerAbbreviations.agencyId, agencyId));
  return r?.abbreviation;
}

export async function setRegisterAbbreviation(db: Db, agencyId: string, abbreviation: string): Promise<void> {
  await db
    .insert(registerAbbreviations)
    .values({ agencyId, abbreviation })
    .onConflictDoUpdate({ target: registerAbbreviations.agencyId, set: { abbreviation } });
}

/** `inTransaction` false: register opens its own transaction (see registerInTransaction). */
export function registerStore(db: Db, inTransaction: boolean): RegisterStore {
  return {
    register: (e) => (inTransaction ? registerInTransaction(db, e) : db.transaction((tx) => registerInTransaction(tx, e))),
    search: (f, page) => searchRegister(db, f, page),
    linkDocument: (agencyId, entryId, documentId) => linkRegisterDocument(db, agencyId, entryId, documentId),
    abbreviation: (agencyId) => registerAbbreviation(db, agencyId),
    setAbbreviation: (agencyId, abbreviation) => setRegisterAbbreviation(db, agencyId, abbreviation),
  };
}
