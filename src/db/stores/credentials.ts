// Sign-in credentials, the per-name throttle and the one-time set-password links. Hashes only:
// the password and the link's token never reach the database.
import { and, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { DocaxisError } from '../../errors.js';
import type { Db } from '../db.js';
import type { CredentialStore, Credentials, PasswordLink, SignInThrottle } from '../ports.js';
import { passwordLinks, signInThrottle, userCredentials } from '../schema.js';

type CredRow = typeof userCredentials.$inferSelect;
type LinkRow = typeof passwordLinks.$inferSelect;

function toCredentials(r: CredRow): Credentials {
  return { userId: r.userId, username: r.username, passwordHash: r.passwordHash, passwordChangedAt: r.passwordChangedAt };
}

function toLink(r: LinkRow): PasswordLink {
  const { tokenHash: _hash, ...link } = r;
  return link;
}

export async function credentialsByUsername(db: Db, username: string): Promise<Credentials | undefined> {
  const [r] = await db.select().from(userCredentials).where(eq(userCredentials.username, username));
  return r && toCredentials(r);
}

export async function credentialsByUserId(db: Db, userId: string): Promise<Credentials | undefined> {
  const [r] = await db.select().from(userCredentials).where(eq(userCredentials.userId, userId));
  return r && toCredentials(r);
}

export async function usernamesOf(db: Db, userIds: readonly string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.select({ userId: userCredentials.userId, username: userCredentials.username }).from(userCredentials).where(inArray(userCredentials.userId, [...userIds]));
  return new Map(rows.map((r) => [r.userId, r.username]));
}

/** USERNAME_TAKEN when the name (or the user) has credentials. ON CONFLICT keeps the transaction usable. */
export async function insertCredentials(db: Db, c: { userId: string; username: string }): Promise<Credentials> {
  const [r] = await db.insert(userCredentials).values(c).onConflictDoNothing().returning();
  if (!r) throw new DocaxisError('USERNAME_TAKEN', c.username, { details: { username: c.username } });
  return toCredentials(r);
}

export async function setPassword(db: Db, userId: string, passwordHash: string, at: Date): Promise<void> {
  await db.update(userCredentials).set({ passwordHash, passwordChangedAt: at }).where(eq(userCredentials.userId, userId));
}

type ThrottleRow = typeof signInThrottle.$inferSelect;
const toThrottle = (r: ThrottleRow): SignInThrottle => ({ username: r.username, failures: r.failures, lockCount: r.lockCount, lockedUntil: r.lockedUntil });

export async function throttleOf(db: Db, username: string): Promise<SignInThrottle | undefined> {
  const [r] = await db.select().from(signInThrottle).where(eq(signInThrottle.username, username));
  return r && toThrottle(r);
}

/** One statement: the increment happens in the database, so concurrent attempts each count. */
export async function addFailure(db: Db, username: string, at: Date): Promise<SignInThrottle> {
  const [r] = await db
    .insert(signInThrottle)
    .values({ username, failures: 1, lockCount: 0, lockedUntil: null, updatedAt: at })
    .onConflictDoUpdate({ target: signInThrottle.username, set: { failures: sql`${signInThrottle.failures} + 1`, updatedAt: at } })
    .returning();
  return toThrottle(r!);
}

export async function lockName(db: Db, username: string, until: Date, at: Date): Promise<SignInThrottle> {
  const [r] = await db
    .insert(signInThrottle)
    .values({ username, failures: 0, lockCount: 1, lockedUntil: until, updatedAt: at })
    .onConflictDoUpdate({ target: signInThrottle.username, set: { failures: 0, lockCount: sql`${signInThrottle.lockCount} + 1`, lockedUntil: until, updatedAt: at } })
    .returning();
  return toThrottle(r!);
}

export async function clearThrottle(db: Db, username: string): Promise<void> {
  await db.delete(signInThrottle).where(eq(signInThrottle.username, username));
}

/** One bounded DELETE, like pruneEndedSessions. */
export async function pruneThrottle(db: Db, staleBefore: Date, at: Date, limit: number): Promise<number> {
  const names = db
    .select({ username: signInThrottle.username })
    .from(signInThrottle)
    .where(and(lt(signInThrottle.updatedAt, staleBefore), or(isNull(signInThrottle.lockedUntil), lt(signInThrottle.lockedUntil, at))))
    .limit(limit);
  const rows = await db.delete(signInThrottle).where(inArray(signInThrottle.username, names)).returning({ username: signInThrottle.username });
  return rows.length;
}

export async function insertLink(db: Db, l: { userId: string; tokenHash: string; expiresAt: Date }): Promise<PasswordLink> {
  const [r] = await db.insert(passwordLinks).values(l).returning();
  return toLink(r!);
}

export async function usableLink(db: Db, tokenHash: string, at: Date): Promise<PasswordLink | undefined> {
  const [r] = await db
    .select()
    .from(passwordLinks)
    .where(and(eq(passwordLinks.tokenHash, tokenHash), isNull(passwordLinks.usedAt), gt(passwordLinks.expiresAt, at)));
  return r && toLink(r);
}

export async function useLink(db: Db, id: string, at: Date): Promise<boolean> {
  const rows = await db.update(passwordLinks).set({ usedAt: at }).where(and(eq(passwordLinks.id, id), isNull(passwordLinks.usedAt))).returning({ id: passwordLinks.id });
  return rows.length === 1;
}

export async function endLinks(db: Db, userId: string, at: Date): Promise<void> {
  await db.update(passwordLinks).set({ usedAt: at }).where(and(eq(passwordLinks.userId, userId), isNull(passwordLinks.usedAt)));
}

export function credentialStore(db: Db): CredentialStore {
  return {
    byUsername: (u) => credentialsByUsername(db, u),
    byUserId: (id) => credentialsByUserId(db, id),
    usernamesOf: (ids) => usernamesOf(db, ids),
    insert: (c) => insertCredentials(db, c),
    setPassword: (id, h, at) => setPassword(db, id, h, at),
    throttle: (u) => throttleOf(db, u),
    addFailure: (u, at) => addFailure(db, u, at),
    lock: (u, until, at) => lockName(db, u, until, at),
    clearThrottle: (u) => clearThrottle(db, u),
    pruneThrottle: (before, at, limit) => pruneThrottle(db, before, at, limit),
    insertLink: (l) => insertLink(db, l),
    usableLink: (h, at) => usableLink(db, h, at),
    useLink: (id, at) => useLink(db, id, at),
    endLinks: (id, at) => endLinks(db, id, at),
  };
}
