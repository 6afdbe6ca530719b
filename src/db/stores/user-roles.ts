// The roles a user holds (user_roles). users.role stays the primary role; these rows are what the
// user may do. Read together with the user in one query (a correlated string_agg), so a principal
// costs no second round trip.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { ROLES, type Role } from '../ports.js';
import { userRoles, users } from '../schema.js';

/** A select column: the user's roles as "a,b" (role names hold no comma). */
export const rolesColumn = sql<string | null>`(select string_agg(${userRoles.role}, ',' order by ${userRoles.role}) from ${userRoles} where ${userRoles.userId} = ${users.id})`;

/** The primary role always counts, even for a row written before user_roles existed. */
export function rolesOf(primary: Role, aggregated: string | null): Role[] {
  const held = new Set((aggregated ?? '').split(',').filter((r): r is Role => (ROLES as readonly string[]).includes(r)));
  held.add(primary);
  return ROLES.filter((r) => held.has(r));
}

export async function replaceUserRoles(db: Db, userId: string, roles: readonly Role[]): Promise<void> {
  await db.delete(userRoles).where(eq(userRoles.userId, userId));
  if (roles.length > 0) await db.insert(userRoles).values([...new Set(roles)].map((role) => ({ userId, role })));
}
