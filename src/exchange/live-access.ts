// Who may hear what on the live event stream. The rules are visibility.ts's: documents are a
// clerk's business (admins and auditors review the log, not the files), the sending agency sees
// every delivery of its documents, a recipient agency its own. So a notice reaches a clerk's
// stream only when the clerk's agency is the document's sender or one of the recipients it names.
import type { Principal } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole } from './guard.js';
import { statusesIn } from './status-machine.js';
import type { ExchangeNotice, NoticeKind } from './notify-events.js';

/** Refuses (FORBIDDEN, logged) anyone but a clerk. */
export async function ensureLiveAllowed(deps: ExchangeDeps, p: Principal): Promise<void> {
  await ensureRole(deps, p, 'open the live event stream', 'clerk');
}

/** The "not handled" count of the caller's inbox (status 01: arrived, nobody has acted yet). */
export async function notHandledCount(deps: ExchangeDeps, p: Principal): Promise<number> {
  await ensureRole(deps, p, 'read the inbox count', 'clerk');
  return deps.stores.deliveries.notHandledCount(p.agency.id, statusesIn('waiting'));
}

/** What an agency's clerks may learn of a notice: nothing, a change in their inbox, or in their outbox. */
export type LiveEvent = { box: 'inbox' | 'outbox'; kind: NoticeKind; documentId: string };

export function liveEventFor(notice: ExchangeNotice, agencyId: string): LiveEvent | undefined {
  if (notice.recipientAgencyIds.includes(agencyId)) return { box: 'inbox', kind: notice.kind, documentId: notice.documentId };
  if (notice.senderAgencyId === agencyId) return { box: 'outbox', kind: notice.kind, documentId: notice.documentId };
  return undefined;
}
