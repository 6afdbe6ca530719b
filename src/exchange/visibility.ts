// Who sees a document: the sending agency (with every delivery) and each recipient agency (its
// own delivery, until a recall it accepted withdrew it). Everyone else gets NOT_FOUND, exactly as
// for an id that does not exist, and the attempt is logged.
import type { Delivery, ExchangeDocument, Principal } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole, notFound } from './guard.js';

export type Visible = { document: ExchangeDocument; asSender: true; delivery?: undefined } | { document: ExchangeDocument; asSender: false; delivery: Delivery };

/** Documents are a clerk's business: admins and auditors review the log, not the files. */
export async function visibleDocument(deps: ExchangeDeps, p: Principal, id: string, what: string): Promise<Visible> {
  await ensureRole(deps, p, what, 'clerk');
  const document = await deps.stores.documents.byId(id);
  if (document && document.senderAgencyId === p.agency.id) return { document, asSender: true };
  const delivery = document ? await deps.stores.deliveries.byDocumentAndRecipient(document.id, p.agency.id) : undefined;
  if (document && delivery && !delivery.withdrawn) return { document, asSender: false, delivery };
  return notFound(deps, p, `${what} ${id}`);
}
