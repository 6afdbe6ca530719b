// Inbox (delivered to the caller's agency, withdrawn copies left out by the store) and outbox
// (sent by it). The agency always comes from the principal, never from the filter.
import type { Delivery, DocumentFilter, ExchangeDocument, Page, PageOf, Principal } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole } from './guard.js';

const MAX_PAGE = 200;

/** An inbox item: the caller's own delivery of the document (the recipient sees no other). */
export interface InboxItem {
  document: ExchangeDocument;
  delivery?: Delivery;
}

/** An outbox item: the sender sees every recipient's delivery. */
export interface OutboxItem {
  document: ExchangeDocument;
  deliveries: Delivery[];
}

type MailboxFilter = Omit<DocumentFilter, 'recipientAgencyId' | 'senderAgencyId'>;

export async function listDocuments(deps: ExchangeDeps, p: Principal, box: 'inbox', filter: MailboxFilter, page: Page): Promise<PageOf<InboxItem>>;
export async function listDocuments(deps: ExchangeDeps, p: Principal, box: 'outbox', filter: MailboxFilter, page: Page): Promise<PageOf<OutboxItem>>;
export async function listDocuments(deps: ExchangeDeps, p: Principal, box: 'inbox' | 'outbox', filter: MailboxFilter, page: Page): Promise<PageOf<InboxItem | OutboxItem>>;
export async function listDocuments(deps: ExchangeDeps, p: Principal, box: 'inbox' | 'outbox', filter: MailboxFilter, page: Page): Promise<PageOf<InboxItem | OutboxItem>> {
  await ensureRole(deps, p, `list ${box}`, 'clerk');
  // The type forbids the agency fields, but a caller passing a parsed query object could still carry them.
  const { recipientAgencyId: _r, senderAgencyId: _s, ...rest } = filter as DocumentFilter;
  const scoped: DocumentFilter = box === 'inbox' ? { ...rest, recipientAgencyId: p.agency.id } : { ...rest, senderAgencyId: p.agency.id };
  const limit = Math.min(Math.max(Math.trunc(page.limit) || 1, 1), MAX_PAGE);
  const found = await deps.stores.documents.list(scoped, { ...page, limit });
  const items = await Promise.all(found.items.map((document) => (box === 'inbox' ? inboxItem(deps, p, document) : outboxItem(deps, document))));
  return { items, next: found.next };
}

async function inboxItem(deps: ExchangeDeps, p: Principal, document: ExchangeDocument): Promise<InboxItem> {
  const delivery = await deps.stores.deliveries.byDocumentAndRecipient(document.id, p.agency.id);
  return delivery ? { document, delivery } : { document };
}

async function outboxItem(deps: ExchangeDeps, document: ExchangeDocument): Promise<OutboxItem> {
  return { document, deliveries: await deps.stores.deliveries.forDocument(document.id) };
}
