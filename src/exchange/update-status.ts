// A recipient clerk moves its agency's copy through the status machine (status-machine.ts).
import { DocaxisError } from '../errors.js';
import { STATUS_CODES, type Delivery, type Principal, type StatusCode, type StatusEvent } from '../db/ports.js';
import { applyTransition } from './apply-transition.js';
import { queueArchive } from './archive.js';
import type { ExchangeDeps } from './deps.js';
import { announceStatus } from './notify-events.js';
import { cleanReason } from './reason.js';
import { recipientDelivery } from './recipient-delivery.js';
import { nextStatus, reasonRequired } from './status-machine.js';

export async function updateStatus(
  deps: ExchangeDeps,
  p: Principal,
  documentId: string,
  change: { status: StatusCode; reason?: string },
): Promise<{ delivery: Delivery; event: StatusEvent }> {
  const { document, delivery } = await recipientDelivery(deps, p, documentId, 'change status of');
  const requested = change.status;
  if (!(STATUS_CODES as readonly string[]).includes(requested)) throw new DocaxisError('STATUS_TRANSITION_INVALID', `unknown status ${String(requested)}`);
  const to = nextStatus(delivery.status, requested);
  if (to === undefined) throw new DocaxisError('STATUS_TRANSITION_INVALID', `${delivery.status} -> ${requested}`);
  const reason = cleanReason(change.reason);
  if (reason === null && reasonRequired(delivery.status, to)) throw new DocaxisError('REASON_REQUIRED', `status ${to}`);
  const at = deps.clock();
  const result = await announceStatus(deps, document, deps.stores.transaction((tx) => applyTransition(tx, p, { document, delivery, to, reason, at, ...(to !== requested ? { requested } : {}) }, deps.receiptSigner)));
  if (result.delivery.status === '03') queueArchive(deps, document.id);
  return result;
}
