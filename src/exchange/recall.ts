// Recall (Decree 30 art. 18): the sender asks for a document back while recipients have not yet
// acted on it (status 01 -> 13), and says why (the reason is stored on each 13 event and in the
// log, so the recipient reads it before answering); each recipient answers explicitly 15 (agrees:
// its copy is withdrawn from the inbox) or 16 (refuses: keeps it). Copies already accepted,
// rejected or otherwise acted on stay as they are.
import { DocaxisError } from '../errors.js';
import type { Delivery, Principal, StatusEvent } from '../db/ports.js';
import { applyTransition } from './apply-transition.js';
import type { ExchangeDeps } from './deps.js';
import { forbidden } from './guard.js';
import { announceRecall, announceStatus } from './notify-events.js';
import { cleanReason } from './reason.js';
import { receiptFor } from './receipts.js';
import { recipientDelivery } from './recipient-delivery.js';
import { visibleDocument } from './visibility.js';

/** The recipient's answer to a recall: 15 agree (give the copy back), 16 refuse (keep it). */
export type RecallAnswer = '15' | '16';

export async function requestRecall(deps: ExchangeDeps, p: Principal, documentId: string, rawReason: string): Promise<Delivery[]> {
  const v = await visibleDocument(deps, p, documentId, 'recall document');
  if (!v.asSender) return forbidden(deps, p, `recall document ${documentId}`, 'only the sending agency can recall a document');
  const reason = cleanReason(rawReason);
  if (reason === null) throw new DocaxisError('REASON_REQUIRED', 'a recall must say why', { details: { fields: { reason: 'required' } } });
  const { document } = v;
  const at = deps.clock();
  return announceRecall(deps, document, deps.stores.transaction(async (tx) => {
    const waiting = (await tx.deliveries.forDocument(document.id)).filter((d) => d.status === '01');
    const recalled: Delivery[] = [];
    for (const delivery of waiting) {
      // A recipient that accepted in the meantime keeps its status: skip it rather than fail all.
      if (!(await tx.deliveries.updateStatus(delivery.id, '01', '13', at))) continue;
      const asked = { status: '13' as const, reason, actorUserId: p.user.id, at };
      await tx.deliveries.addEvent({ deliveryId: delivery.id, ...asked, receipt: await receiptFor(deps.receiptSigner, document, delivery, asked) });
      recalled.push({ ...delivery, status: '13', statusUpdatedAt: at });
    }
    if (recalled.length === 0) throw new DocaxisError('RECALL_NOT_ALLOWED', 'no recipient is still at status 01 (Đã đến)');
    await tx.log.append(
      {
        event: 'document.recall-requested',
        actorUserId: p.user.id,
        agencyId: p.agency.id,
        documentId: document.id,
        details: { codeNumber: document.metadata.codeNumber, codeNotation: document.metadata.codeNotation, recipients: recalled.map((d) => d.recipientCode), from: '01', to: '13', reason },
      },
      at,
    );
    return recalled;
  }));
}

/** `answer` must be 15 or 16 as such: nothing else is read as one of them here (status-machine.ts keeps the 03/02 aliases for old peers). */
export async function answerRecall(
  deps: ExchangeDeps,
  p: Principal,
  documentId: string,
  answer: RecallAnswer,
  rawReason?: string,
): Promise<{ delivery: Delivery; event: StatusEvent }> {
  if (answer !== '15' && answer !== '16') throw new DocaxisError('STATUS_TRANSITION_INVALID', `a recall is answered with 15 or 16, not ${String(answer)}`);
  const { document, delivery } = await recipientDelivery(deps, p, documentId, 'answer recall of');
  if (delivery.status !== '13') throw new DocaxisError('STATUS_TRANSITION_INVALID', `no recall is pending (status ${delivery.status})`);
  const reason = cleanReason(rawReason);
  const at = deps.clock();
  return announceStatus(deps, document, deps.stores.transaction((tx) => applyTransition(tx, p, { document, delivery, to: answer, reason, at }, deps.receiptSigner)));
}
