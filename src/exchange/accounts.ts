// Sign-in with a user name and a password, password changes and one-time set-password links.
// Brute force: every attempt on a name is counted before the password is checked (parallel
// guesses cannot exceed the limit); the 5th wrong one locks the name for 1, 2, 4 ... 60 minutes.
// The throttle is per NAME, known or not, and an unknown name costs the same scrypt work, so
// neither the answer nor its timing says whether a name exists. Every sign-in, failure and lock
// is logged with the address; the password never is (nor a name nobody has: it may be a
// password typed into the wrong field).
import { createHash, randomBytes } from 'node:crypto';
import type { Credentials, Principal, Session, Stores } from '../db/ports.js';
import { DocaxisError } from '../errors.js';
import type { ExchangeDeps } from './deps.js';
import { checkPasswordPolicy, hashPassword, needsRehash, verifyPassword } from './passwords.js';
import { hashSessionSecret, startSession, type SessionSettings } from './sessions.js';

export interface LockPolicy {
  /** Wrong passwords in a row before a lock. */
  maxFailures: number;
  /** The first lock; each next one doubles, up to maxLockMinutes. */
  firstLockMinutes: number;
  maxLockMinutes: number;
}

export const DEFAULT_LOCK_POLICY: LockPolicy = Object.freeze({ maxFailures: 5, firstLockMinutes: 1, maxLockMinutes: 60 });

const USERNAME_FORM = /^[a-z0-9][a-z0-9._-]{2,63}$/;
export const SET_PASSWORD_LINK_HOURS = 24;

/** Trimmed, NFC, lower case: "VanThu.H54 " and "vanthu.h54" are one name. */
export function normalizeUsername(name: string): string {
  return name.normalize('NFC').trim().toLowerCase();
}

/** USERNAME_INVALID unless it has the stored form. */
export function checkUsername(name: string): string {
  const u = normalizeUsername(name);
  if (!USERNAME_FORM.test(u)) throw new DocaxisError('USERNAME_INVALID', undefined, { details: { fields: { username: 'invalid' } } });
  return u;
}

export function lockMinutes(policy: LockPolicy, lockCount: number): number {
  return Math.min(policy.maxLockMinutes, policy.firstLockMinutes * 2 ** lockCount);
}

