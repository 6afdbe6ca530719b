// Browser sessions, the cookie's secret stored only as its SHA-256. findBySecret is on every
// browser request's path: one indexed join; expiry is judged by the caller (exchange/sessions.ts)
// so that an expired session can be told apart from an unknown one.
import { and, desc, eq, gt, inArray, isNull, lt, ne, or } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { Principal, Session, SessionStore } from '../ports.js';
import { agencies, sessions, users } from '../schema.js';
import { toAgency } from './agencies.js';
import { toUser } from './users.js';

type Row = typeof sessions.$inferSelect;

function toSession(r: Row): Session {
  const { secretHash: _hash, ...session } = r;
  return session;
}

export async function insertSession(db: Db, s: { userId: string; secretHash: string; at: Date; expiresAt: Date; ip: string | null; userAgent: string | null }): Promise<Session> {
  const [r] = await db
    .insert(sessions)
    .values({ userId: s.userId, secretHash: s.secretHash, createdAt: s.at, lastSeenAt: s.at, expiresAt: s.expiresAt, ip: s.ip, userAgent: s.userAgent })
    .returning();
  return toSession(r!);
}

export async function findSessionBySecret(db: Db, secretHash: string): Promise<{ session: Session; principal: Principal } | undefined> {
  const [r] = await db
    .select({ session: sessions, user: users, agency: agencies })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(agencies, eq(agencies.id, users.agencyId))
    .where(and(eq(sessions.secretHash, secretHash), eq(users.active, true), eq(agencies.active, true)));
  if (!r) return undefined;
  const session = toSession(r.session);
  return { session, principal: { user: toUser(r.user), agency: toAgency(r.agency), tokenId: null, sessionId: session.id } };
}

export async function touchSession(db: Db, id: string, at: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, id));
}

/** Keeps the first revocation time when revoked twice. */
export async function revokeSession(db: Db, id: string, at: Date): Promise<void> {
  await db.update(sessions).set({ revokedAt: at }).where(and(eq(sessions.id, id), isNull(sessions.revokedAt)));
}

export async function revokeUserSessions(db: Db, userId: string, at: Date, exceptId?: string): Promise<number> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: at })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), ...(exceptId ? [ne(sessions.id, exceptId)] : [])))
    .returning({ id: sessions.id });
  return rows.length;
}

export async function listOpenSessions(db: Db, userId: string, at: Date): Promise<Session[]> {
  const rows = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, at)))
    .orderBy(desc(sessions.createdAt), desc(sessions.id));
  return rows.map(toSession);
}

export async function sessionById(db: Db, id: string): Promise<Session | undefined> {
  const [r] = await db.select().from(sessions).where(eq(sessions.id, id));
  return r && toSession(r);
}

/**
 * One bounded DELETE (PostgreSQL's DELETE has no LIMIT: the ids come from a limited sub-select), so
 * a prune after a long downtime never holds a long lock; the timer calls again for the rest.
 */
export async function pruneEndedSessions(db: Db, endedBefore: Date, idleBefore: Date, limit: number): Promise<number> {
  const ended = or(lt(sessions.revokedAt, endedBefore), lt(sessions.expiresAt, endedBefore), lt(sessions.lastSeenAt, idleBefore));
  const ids = db.select({ id: sessions.id }).from(sessions).where(ended).limit(limit);
  const rows = await db.delete(sessions).where(inArray(sessions.id, ids)).returning({ id: sessions.id });
  return rows.length;
}

export function sessionStore(db: Db): SessionStore {
  return {
    insert: (s) => insertSession(db, s),
    findBySecret: (h) => findSessionBySecret(db, h),
    touch: (id, at) => touchSession(db, id, at),
    revoke: (id, at) => revokeSession(db, id, at),
    revokeAllForUser: (userId, at, exceptId) => revokeUserSessions(db, userId, at, exceptId),
    listOpenForUser: (userId, at) => listOpenSessions(db, userId, at),
    byId: (id) => sessionById(db, id),
    pruneEnded: (endedBefore, idleBefore, limit) => pruneEndedSessions(db, endedBefore, idleBefore, limit),
  };
}
