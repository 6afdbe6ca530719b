// Inbox (delivered to the caller's agency, withdrawn copies left out by the store) and outbox
// (sent by it). The agency always comes from the principal, never from the filter.
import type { Delivery, DocumentFilter, ExchangeDocument, Page, PageOf, Principal } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole } from './guard.js';

const MAX_PAGE = 200;

export async function listDocuments(
  deps: ExchangeDeps,
  p: Principal,
  box: 'inbox' | 'outbox',
  filter: Omit<DocumentFilter, 'recipientAgencyId' | 'senderAgencyId'>,
  page: Page,
): Promise<PageOf<{ document: ExchangeDocument; delivery?: Delivery }>> {
  await ensureRole(deps, p, `list ${box}`, 'clerk');
  // The type forbids the agency fields, but a caller passing a parsed query object could still carry them.
  const { recipientAgencyId: _r, senderAgencyId: _s, ...rest } = filter as DocumentFilter;
  const scoped: DocumentFilter = box === 'inbox' ? { ...rest, recipientAgencyId: p.agency.id } : { ...rest, senderAgencyId: p.agency.id };
  const limit = Math.min(Math.max(Math.trunc(page.limit) || 1, 1), MAX_PAGE);
  const found = await deps.stores.documents.list(scoped, { ...page, limit });
  if (box === 'outbox') return { items: found.items.map((document) => ({ document })), next: found.next };
  const items = await Promise.all(
    found.items.map(async (document) => {
      const delivery = await deps.stores.deliveries.byDocumentAndRecipient(document.id, p.agency.id);
      return delivery ? { document, delivery } : { document };
    }),
  );
  return { items, next: found.next };
}
