// Who may hear what on the live event stream. The rules are visibility.ts's: documents are a
// clerk's business (admins and auditors review the log, not the files), the sending agency sees
// every delivery of its documents, a recipient agency its own. So a notice reaches a clerk's
// stream only when the clerk's agency is the document's sender or one of the recipients it names.
import type { Principal } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole } from './guard.js';
import { statusesIn } from './status-machine.js';
import type { DraftNotice, ExchangeNotice, NoticeKind } from './notify-events.js';
import { hasRole } from './roles.js';

/** Refuses (FORBIDDEN, logged) anyone but a clerk, a drafter or a signer (these two hear their drafts only). */
export async function ensureLiveAllowed(deps: ExchangeDeps, p: Principal): Promise<void> {
  await ensureRole(deps, p, 'open the live event stream', 'clerk', 'drafter', 'signer');
}

/** Documents and the inbox count are a clerk's business: other streams hear their drafts only. */
export function hearsDocuments(p: Principal): boolean {
  return hasRole(p, 'clerk');
}

/**
 * A draft's change reaches a stream of its agency when the stream's user is its drafter or its
 * signer, or a clerk (the clerk registers, seals and sends it). Never another agency's stream.
 */
export function draftEventFor(notice: DraftNotice, stream: { agencyId: string; userId: string; clerk: boolean }): { draftId: string; status: DraftNotice['status'] } | undefined {
  if (notice.agencyId !== stream.agencyId) return undefined;
  if (!stream.clerk && !notice.userIds.includes(stream.userId)) return undefined;
  return { draftId: notice.draftId, status: notice.status };
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
