// The caller's own delivery of a document, for the recipient's actions (status, recall answer).
// A clerk of the sending agency can see the document but not act for a recipient: FORBIDDEN.
// Anyone else: NOT_FOUND.
import type { Delivery, ExchangeDocument, Principal } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';
import { forbidden } from './guard.js';
import { visibleDocument } from './visibility.js';

export async function recipientDelivery(deps: ExchangeDeps, p: Principal, documentId: string, what: string): Promise<{ document: ExchangeDocument; delivery: Delivery }> {
  const v = await visibleDocument(deps, p, documentId, what);
  if (v.asSender) {
    const own = await deps.stores.deliveries.byDocumentAndRecipient(documentId, p.agency.id);
    // Unreachable today (a sender is never among its recipients), kept so the rule does not rest on it.
    if (own && !own.withdrawn) return { document: v.document, delivery: own };
    return forbidden(deps, p, `${what} ${documentId}`, 'only a recipient agency changes the status of its copy');
  }
  return { document: v.document, delivery: v.delivery };
}
