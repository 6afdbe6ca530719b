// A user may hold several roles (a signer who also drafts, a clerk who audits). Every role check
// goes through hasRole, which reads `roles`, with the primary `role` as the fallback for a record
// built before roles existed (a test double, another branch's fixture).
import type { Principal, Role, User } from '../db/ports.js';

export function userHasRole(user: Pick<User, 'role'> & { roles?: readonly Role[] }, ...roles: Role[]): boolean {
  const held = user.roles && user.roles.length > 0 ? user.roles : [user.role];
  return roles.some((r) => held.includes(r));
}

export function hasRole(p: Principal, ...roles: Role[]): boolean {
  return userHasRole(p.user, ...roles);
}
