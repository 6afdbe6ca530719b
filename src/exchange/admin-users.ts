// Users and their bearer tokens. A token's secret is returned once, at issue, and stored only as
// its hash; the log records the token's id and label, never the secret or the hash.
import { ROLES, type ApiToken, type Principal, type Role, type User } from '../db/ports.js';
import { checkUsername } from './accounts.js';
import { DocaxisError } from '../errors.js';
import { adminChange, invalidField, requiredText } from './admin-change.js';
import { hashToken, newTokenSecret } from './auth.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole, notFound } from './guard.js';

/** With `username`, the user also gets a sign-in account (its password set through a link: admin-accounts.ts). */
export async function createUser(deps: ExchangeDeps, p: Principal, input: { agencyCode: string; name: string; role: Role; username?: string | undefined }): Promise<User> {
  await ensureRole(deps, p, 'create user', 'admin');
  const name = requiredText('name', input.name, 255);
  const username = input.username === undefined ? undefined : checkUsername(input.username);
  if (!ROLES.includes(input.role)) throw invalidField('role', `one of ${ROLES.join(', ')}`);
  const agency = await deps.stores.agencies.byCode(input.agencyCode);
  if (!agency) return notFound(deps, p, `create user in agency ${input.agencyCode}`);
  return adminChange(deps, p, 'admin.user', async (tx) => {
    const user = await tx.users.insert({ agencyId: agency.id, name, role: input.role, active: true });
    if (username !== undefined) await tx.credentials.insert({ userId: user.id, username });
    return { result: user, agencyId: agency.id, details: { action: 'create', userId: user.id, name, role: user.role, agencyCode: agency.code, ...(username !== undefined ? { username } : {}) } };
  });
}

export async function listUsers(deps: ExchangeDeps, p: Principal, agencyCode?: string): Promise<User[]> {
  await ensureRole(deps, p, 'list users', 'admin');
  if (agencyCode === undefined) return deps.stores.users.list();
  const agency = await deps.stores.agencies.byCode(agencyCode);
  return agency ? deps.stores.users.list(agency.id) : notFound(deps, p, `list users of ${agencyCode}`);
}

export async function issueToken(deps: ExchangeDeps, p: Principal, userId: string, label: string): Promise<{ token: ApiToken; secret: string }> {
  await ensureRole(deps, p, 'issue token', 'admin');
  const cleanLabel = requiredText('label', label, 100);
  const user = await deps.stores.users.byId(userId);
  if (!user) return notFound(deps, p, `issue token for user ${userId}`);
  const secret = newTokenSecret();
  const token = await adminChange(deps, p, 'admin.token', async (tx) => {
    const t = await tx.tokens.insert({ userId, tokenHash: hashToken(secret), label: cleanLabel });
    return { result: t, agencyId: user.agencyId, details: { action: 'issue', tokenId: t.id, userId, label: cleanLabel } };
  });
  return { token, secret };
}

/** The ports cannot look a token up by id, so revoking an unknown id is a logged no-op. */
export async function revokeToken(deps: ExchangeDeps, p: Principal, tokenId: string): Promise<void> {
  await ensureRole(deps, p, 'revoke token', 'admin');
  await adminChange(deps, p, 'admin.token', async (tx) => {
    await tx.tokens.revoke(tokenId, deps.clock());
    return { result: undefined, agencyId: null, details: { action: 'revoke', tokenId } };
  });
}

/** A user's tokens, revoked ones included; the store never returns the hash, the secret was never kept. */
export async function listUserTokens(deps: ExchangeDeps, p: Principal, userId: string): Promise<ApiToken[]> {
  await ensureRole(deps, p, 'list tokens', 'admin');
  const user = await deps.stores.users.byId(userId);
  if (!user) return notFound(deps, p, `list tokens of user ${userId}`);
  return deps.stores.tokens.listForUser(userId);
}

/** Replaces a user's roles (a user may hold several: a signer who also drafts). */
export async function setUserRoles(deps: ExchangeDeps, p: Principal, userId: string, roles: unknown): Promise<User> {
  await ensureRole(deps, p, 'set user roles', 'admin');
  const wanted = Array.isArray(roles) ? [...new Set(roles)] : [];
  if (wanted.length === 0 || !wanted.every((r): r is Role => (ROLES as readonly unknown[]).includes(r))) throw new DocaxisError('ROLES_INVALID');
  const user = await deps.stores.users.byId(userId);
  if (!user) return notFound(deps, p, `set roles of user ${userId}`);
  return adminChange(deps, p, 'admin.user', async (tx) => {
    const updated = await tx.users.setRoles(userId, wanted);
    if (!updated) throw new DocaxisError('NOT_FOUND');
    return { result: updated, agencyId: updated.agencyId, details: { action: 'roles', userId, roles: updated.roles, role: updated.role } };
  });
}