export interface SignInMeta {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

export interface SignedIn {
  secret: string;
  session: Session;
  principal: Principal;
}

type Log = (tx: Stores, event: 'auth.signed-in' | 'auth.sign-in-failed' | 'auth.locked', who: Credentials | undefined, agencyId: string | null, details: Record<string, unknown>) => Promise<unknown>;

export async function signIn(
  deps: ExchangeDeps,
  settings: SessionSettings,
  input: { username: string; password: string },
  meta: SignInMeta,
  policy: LockPolicy = DEFAULT_LOCK_POLICY,
): Promise<SignedIn> {
  const { stores } = deps;
  const name = normalizeUsername(input.username).slice(0, 64);
  const ip = meta.ip ? { ip: meta.ip } : {};
  const log: Log = (tx, event, who, agencyId, details) =>
    tx.log.append({ event, actorUserId: who?.userId ?? null, agencyId, documentId: null, details: { username: who?.username ?? null, ...ip, ...details } }, deps.clock());

  const creds = USERNAME_FORM.test(name) ? await stores.credentials.byUsername(name) : undefined;
  const user = creds && (await stores.users.byId(creds.userId));
  const agencyId = user?.agencyId ?? null;

  const locked = async (until: Date): Promise<never> => {
    await log(stores, 'auth.sign-in-failed', creds, agencyId, { reason: 'locked' });
    throw lockedError(deps.clock(), until);
  };
  const before = await stores.credentials.throttle(name);
  if (before?.lockedUntil && before.lockedUntil > deps.clock()) return locked(before.lockedUntil);
  // Counted before the check: N parallel guesses see counts 1..N, not all "0 so far".
  const counted = await stores.credentials.addFailure(name, deps.clock());
  if (counted.failures > policy.maxFailures) return locked(await lockName(deps, policy, name, counted.lockCount, creds, agencyId, log));

  const ok = (await verifyPassword(input.password, creds?.passwordHash ?? null)) && user?.active === true;
  if (!ok) {
    await log(stores, 'auth.sign-in-failed', creds, agencyId, { reason: 'bad-credentials', failures: counted.failures });
    if (counted.failures >= policy.maxFailures) await lockName(deps, policy, name, counted.lockCount, creds, agencyId, log);
    throw new DocaxisError('AUTH_BAD_CREDENTIALS');
  }
  // Raise the cost of an old hash while the password is at hand.
  if (needsRehash(creds!.passwordHash!)) await stores.credentials.setPassword(creds!.userId, await hashPassword(input.password), creds!.passwordChangedAt ?? deps.clock());
  return stores.transaction(async (tx) => {
    await tx.credentials.clearThrottle(name);
    const started = await startSession({ ...deps, stores: tx }, settings, creds!.userId, meta);
    const found = await tx.sessions.findBySecret(hashSessionSecret(started.secret));
    // The agency was deactivated meanwhile: no session.
    if (!found) throw new DocaxisError('AUTH_BAD_CREDENTIALS');
    await log(tx, 'auth.signed-in', creds, agencyId, { sessionId: started.session.id });
    return { ...started, principal: found.principal };
  });
}

async function lockName(deps: ExchangeDeps, policy: LockPolicy, name: string, lockCount: number, creds: Credentials | undefined, agencyId: string | null, log: Log): Promise<Date> {
  const minutes = lockMinutes(policy, lockCount);
  const until = new Date(deps.clock().getTime() + minutes * 60_000);
  const t = await deps.stores.credentials.lock(name, until, deps.clock());
  await log(deps.stores, 'auth.locked', creds, agencyId, { minutes, lockCount: t.lockCount, until: until.toISOString() });
  return until;
}

function lockedError(now: Date, until: Date): DocaxisError {
  const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return new DocaxisError('AUTH_LOCKED', undefined, { details: { retryAfterSeconds } });
}

/** A signed-in user changes their own password; every other session of theirs ends. */
export async function changePassword(deps: ExchangeDeps, p: Principal, input: { currentPassword: string; newPassword: string }, meta: SignInMeta): Promise<{ sessionsEnded: number }> {
  const creds = await deps.stores.credentials.byUserId(p.user.id);
  // Same cost whether or not the user has a password, then the same answer.
  const ok = await verifyPassword(input.currentPassword, creds?.passwordHash ?? null);
  if (!creds || !ok) {
    await deps.stores.log.append({ event: 'auth.sign-in-failed', actorUserId: p.user.id, agencyId: p.agency.id, documentId: null, details: { username: creds?.username ?? null, reason: 'password-change-wrong-current', ...(meta.ip ? { ip: meta.ip } : {}) } }, deps.clock());
    throw new DocaxisError('PASSWORD_WRONG');
  }
  const pw = checkPasswordPolicy(input.newPassword);
  const hash = await hashPassword(pw);
  return deps.stores.transaction(async (tx) => {
    const at = deps.clock();
    await tx.credentials.setPassword(p.user.id, hash, at);
    const sessionsEnded = await tx.sessions.revokeAllForUser(p.user.id, at, p.sessionId ?? undefined);
    await tx.log.append({ event: 'auth.password-set', actorUserId: p.user.id, agencyId: p.agency.id, documentId: null, details: { username: creds.username, how: 'change', sessionsEnded, ...(meta.ip ? { ip: meta.ip } : {}) } }, at);
    return { sessionsEnded };
  });
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Follows a set-password link: single use, before it expires; every session of the user ends. */
export async function setPasswordWithLink(deps: ExchangeDeps, input: { token: string; password: string }, meta: SignInMeta): Promise<{ username: string }> {
  const pw = checkPasswordPolicy(input.password);
  const invalid = () => new DocaxisError('SET_PASSWORD_LINK_INVALID');
  if (!/^[A-Za-z0-9_-]{43}$/.test(input.token)) throw invalid();
  const link = await deps.stores.credentials.usableLink(hashLinkToken(input.token), deps.clock());
  if (!link) throw invalid();
  const hash = await hashPassword(pw);
  return deps.stores.transaction(async (tx) => {
    const at = deps.clock();
    if (!(await tx.credentials.useLink(link.id, at))) throw invalid();
    const creds = await tx.credentials.byUserId(link.userId);
    const user = await tx.users.byId(link.userId);
    if (!creds || !user) throw invalid();
    await tx.credentials.setPassword(link.userId, hash, at);
    const sessionsEnded = await tx.sessions.revokeAllForUser(link.userId, at);
    await tx.credentials.clearThrottle(creds.username);
    await tx.log.append({ event: 'auth.password-set', actorUserId: link.userId, agencyId: user.agencyId, documentId: null, details: { username: creds.username, how: 'link', linkId: link.id, sessionsEnded, ...(meta.ip ? { ip: meta.ip } : {}) } }, at);
    return { username: creds.username };
  });
}
