// Admin: sign-in accounts and sessions. A set-password link's token is returned once (shown to
// the admin, handed to the user) and stored only as its hash; a new link ends the older ones.
import type { PasswordLink, Principal, Session } from '../db/ports.js';
import { DocaxisError } from '../errors.js';
import { SET_PASSWORD_LINK_HOURS, checkUsername, hashLinkToken, newLinkToken } from './accounts.js';
import { adminChange } from './admin-change.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole, notFound } from './guard.js';

export interface IssuedLink {
  link: PasswordLink;
  username: string;
  /** The one-time token: the web UI builds the link /#/set-password/<token> from it. */
  token: string;
}

/**
 * A one-time set-password link for a user (24 h, single use). A user without an account yet gets
 * one with `username`; a user with one keeps its name (USERNAME_TAKEN if another is given).
 */
export async function createPasswordLink(deps: ExchangeDeps, p: Principal, userId: string, input: { username?: string | undefined } = {}): Promise<IssuedLink> {
  await ensureRole(deps, p, 'create set-password link', 'admin');
  const user = await deps.stores.users.byId(userId);
  if (!user) return notFound(deps, p, `create set-password link for user ${userId}`);
  const wanted = input.username === undefined ? undefined : checkUsername(input.username);
  const token = newLinkToken();
  return adminChange(deps, p, 'admin.password-link', async (tx) => {
    const at = deps.clock();
    let creds = await tx.credentials.byUserId(userId);
    if (creds && wanted !== undefined && wanted !== creds.username) throw new DocaxisError('USERNAME_TAKEN', `this user already signs in as ${creds.username}`);
    if (!creds) {
      if (wanted === undefined) throw new DocaxisError('ACCOUNT_NO_USERNAME');
      creds = await tx.credentials.insert({ userId, username: wanted });
    }
    await tx.credentials.endLinks(userId, at);
    const link = await tx.credentials.insertLink({ userId, tokenHash: hashLinkToken(token), expiresAt: new Date(at.getTime() + SET_PASSWORD_LINK_HOURS * 3_600_000) });
    return { result: { link, username: creds.username, token }, agencyId: user.agencyId, details: { action: 'issue', userId, username: creds.username, linkId: link.id, expiresAt: link.expiresAt.toISOString() } };
  });
}

/** A user's open sessions (newest first); never a secret. */
export async function listUserSessions(deps: ExchangeDeps, p: Principal, userId: string): Promise<Session[]> {
  await ensureRole(deps, p, 'list sessions', 'admin');
  const user = await deps.stores.users.byId(userId);
  if (!user) return notFound(deps, p, `list sessions of user ${userId}`);
  return deps.stores.sessions.listOpenForUser(userId, deps.clock());
}

/** Ends every session of a user; the number ended. */
export async function revokeUserSessions(deps: ExchangeDeps, p: Principal, userId: string): Promise<number> {
  await ensureRole(deps, p, 'revoke sessions', 'admin');
  const user = await deps.stores.users.byId(userId);
  if (!user) return notFound(deps, p, `revoke sessions of user ${userId}`);
  return adminChange(deps, p, 'admin.session', async (tx) => {
    const ended = await tx.sessions.revokeAllForUser(userId, deps.clock());
    return { result: ended, agencyId: user.agencyId, details: { action: 'revoke-all', userId, ended } };
  });
}

/** Ends one session. */
export async function revokeSession(deps: ExchangeDeps, p: Principal, sessionId: string): Promise<void> {
  await ensureRole(deps, p, 'revoke session', 'admin');
  const session = await deps.stores.sessions.byId(sessionId);
  if (!session) return notFound(deps, p, `revoke session ${sessionId}`);
  await adminChange(deps, p, 'admin.session', async (tx) => {
    await tx.sessions.revoke(sessionId, deps.clock());
    return { result: undefined, agencyId: null, details: { action: 'revoke', sessionId, userId: session.userId } };
  });
}
