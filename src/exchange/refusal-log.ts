// What a refused send leaves in the log: who refused, which number/notation the clerk gave, and why.
// Never the subject, the signer, the recipients' names or a byte of the file: for a classified
// document even the fact of its subject is a secret, and the other refusals keep the same shape.
import type { Principal } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';

/** Number and notation as the client wrote them, read leniently and cut to their legal length. */
export function codeOf(raw: unknown): { codeNumber?: string; codeNotation?: string } {
  if (!raw || typeof raw !== 'object') return {};
  const r = raw as Record<string, unknown>;
  const pick = (v: unknown, max: number) => (typeof v === 'string' || typeof v === 'number' ? String(v).trim().slice(0, max) || undefined : undefined);
  const codeNumber = pick(r['codeNumber'], 11);
  const codeNotation = pick(r['codeNotation'], 30);
  return { ...(codeNumber !== undefined ? { codeNumber } : {}), ...(codeNotation !== undefined ? { codeNotation } : {}) };
}

export async function logSendRefused(deps: ExchangeDeps, p: Principal, details: Record<string, unknown>): Promise<void> {
  await deps.stores.log.append({ event: 'send.refused', actorUserId: p.user.id, agencyId: p.agency.id, documentId: null, details: { senderCode: p.agency.code, ...details } }, deps.clock());
}
