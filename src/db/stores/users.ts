// Users of an agency; deactivated, never deleted (the log refers to them). Each user holds one or
// more roles (user_roles, stores/user-roles.ts); `role` is the primary one.
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { Role, User, UserStore } from '../ports.js';
import { users } from '../schema.js';
import { replaceUserRoles, rolesColumn, rolesOf } from './user-roles.js';

type Row = typeof users.$inferSelect;

export function toUser(r: Row, roles: string | null = null): User {
  return { ...r, role: r.role as Role, roles: rolesOf(r.role as Role, roles) };
}

const withRoles = { user: users, roles: rolesColumn };

export async function userById(db: Db, id: string): Promise<User | undefined> {
  const [r] = await db.select(withRoles).from(users).where(eq(users.id, id));
  return r && toUser(r.user, r.roles);
}

export async function listUsers(db: Db, agencyId?: string): Promise<User[]> {
  const q = db.select(withRoles).from(users);
  const rows = await (agencyId ? q.where(eq(users.agencyId, agencyId)) : q).orderBy(asc(users.createdAt), asc(users.id));
  return rows.map((r) => toUser(r.user, r.roles));
}

export async function insertUser(db: Db, u: Omit<User, 'id' | 'createdAt' | 'roles'> & { roles?: Role[] }): Promise<User> {
  const { roles, ...row } = u;
  const held = [...new Set([u.role, ...(roles ?? [])])];
  const [r] = await db.insert(users).values(row).returning();
  await replaceUserRoles(db, r!.id, held);
  return toUser(r!, held.join(','));
}

export async function setUserActive(db: Db, id: string, active: boolean): Promise<void> {
  await db.update(users).set({ active }).where(eq(users.id, id));
}

export async function setUserRoles(db: Db, id: string, roles: readonly Role[]): Promise<User | undefined> {
  const current = await userById(db, id);
  if (!current || roles.length === 0) return current;
  const primary = roles.includes(current.role) ? current.role : roles[0]!;
  if (primary !== current.role) await db.update(users).set({ role: primary }).where(eq(users.id, id));
  await replaceUserRoles(db, id, roles);
  return userById(db, id);
}

export function userStore(db: Db): UserStore {
  return {
    byId: (id) => userById(db, id),
    list: (agencyId) => listUsers(db, agencyId),
    insert: (u) => insertUser(db, u),
    setActive: (id, active) => setUserActive(db, id, active),
    setRoles: (id, roles) => setUserRoles(db, id, roles),
  };
}
