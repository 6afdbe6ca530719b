// Users of an agency; deactivated, never deleted (the log refers to them).
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { Role, User, UserStore } from '../ports.js';
import { users } from '../schema.js';

type Row = typeof users.$inferSelect;

export function toUser(r: Row): User {
  return { ...r, role: r.role as Role };
}

export async function userById(db: Db, id: string): Promise<User | undefined> {
  const [r] = await db.select().from(users).where(eq(users.id, id));
  return r && toUser(r);
}

export async function listUsers(db: Db, agencyId?: string): Promise<User[]> {
  const q = db.select().from(users);
  const rows = await (agencyId ? q.where(eq(users.agencyId, agencyId)) : q).orderBy(asc(users.createdAt), asc(users.id));
  return rows.map(toUser);
}

export async function insertUser(db: Db, u: Omit<User, 'id' | 'createdAt'>): Promise<User> {
  const [r] = await db.insert(users).values(u).returning();
  return toUser(r!);
}

export async function setUserActive(db: Db, id: string, active: boolean): Promise<void> {
  await db.update(users).set({ active }).where(eq(users.id, id));
}

export function userStore(db: Db): UserStore {
  return {
    byId: (id) => userById(db, id),
    list: (agencyId) => listUsers(db, agencyId),
    insert: (u) => insertUser(db, u),
    setActive: (id, active) => setUserActive(db, id, active),
  };
}
