// Tells the other sessions (this process and every other instance on the database) that a
// document arrived or a delivery's status changed, so that open inboxes update without polling.
//
// Published AFTER the use case's transaction committed (the helpers wrap its result): a listener
// that re-reads then sees the change, and a rolled-back change is never announced. NOTIFY inside
// the transaction would make the announcement atomic with the change (PostgreSQL delivers it at
// commit), but needs a notifier bound to the transaction's connection, in every use case's
// transaction; the only loss here is a crash between commit and publish, which a client's next
// reconnection repairs (it re-reads its count). A failed publish never fails the use case: the
// change is stored, only the live hint is missing.
//
// The payload carries ids only (the document, its sender, the recipients concerned), never
// metadata or content: each process decides from these ids which sessions may hear about it.
import { DRAFT_STATUSES, type Delivery, type Draft, type DraftStatus, type ExchangeDocument } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';

export const EXCHANGE_CHANNEL = 'docaxis_exchange';

/** sent: a new document (recipients' inbox, sender's outbox); status: one recipient moved it; recall: the sender asked it back. */
export const NOTICE_KINDS = ['sent', 'status', 'recall'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface ExchangeNotice {
  kind: NoticeKind;
  documentId: string;
  senderAgencyId: string;
  /** The recipient agencies this change concerns (all of them for a send, one for a status change). */
  recipientAgencyIds: string[];
}

/** 150 uuids and the rest stay far below the 8000-byte NOTIFY limit; more recipients: several notices. */
const RECIPIENTS_PER_NOTICE = 150;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** sendDocument's result, announced unless it was a replay (nothing new happened). */
export async function announceSent<T extends { document: ExchangeDocument; deliveries: Delivery[]; replayed: boolean }>(deps: ExchangeDeps, sent: Promise<T>): Promise<T> {
  const r = await sent;
  if (!r.replayed) publish(deps, 'sent', r.document, r.deliveries);
  return r;
}

/** A recipient's status change (accept, reject, handle, answer a recall). */
export async function announceStatus<T extends { delivery: Delivery }>(deps: ExchangeDeps, document: ExchangeDocument, changed: Promise<T>): Promise<T> {
  const r = await changed;
  publish(deps, 'status', document, [r.delivery]);
  return r;
}

/** The sender's recall request, to the recipients it reached. */
export async function announceRecall(deps: ExchangeDeps, document: ExchangeDocument, recalled: Promise<Delivery[]>): Promise<Delivery[]> {
  const r = await recalled;
  publish(deps, 'recall', document, r);
  return r;
}

function publish(deps: ExchangeDeps, kind: NoticeKind, document: ExchangeDocument, deliveries: readonly Delivery[]): void {
  const notifications = deps.notifications;
  if (!notifications) return;
  const recipients = [...new Set(deliveries.map((d) => d.recipientAgencyId))];
  for (let i = 0; i === 0 || i < recipients.length; i += RECIPIENTS_PER_NOTICE) {
    const notice: ExchangeNotice = { kind, documentId: document.id, senderAgencyId: document.senderAgencyId, recipientAgencyIds: recipients.slice(i, i + RECIPIENTS_PER_NOTICE) };
    // Not awaited: the answer to the clerk does not wait for the hint to the others.
    notifications.publish(EXCHANGE_CHANNEL, JSON.stringify(notice)).catch(() => undefined);
  }
}

/** A payload from the channel, checked field by field; anything else is ignored (undefined). */
export function parseNotice(payload: string): ExchangeNotice | undefined {
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const ids = o['recipientAgencyIds'];
  if (!(NOTICE_KINDS as readonly unknown[]).includes(o['kind'])) return undefined;
  if (typeof o['documentId'] !== 'string' || !UUID.test(o['documentId'])) return undefined;
  if (typeof o['senderAgencyId'] !== 'string' || !UUID.test(o['senderAgencyId'])) return undefined;
  if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string' && UUID.test(x))) return undefined;
  return { kind: o['kind'] as NoticeKind, documentId: o['documentId'], senderAgencyId: o['senderAgencyId'], recipientAgencyIds: ids as string[] };
}

/**
 * A draft moved (submitted, returned, signed, sent): its drafter, its signer and the clerks of its
 * agency may hear it (live-access.ts). Ids and the new status only, on the same channel; kind
 * 'draft' tells it from the document notices (parseNotice ignores it).
 */
export interface DraftNotice {
  kind: 'draft';
  draftId: string;
  agencyId: string;
  status: DraftStatus;
  /** The drafter and the named signer. */
  userIds: string[];
}

/** Announced after the change committed, like the others; never fails the use case. */
export function announceDraft(deps: ExchangeDeps, draft: Pick<Draft, 'id' | 'agencyId' | 'status' | 'drafterUserId' | 'signerUserId'>): void {
  const notifications = deps.notifications;
  if (!notifications) return;
  const notice: DraftNotice = { kind: 'draft', draftId: draft.id, agencyId: draft.agencyId, status: draft.status, userIds: [draft.drafterUserId, ...(draft.signerUserId ? [draft.signerUserId] : [])] };
  notifications.publish(EXCHANGE_CHANNEL, JSON.stringify(notice)).catch(() => undefined);
}

/** A use case's DraftDetail result, announced with its draft's new state. */
export async function announceDraftChange<T extends { draft: Draft }>(deps: ExchangeDeps, changed: Promise<T>): Promise<T> {
  const r = await changed;
  announceDraft(deps, r.draft);
  return r;
}

export function parseDraftNotice(payload: string): DraftNotice | undefined {
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (o['kind'] !== 'draft') return undefined;
  const ids = o['userIds'];
  if (typeof o['draftId'] !== 'string' || !UUID.test(o['draftId'])) return undefined;
  if (typeof o['agencyId'] !== 'string' || !UUID.test(o['agencyId'])) return undefined;
  if (!(DRAFT_STATUSES as readonly unknown[]).includes(o['status'])) return undefined;
  if (!Array.isArray(ids) || ids.length > 2 || !ids.every((x) => typeof x === 'string' && UUID.test(x))) return undefined;
  return { kind: 'draft', draftId: o['draftId'], agencyId: o['agencyId'], status: o['status'] as DraftStatus, userIds: ids as string[] };
}
