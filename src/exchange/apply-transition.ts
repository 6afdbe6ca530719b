// One status change of one delivery, in one transaction: compare-and-set on the status (a lost
// race is STATUS_TRANSITION_INVALID, never a silent overwrite), the history event, the log entry.
import { DocaxisError } from '../errors.js';
import type { Delivery, ExchangeDocument, Principal, StatusCode, StatusEvent, Stores } from '../db/ports.js';

export interface Transition {
  document: ExchangeDocument;
  delivery: Delivery;
  to: StatusCode;
  reason: string | null;
  /** The code the client sent when it differs from the one recorded (03/02 answering a recall). */
  requested?: StatusCode;
  at: Date;
}

export async function applyTransition(tx: Stores, p: Principal, t: Transition): Promise<{ delivery: Delivery; event: StatusEvent }> {
  const from = t.delivery.status;
  const withdrawn = t.to === '15' ? true : undefined;
  if (!(await tx.deliveries.updateStatus(t.delivery.id, from, t.to, t.at, withdrawn))) {
    throw new DocaxisError('STATUS_TRANSITION_INVALID', `the status changed meanwhile (was ${from})`);
  }
  const event = await tx.deliveries.addEvent({ deliveryId: t.delivery.id, status: t.to, reason: t.reason, actorUserId: p.user.id, at: t.at, receipt: null });
  await tx.log.append(
    {
      event: 'delivery.status',
      actorUserId: p.user.id,
      agencyId: p.agency.id,
      documentId: t.document.id,
      details: {
        deliveryId: t.delivery.id,
        recipientCode: t.delivery.recipientCode,
        codeNumber: t.document.metadata.codeNumber,
        codeNotation: t.document.metadata.codeNotation,
        from,
        to: t.to,
        reason: t.reason,
        ...(t.requested !== undefined ? { requested: t.requested } : {}),
      },
    },
    t.at,
  );
  const delivery: Delivery = { ...t.delivery, status: t.to, statusUpdatedAt: t.at, withdrawn: withdrawn ?? t.delivery.withdrawn };
  return { delivery, event };
}
