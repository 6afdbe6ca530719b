// Bearer tokens: random secrets handed out once, stored only as SHA-256 hashes. A failed
// authentication is logged without any token material (not even a prefix or the hash), so the
// log can never help anyone replay or guess a token.
import { createHash, randomBytes } from 'node:crypto';
import { DocaxisError } from '../errors.js';
import type { Principal, Role } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';
import { hasRole } from './roles.js';

const TOKEN_PREFIX = 'dax_';
/** "dax_" + 32 bytes in base64url (43 characters, no padding). */
const TOKEN_FORM = /^dax_[A-Za-z0-9_-]{43}$/;

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function newTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Accepts the bare token or the whole header value ("Bearer dax_..."). */
function tokenOf(bearer: string | undefined): string | undefined {
  const v = bearer?.trim().replace(/^bearer\s+/i, '');
  return v ? v : undefined;
}

/** 'session-unknown': a session cookie that matches no session (forged, or from another database). */
export type AuthFailureReason = 'missing' | 'malformed' | 'unknown-or-revoked' | 'session-unknown';

/** Who holds the token, or why nobody does. Logs nothing: the caller decides how failures are logged. */
export async function identify(deps: ExchangeDeps, bearer: string | undefined): Promise<{ principal: Principal } | { failure: AuthFailureReason }> {
  const token = tokenOf(bearer);
  // A malformed token cannot match a hash: skip the lookup.
  if (token === undefined) return { failure: 'missing' };
  if (!TOKEN_FORM.test(token)) return { failure: 'malformed' };
  const principal = await deps.stores.tokens.findPrincipal(hashToken(token));
  return principal ? { principal } : { failure: 'unknown-or-revoked' };
}

/** One failed authentication as its own log entry. */
export async function logAuthFailure(deps: ExchangeDeps, reason: AuthFailureReason, ip: string | undefined): Promise<void> {
  await deps.stores.log.append(
    { event: 'auth.failed', actorUserId: null, agencyId: null, documentId: null, details: { reason, ...(ip ? { ip } : {}) } },
    deps.clock(),
  );
}

/** identify(), each failure logged on its own. The HTTP layer aggregates instead (auth-failures.ts). */
export async function authenticate(deps: ExchangeDeps, bearer: string | undefined, meta: { ip?: string }): Promise<Principal> {
  const who = await identify(deps, bearer);
  if ('principal' in who) return who.principal;
  await logAuthFailure(deps, who.failure, meta.ip);
  throw new DocaxisError('UNAUTHENTICATED');
}

export function requireRole(p: Principal, ...roles: Role[]): void {
  if (!hasRole(p, ...roles)) throw new DocaxisError('FORBIDDEN', `${roles.join(' or ')} only`);
}

export async function logDenied(deps: ExchangeDeps, p: Principal | null, what: string): Promise<void> {
  await deps.stores.log.append(
    { event: 'access.denied', actorUserId: p?.user.id ?? null, agencyId: p?.agency.id ?? null, documentId: null, details: { what, ...(p ? { role: p.user.role } : {}) } },
    deps.clock(),
  );
}
