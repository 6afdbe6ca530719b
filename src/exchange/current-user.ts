// Who the caller is, for a client to show and to choose what to offer: the user and the agency the
// token belongs to. Only identifying fields: nothing about tokens or other users.
import type { Agency, Principal, User } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole } from './guard.js';

export interface CurrentUser {
  user: Pick<User, 'id' | 'name' | 'role' | 'roles'>;
  agency: Pick<Agency, 'id' | 'code' | 'name' | 'level'>;
}

export async function currentUser(deps: ExchangeDeps, p: Principal): Promise<CurrentUser> {
  // Every role may ask; listed explicitly so that a new role is denied until someone decides.
  await ensureRole(deps, p, 'read own profile', 'clerk', 'admin', 'auditor', 'drafter', 'signer');
  const { user, agency } = p;
  return { user: { id: user.id, name: user.name, role: user.role, roles: user.roles }, agency: { id: agency.id, code: agency.code, name: agency.name, level: agency.level } };
}
