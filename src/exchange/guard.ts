// Deny by default, and every refusal leaves a trace: role checks and "not yours" answers go
// through here so that none of them forgets to log.
import { DocaxisError } from '../errors.js';
import type { Principal, Role } from '../db/ports.js';
import { logDenied, requireRole } from './auth.js';
import type { ExchangeDeps } from './deps.js';

/** requireRole, logging the refusal as 'access.denied'. */
export async function ensureRole(deps: ExchangeDeps, p: Principal, what: string, ...roles: Role[]): Promise<void> {
  try {
    requireRole(p, ...roles);
  } catch (e) {
    await logDenied(deps, p, what);
    throw e;
  }
}

/** NOT_FOUND for anything the caller may not see: the same answer as for an id that does not exist. */
export async function notFound(deps: ExchangeDeps, p: Principal, what: string): Promise<never> {
  await logDenied(deps, p, what);
  throw new DocaxisError('NOT_FOUND');
}

/** FORBIDDEN for an action on something the caller can see but may not do (e.g. a recipient recalling). */
export async function forbidden(deps: ExchangeDeps, p: Principal, what: string, detail: string): Promise<never> {
  await logDenied(deps, p, what);
  throw new DocaxisError('FORBIDDEN', detail);
}
