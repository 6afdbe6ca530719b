// Who sees a draft: its drafter, the signer named on it, and the clerks, admins and auditors of
// its agency (the clerk registers and seals it once signed). Anyone else, another agency above
// all, gets NOT_FOUND: the same answer as for an id that does not exist, and logged.
import type { Draft, Principal } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';
import { notFound } from './guard.js';
import { hasRole } from './roles.js';

export function canSeeDraft(p: Principal, d: Draft): boolean {
  if (d.agencyId !== p.agency.id) return false;
  if (d.drafterUserId === p.user.id || d.signerUserId === p.user.id) return true;
  return hasRole(p, 'clerk', 'admin', 'auditor');
}

/** The draft, or NOT_FOUND (logged) when it does not exist or the caller may not see it. */
export async function visibleDraft(deps: ExchangeDeps, p: Principal, id: string, what: string): Promise<Draft> {
  const d = await deps.stores.drafts.byId(id);
  if (!d || !canSeeDraft(p, d)) return notFound(deps, p, `${what} ${id}`);
  return d;
}
