// Bearer tokens, stored only as the SHA-256 of the secret. findPrincipal is on every request's
// path: one indexed join, and it decides "active" in SQL so a revoked token never leaves the db.
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { ApiToken, Principal, TokenStore } from '../ports.js';
import { agencies, apiTokens, users } from '../schema.js';
import { toAgency } from './agencies.js';
import { rolesColumn } from './user-roles.js';
import { toUser } from './users.js';

type Row = typeof apiTokens.$inferSelect;

function toToken(r: Row): ApiToken {
  // The hash stays in the database layer: nothing above needs it.
  const { tokenHash: _hash, ...token } = r;
  return token;
}

export async function insertToken(db: Db, t: { userId: string; tokenHash: string; label: string }): Promise<ApiToken> {
  const [r] = await db.insert(apiTokens).values(t).returning();
  return toToken(r!);
}

export async function findPrincipal(db: Db, tokenHash: string): Promise<Principal | undefined> {
  const [r] = await db
    .select({ tokenId: apiTokens.id, user: users, roles: rolesColumn, agency: agencies })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .innerJoin(agencies, eq(agencies.id, users.agencyId))
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt), eq(users.active, true), eq(agencies.active, true)));
  return r && { tokenId: r.tokenId, user: toUser(r.user, r.roles), agency: toAgency(r.agency) };
}

/** Keeps the first revocation time when revoked twice. */
export async function revokeToken(db: Db, tokenId: string, at: Date): Promise<void> {
  await db.update(apiTokens).set({ revokedAt: at }).where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)));
}

export async function listTokensForUser(db: Db, userId: string): Promise<ApiToken[]> {
  const rows = await db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(asc(apiTokens.createdAt), asc(apiTokens.id));
  return rows.map(toToken);
}

export function tokenStore(db: Db): TokenStore {
  return {
    insert: (t) => insertToken(db, t),
    findPrincipal: (h) => findPrincipal(db, h),
    revoke: (id, at) => revokeToken(db, id, at),
    listForUser: (userId) => listTokensForUser(db, userId),
  };
}
