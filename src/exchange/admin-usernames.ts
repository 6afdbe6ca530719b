// The admin's user list with each user's sign-in name, so the admin can tell the user name to the
// person (and see who has none yet). Same rule as listUsers: admins only.
import type { Principal, User } from '../db/ports.js';
import { listUsers } from './admin.js';
import type { ExchangeDeps } from './deps.js';

export type UserWithUsername = User & { username: string | null };

export async function listUsersWithUsernames(deps: ExchangeDeps, p: Principal, agencyCode?: string): Promise<UserWithUsername[]> {
  const users = await listUsers(deps, p, agencyCode);
  const names = await deps.stores.credentials.usernamesOf(users.map((u) => u.id));
  return users.map((u) => ({ ...u, username: names.get(u.id) ?? null }));
}
