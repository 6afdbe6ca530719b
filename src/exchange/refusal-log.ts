// What a refused send leaves in the log: who refused, which number/notation the clerk gave, and why.
// Never the subject, the signer, the recipients' names or a byte of the file: for a classified
// document even the fact of its subject is a secret, and the other refusals keep the same shape.
import { isDocaxisError, type ErrorCategory } from '../errors.js';
import type { Principal } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';
import { storable } from './text.js';

/**
 * Number and notation as the client wrote them, read leniently and cut to their legal length.
 * Characters no database can hold (U+0000, a lone surrogate, also one left by the cut) become
 * U+FFFD: the refusal of a hostile number must still be written.
 */
export function codeOf(raw: unknown): { codeNumber?: string; codeNotation?: string } {
  if (!raw || typeof raw !== 'object') return {};
  const r = raw as Record<string, unknown>;
  const own = (k: string) => (Object.hasOwn(r, k) ? r[k] : undefined);
  const pick = (v: unknown, max: number) => (typeof v === 'string' || typeof v === 'number' ? storable(String(v).trim().slice(0, max)) || undefined : undefined);
  const codeNumber = pick(own('codeNumber'), 11);
  const codeNotation = pick(own('codeNotation'), 30);
  return { ...(codeNumber !== undefined ? { codeNumber } : {}), ...(codeNotation !== undefined ? { codeNotation } : {}) };
}

export async function logSendRefused(deps: ExchangeDeps, p: Principal, details: Record<string, unknown>): Promise<void> {
  await deps.stores.log.append({ event: 'send.refused', actorUserId: p.user.id, agencyId: p.agency.id, documentId: null, details: { senderCode: p.agency.code, ...details } }, deps.clock());
}

/** Refusals a clerk caused (bad input, policy, conflict); an outage, a bug or a client gone away are not. */
const REFUSAL_CATEGORIES: ReadonlySet<ErrorCategory> = new Set(['input', 'policy', 'conflict']);

/**
 * A send refused while its upload was read (bad multipart, a part too many, bad metadata, a file
 * over the limit): logged like any other refusal, with the number if the metadata was read, then
 * rethrown. A log that cannot be written (database down) must not hide the refusal itself.
 */
export async function logUploadRefused(deps: ExchangeDeps, p: Principal, raw: unknown, e: unknown): Promise<never> {
  if (isDocaxisError(e) && REFUSAL_CATEGORIES.has(e.category) && e.code !== 'REQUEST_ABORTED') {
    await logSendRefused(deps, p, { ...codeOf(raw), code: e.code }).catch(() => undefined);
  }
  throw e;
}
