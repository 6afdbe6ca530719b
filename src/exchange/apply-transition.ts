// One status change of one delivery, in one transaction: compare-and-set on the status (a lost
// race is STATUS_TRANSITION_INVALID, never a silent overwrite), the history event, the log entry.
import { DocaxisError } from '../errors.js';
import type { Delivery, ExchangeDocument, Principal, StatusCode, StatusEvent, Stores } from '../db/ports.js';
import type { SignerAdapter } from '../pki/signer.js';
import { receiptFor } from './receipts.js';

export interface Transition {
  document: ExchangeDocument;
  delivery: Delivery;
  to: StatusCode;
  reason: string | null;
  /** The code the client sent when it differs from the one recorded (03/02 answering a recall). */
  requested?: StatusCode;
  at: Date;
}

/** `receiptSigner`: the axis key (ExchangeDeps.receiptSigner); the receipt is stored with the event, in the same transaction. */
export async function applyTransition(tx: Stores, p: Principal, t: Transition, receiptSigner?: SignerAdapter): Promise<{ delivery: Delivery; event: StatusEvent }> {
  const from = t.delivery.status;
  const withdrawn = t.to === '15' ? true : undefined;
  if (!(await tx.deliveries.updateStatus(t.delivery.id, from, t.to, t.at, withdrawn))) {
    throw new DocaxisError('STATUS_TRANSITION_INVALID', `the status changed meanwhile (was ${from})`);
  }
  const change = { status: t.to, reason: t.reason, actorUserId: p.user.id, at: t.at };
  const event = await tx.deliveries.addEvent({ deliveryId: t.delivery.id, ...change, receipt: await receiptFor(receiptSigner, t.document, t.delivery, change) });
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
