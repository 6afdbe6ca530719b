// Every admin change and its log entry in one transaction: the log never misses a change, and a
// change that fails leaves no entry. Details say what changed; never a secret or a token hash.
import { DocaxisError } from '../errors.js';
import type { LogEvent, Principal, Stores } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';

export async function adminChange<T>(
  deps: ExchangeDeps,
  p: Principal | null,
  event: LogEvent,
  fn: (tx: Stores) => Promise<{ result: T; agencyId: string | null; details: Record<string, unknown> }>,
): Promise<T> {
  return deps.stores.transaction(async (tx) => {
    const { result, agencyId, details } = await fn(tx);
    await tx.log.append({ event, actorUserId: p?.user.id ?? null, agencyId, documentId: null, details }, deps.clock());
    return result;
  });
}

/** Admin input errors reuse METADATA_INVALID's shape: { fields: { path: message } }. */
export function invalidField(path: string, message: string): DocaxisError {
  return new DocaxisError('METADATA_INVALID', `${path}: ${message}`, { details: { fields: { [path]: message } } });
}

export function requiredText(path: string, v: unknown, max: number): string {
  const s = typeof v === 'string' ? v.normalize('NFC').trim() : '';
  if (!s) throw invalidField(path, 'required');
  if (s.length > max) throw invalidField(path, `at most ${max} characters`);
  return s;
}
