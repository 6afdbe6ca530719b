// Browser sessions: an opaque random secret in an HttpOnly cookie, stored only as its SHA-256.
// A session ends when idle too long, at its absolute cap, at sign-out, when an admin revokes it
// and when the user's password changes (the other sessions). The CSRF token is derived from the
// secret (one-way), so it is per session, needs no storage, and reveals nothing of the cookie.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal, Session } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';
import { forbidden } from './guard.js';

export interface SessionSettings {
  /** A session unused for this long ends (SESSION_IDLE_MINUTES). */
  idleMinutes: number;
  /** No session lives longer than this, however busy (SESSION_MAX_HOURS). */
  maxHours: number;
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = Object.freeze({ idleMinutes: 30, maxHours: 12 });

/** last_seen_at is written at most this often: not one write per request. */
const TOUCH_EVERY_MS = 60_000;

/** 32 random bytes, base64url (43 characters). */
const SECRET_FORM = /^[A-Za-z0-9_-]{43}$/;

export function newSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSessionSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function csrfTokenOf(secret: string): string {
  return createHash('sha256').update('docaxis-csrf\0', 'utf8').update(secret, 'utf8').digest('base64url');
}

/** Constant-time comparison of the header's token with the session's. */
export function csrfMatches(secret: string, presented: string): boolean {
  const want = Buffer.from(csrfTokenOf(secret), 'utf8');
  const got = Buffer.from(presented, 'utf8');
  return got.length === want.length && timingSafeEqual(got, want);
}

export async function startSession(
  deps: ExchangeDeps,
  settings: SessionSettings,
  userId: string,
  meta: { ip?: string | undefined; userAgent?: string | undefined },
): Promise<{ secret: string; session: Session }> {
  const secret = newSessionSecret();
  const at = deps.clock();
  const session = await deps.stores.sessions.insert({
    userId,
    secretHash: hashSessionSecret(secret),
    at,
    expiresAt: new Date(at.getTime() + settings.maxHours * 3_600_000),
    ip: meta.ip ?? null,
    userAgent: meta.userAgent?.slice(0, 200) ?? null,
  });
  return { secret, session };
}

export function isOpen(session: Session, settings: SessionSettings, at: Date): boolean {
  return session.revokedAt === null && at < session.expiresAt && at.getTime() - session.lastSeenAt.getTime() < settings.idleMinutes * 60_000;
}

export type SessionFailure = 'malformed' | 'unknown' | 'expired';

/** The principal of a cookie's secret, or why there is none. Logs nothing. */
export async function resolveSession(deps: ExchangeDeps, settings: SessionSettings, secret: string): Promise<{ principal: Principal } | { failure: SessionFailure }> {
  if (!SECRET_FORM.test(secret)) return { failure: 'malformed' };
  const found = await deps.stores.sessions.findBySecret(hashSessionSecret(secret));
  if (!found) return { failure: 'unknown' };
  const at = deps.clock();
  if (!isOpen(found.session, settings, at)) return { failure: 'expired' };
  if (at.getTime() - found.session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await deps.stores.sessions.touch(found.session.id, at);
  return { principal: found.principal };
}

/** Sign-out: the session ends on the server, not only in the browser. */
export async function endSession(deps: ExchangeDeps, p: Principal, meta: { ip?: string | undefined }): Promise<void> {
  if (!p.sessionId) return forbidden(deps, p, 'sign out', 'only a browser session signs out; an admin revokes a bearer token');
  const sessionId = p.sessionId;
  await deps.stores.transaction(async (tx) => {
    await tx.sessions.revoke(sessionId, deps.clock());
    await tx.log.append({ event: 'auth.signed-out', actorUserId: p.user.id, agencyId: p.agency.id, documentId: null, details: { sessionId, ...(meta.ip ? { ip: meta.ip } : {}) } }, deps.clock());
  });
}
