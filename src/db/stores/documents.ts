// Sent documents. Uniqueness (number + notation per sender per year; idempotency key per sender)
// is enforced by the database; insert maps a clash to its catalogue code without aborting the
// caller's transaction (ON CONFLICT DO NOTHING, then a look at what clashed).
import { and, desc, eq, exists, gte, lt, sql, type SQL } from 'drizzle-orm';
import { DocaxisError } from '../../errors.js';
import { decodeCursor, encodeCursor, pageLimit } from '../cursor.js';
import type { Db } from '../db.js';
import type { DocumentFilter, DocumentStore, ExchangeDocument, Page, PageOf } from '../ports.js';
import { deliveries, documents } from '../schema.js';

type Row = typeof documents.$inferSelect;

function toDocument(r: Row): ExchangeDocument {
  // The archive's columns are read through ArchiveStore (stores/archives.ts), not with the document.
  const { codeNumber: _n, codeNotation: _c, documentType: _t, priority: _p, archivalSha256: _a, archivedAt: _aa, nextRenewalAt: _r, archivalDigest: _ad, ...d } = r;
  return d;
}

export async function insertDocument(db: Db, d: Omit<ExchangeDocument, 'id' | 'createdAt'> & { id?: string }): Promise<ExchangeDocument> {
  const m = d.metadata;
  const [r] = await db
    .insert(documents)
    .values({ ...d, codeNumber: m.codeNumber, codeNotation: m.codeNotation, documentType: m.documentType, priority: m.priority })
    .onConflictDoNothing()
    .returning();
  if (r) return toDocument(r);
  if (d.idempotencyKey !== null) {
    const existing = await documentByIdempotencyKey(db, d.senderAgencyId, d.idempotencyKey);
    if (existing) throw new DocaxisError('IDEMPOTENCY_KEY_REUSED', undefined, { details: { existingDocumentId: existing.id } });
  }
  throw new DocaxisError('DUPLICATE_NUMBER', `${m.codeNumber}/${m.codeNotation} (${d.year})`, {
    details: { codeNumber: m.codeNumber, codeNotation: m.codeNotation, year: d.year },
  });
}

export async function documentById(db: Db, id: string): Promise<ExchangeDocument | undefined> {
  const [r] = await db.select().from(documents).where(eq(documents.id, id));
  return r && toDocument(r);
}

export async function documentByIdempotencyKey(db: Db, senderAgencyId: string, key: string): Promise<ExchangeDocument | undefined> {
  const [r] = await db
    .select()
    .from(documents)
    .where(and(eq(documents.senderAgencyId, senderAgencyId), eq(documents.idempotencyKey, key)));
  return r && toDocument(r);
}

export async function numberTaken(db: Db, senderAgencyId: string, year: number, codeNumber: string, codeNotation: string): Promise<boolean> {
  const rows = await db
    .select({ id: documents.id })
    .from(documents)
    .where(
      and(
        eq(documents.senderAgencyId, senderAgencyId),
        eq(documents.year, year),
        eq(documents.codeNumber, codeNumber),
        eq(documents.codeNotation, codeNotation),
      ),
    )
    .limit(1);
  return rows.length > 0;
}

const CURSOR_SHAPE = { c: 'timestamp', i: 'uuid', p: 'number' } as const;

/**
 * Newest first (createdAt desc, id desc), or with urgentFirst priority desc before that; keyset
 * pagination on exactly that order so pages neither skip nor repeat rows written meanwhile.
 * from/to bound createdAt (from inclusive, to exclusive). The inbox (recipientAgencyId) sees only
 * deliveries not withdrawn, and `status` is that delivery's status; elsewhere `status` matches a
 * document with any delivery in that status.
 */
export async function listDocuments(db: Db, f: DocumentFilter, page: Page): Promise<PageOf<ExchangeDocument>> {
  const limit = pageLimit(page.limit);
  const where: SQL[] = [];
  if (f.senderAgencyId) where.push(eq(documents.senderAgencyId, f.senderAgencyId));
  if (f.priority !== undefined) where.push(eq(documents.priority, f.priority));
  if (f.documentType) where.push(eq(documents.documentType, f.documentType));
  if (f.senderCode) where.push(eq(documents.senderCode, f.senderCode));
  if (f.text) {
    // The user's text is matched literally: LIKE's wildcards in it are escaped.
    const pattern = `%${f.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(sql`(${documents.codeNumber} || '/' || ${documents.codeNotation} ilike ${pattern} or ${documents.metadata}->>'subject' ilike ${pattern})`);
  }
  if (f.from) where.push(gte(documents.createdAt, f.from));
  if (f.to) where.push(lt(documents.createdAt, f.to));
  if (!f.recipientAgencyId && f.status) {
    const anyDelivery = db
      .select({ one: sql`1` })
      .from(deliveries)
      .where(and(eq(deliveries.documentId, documents.id), eq(deliveries.status, f.status)));
    where.push(exists(anyDelivery));
  }
  if (page.after) {
    const k = decodeCursor(page.after, CURSOR_SHAPE);
    const after = f.urgentFirst
      ? sql`(${documents.priority}, ${documents.createdAt}, ${documents.id}) < (${k.p}, ${k.c}::timestamptz, ${k.i}::uuid)`
      : sql`(${documents.createdAt}, ${documents.id}) < (${k.c}::timestamptz, ${k.i}::uuid)`;
    where.push(after);
  }
  const order = [desc(documents.createdAt), desc(documents.id)];
  if (f.urgentFirst) order.unshift(desc(documents.priority));

  const base = db.select({ d: documents }).from(documents);
  const joined = f.recipientAgencyId
    ? base.innerJoin(
        deliveries,
        and(
          eq(deliveries.documentId, documents.id),
          eq(deliveries.recipientAgencyId, f.recipientAgencyId),
          eq(deliveries.withdrawn, false),
          f.status ? eq(deliveries.status, f.status) : undefined,
        ),
      )
    : base;
  const rows = await joined
    .where(and(...where))
    .orderBy(...order)
    .limit(limit + 1);

  const items = rows.slice(0, limit).map((r) => toDocument(r.d));
  const last = rows.length > limit ? rows[limit - 1]!.d : undefined;
  const next = last ? encodeCursor({ c: last.createdAt.toISOString(), i: last.id, p: last.priority }) : null;
  return { items, next };
}

export function documentStore(db: Db): DocumentStore {
  return {
    insert: (d) => insertDocument(db, d),
    byId: (id) => documentById(db, id),
    byIdempotencyKey: (sender, key) => documentByIdempotencyKey(db, sender, key),
    numberTaken: (sender, year, n, c) => numberTaken(db, sender, year, n, c),
    list: (f, page) => listDocuments(db, f, page),
  };
}
