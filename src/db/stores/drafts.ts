// Drafts, their versions (bytes in the blob store), their history, and the staged signatures
// prepared over them. Status changes are compare-and-set on (status, current_version), so two
// hands on one draft (a revision racing a signature) cannot both win; a prepared signature is
// marked used with the same kind of guard, so it completes at most once.
import { and, asc, desc, eq, isNull, lt, or, type SQL } from 'drizzle-orm';
import { decodeCursor, encodeCursor, pageLimit } from '../cursor.js';
import type { Db } from '../db.js';
import type { Draft, DraftEvent, DraftEventKind, DraftFilter, DraftStatus, DraftStore, DraftVersion, DraftVersionKind, Page, PageOf, PreparedSignature } from '../ports.js';
import { draftEvents, draftVersions, drafts, preparedSignatures } from '../schema.js';

type DraftRow = typeof drafts.$inferSelect;

function toDraft(r: DraftRow): Draft {
  return { ...r, status: r.status as DraftStatus };
}

async function insertDraft(db: Db, d: Omit<Draft, 'id' | 'createdAt' | 'updatedAt'>, at: Date): Promise<Draft> {
  const [r] = await db.insert(drafts).values({ ...d, createdAt: at, updatedAt: at }).returning();
  return toDraft(r!);
}

async function draftById(db: Db, id: string): Promise<Draft | undefined> {
  const [r] = await db.select().from(drafts).where(eq(drafts.id, id));
  return r && toDraft(r);
}

async function listDrafts(db: Db, f: DraftFilter, page: Page): Promise<PageOf<Draft>> {
  const limit = pageLimit(page.limit);
  const where: SQL[] = [eq(drafts.agencyId, f.agencyId)];
  if (f.involvingUserId) where.push(or(eq(drafts.drafterUserId, f.involvingUserId), eq(drafts.signerUserId, f.involvingUserId))!);
  if (f.status) where.push(eq(drafts.status, f.status));
  if (page.after) {
    const c = decodeCursor(page.after, { u: 'timestamp', id: 'uuid' });
    const u = new Date(c.u as string);
    where.push(or(lt(drafts.updatedAt, u), and(eq(drafts.updatedAt, u), lt(drafts.id, c.id as string)))!);
  }
  const rows = await db
    .select()
    .from(drafts)
    .where(and(...where))
    .orderBy(desc(drafts.updatedAt), desc(drafts.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit).map(toDraft);
  const last = items[items.length - 1];
  return { items, next: rows.length > limit && last ? encodeCursor({ u: last.updatedAt.toISOString(), id: last.id }) : null };
}

async function updateDraft(db: Db, id: string, from: { status: DraftStatus; currentVersion: number }, to: Partial<Pick<Draft, 'status' | 'currentVersion' | 'signerUserId' | 'metadata'>>, at: Date): Promise<boolean> {
  const rows = await db
    .update(drafts)
    .set({ ...to, updatedAt: at })
    .where(and(eq(drafts.id, id), eq(drafts.status, from.status), eq(drafts.currentVersion, from.currentVersion)))
    .returning({ id: drafts.id });
  return rows.length === 1;
}

async function addVersion(db: Db, v: Omit<DraftVersion, 'createdAt'>, at: Date): Promise<DraftVersion> {
  const [r] = await db.insert(draftVersions).values({ ...v, createdAt: at }).returning();
  return { ...r!, kind: r!.kind as DraftVersionKind };
}

async function versionsOf(db: Db, draftId: string): Promise<DraftVersion[]> {
  const rows = await db.select().from(draftVersions).where(eq(draftVersions.draftId, draftId)).orderBy(asc(draftVersions.version));
  return rows.map((r) => ({ ...r, kind: r.kind as DraftVersionKind }));
}

function toEvent(r: typeof draftEvents.$inferSelect): DraftEvent {
  const { ord: _ord, ...e } = r;
  return { ...e, kind: e.kind as DraftEventKind };
}

async function addEvent(db: Db, e: Omit<DraftEvent, 'id'>): Promise<DraftEvent> {
  const [r] = await db.insert(draftEvents).values(e).returning();
  return toEvent(r!);
}

async function eventsOf(db: Db, draftId: string): Promise<DraftEvent[]> {
  const rows = await db.select().from(draftEvents).where(eq(draftEvents.draftId, draftId)).orderBy(asc(draftEvents.ord));
  return rows.map(toEvent);
}

type PreparedRow = typeof preparedSignatures.$inferSelect;

function toPrepared(r: PreparedRow): PreparedSignature {
  return { ...r, certificates: r.certificates.map((b) => new Uint8Array(Buffer.from(b, 'base64'))) };
}

async function insertPrepared(db: Db, p: Omit<PreparedSignature, 'id' | 'createdAt' | 'usedAt'>, at: Date): Promise<PreparedSignature> {
  const certificates = p.certificates.map((c) => Buffer.from(c).toString('base64'));
  const [r] = await db.insert(preparedSignatures).values({ ...p, certificates, createdAt: at }).returning();
  return toPrepared(r!);
}

async function preparedById(db: Db, id: string): Promise<PreparedSignature | undefined> {
  const [r] = await db.select().from(preparedSignatures).where(eq(preparedSignatures.id, id));
  return r && toPrepared(r);
}

async function markPreparedUsed(db: Db, id: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(preparedSignatures)
    .set({ usedAt: at })
    .where(and(eq(preparedSignatures.id, id), isNull(preparedSignatures.usedAt)))
    .returning({ id: preparedSignatures.id });
  return rows.length === 1;
}

export function draftStore(db: Db): DraftStore {
  return {
    insert: (d, at) => insertDraft(db, d, at),
    byId: (id) => draftById(db, id),
    list: (f, page) => listDrafts(db, f, page),
    update: (id, from, to, at) => updateDraft(db, id, from, to, at),
    addVersion: (v, at) => addVersion(db, v, at),
    versions: (id) => versionsOf(db, id),
    addEvent: (e) => addEvent(db, e),
    events: (id) => eventsOf(db, id),
    insertPrepared: (p, at) => insertPrepared(db, p, at),
    preparedById: (id) => preparedById(db, id),
    markPreparedUsed: (id, at) => markPreparedUsed(db, id, at),
  };
}
