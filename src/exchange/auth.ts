// Bearer tokens: random secrets handed out once, stored only as SHA-256 hashes. A failed
// authentication is logged without any token material (not even a prefix or the hash), so the
// log can never help anyone replay or guess a token.
import { createHash, randomBytes } from 'node:crypto';
import { DocaxisError } from '../errors.js';
import type { Principal, Role } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';

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

export async function authenticate(deps: ExchangeDeps, bearer: string | undefined, meta: { ip?: string }): Promise<Principal> {
  const token = tokenOf(bearer);
  // A malformed token cannot match a hash: skip the lookup, but log it like any other failure.
  const reason = token === undefined ? 'missing' : !TOKEN_FORM.test(token) ? 'malformed' : undefined;
  const principal = reason === undefined && token !== undefined ? await deps.stores.tokens.findPrincipal(hashToken(token)) : undefined;
  if (principal) return principal;
  await deps.stores.log.append(
    { event: 'auth.failed', actorUserId: null, agencyId: null, documentId: null, details: { reason: reason ?? 'unknown-or-revoked', ...(meta.ip ? { ip: meta.ip } : {}) } },
    deps.clock(),
  );
  throw new DocaxisError('UNAUTHENTICATED');
}

export function requireRole(p: Principal, ...roles: Role[]): void {
  if (!roles.includes(p.user.role)) throw new DocaxisError('FORBIDDEN', `${roles.join(' or ')} only`);
}

export async function logDenied(deps: ExchangeDeps, p: Principal | null, what: string): Promise<void> {
  await deps.stores.log.append(
    { event: 'access.denied', actorUserId: p?.user.id ?? null, agencyId: p?.agency.id ?? null, documentId: null, details: { what, ...(p ? { role: p.user.role } : {}) } },
    deps.clock(),
  );
}
