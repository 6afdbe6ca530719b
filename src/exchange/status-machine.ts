// The recipient's status codes (edXML Status) and which change is legal from which status.
//
//   01 Đã đến      -> 02 Từ chối tiếp nhận (reason required) | 03 Đã tiếp nhận
//   03             -> 04 Phân công | 05 Đang xử lý
//   04             -> 05
//   05             -> 06 Hoàn thành
//   13 Yêu cầu lấy lại (set by the sender's recall, never by updateStatus)
//                  -> 15 Đồng ý lấy lại (copy withdrawn) | 16 Từ chối lấy lại
//   16             -> 02 | 03: the recipient kept the document, which had not been accepted yet
//                     (a recall is only possible from 01), so it is handled as if it had just arrived.
// Some systems answer a recall with 03/02 instead of 16/15 (domain.md: accept both): from 13,
// 03 means "kept" and is recorded as 16, 02 means "give it back" and is recorded as 15. A reason
// is optional on that path, since it answers the recall rather than rejecting the document.
import { STATUS_CODES, type StatusCode } from '../db/ports.js';

const NEXT: Readonly<Partial<Record<StatusCode, readonly StatusCode[]>>> = {
  '01': ['02', '03'],
  '03': ['04', '05'],
  '04': ['05'],
  '05': ['06'],
  '13': ['15', '16'],
  '16': ['02', '03'],
};

/** Answers to a recall written the old way. */
const RECALL_ALIASES: Readonly<Partial<Record<StatusCode, StatusCode>>> = { '03': '16', '02': '15' };

/** The status to record for a requested change, or undefined when the change is illegal. */
export function nextStatus(from: StatusCode, requested: StatusCode): StatusCode | undefined {
  const to = from === '13' ? (RECALL_ALIASES[requested] ?? requested) : requested;
  return NEXT[from]?.includes(to) ? to : undefined;
}

/** A rejection must say why (Decree 30 art. 21: the sender must know what to fix). */
export function reasonRequired(from: StatusCode, to: StatusCode): boolean {
  return to === '02' && from !== '13';
}

/**
 * Where a recipient's copy stands, read from its status alone. Every count (the inbox's "not yet
 * handled", the sender's "waiting", the statistics' accepted/rejected) derives from this one table,
 * so they cannot disagree: 16 is "waiting" (the recipient kept the copy after a recall, but has not
 * accepted it yet: from 16 it may still be rejected), 15 is "withdrawn" and counts nowhere.
 */
export type StatusPhase = 'waiting' | 'accepted' | 'rejected' | 'withdrawn';

export const STATUS_PHASE: Readonly<Record<StatusCode, StatusPhase>> = {
  '01': 'waiting',
  '02': 'rejected',
  '03': 'accepted',
  '04': 'accepted',
  '05': 'accepted',
  '06': 'accepted',
  '13': 'waiting',
  '15': 'withdrawn',
  '16': 'waiting',
};

/** The statuses of one phase, in code order. */
export function statusesIn(phase: StatusPhase): StatusCode[] {
  return STATUS_CODES.filter((s) => STATUS_PHASE[s] === phase);
}

/** The recipient's clerk has something to do: arrived (01), a recall to answer (13), kept after a recall (16). */
export function awaitsRecipient(status: StatusCode): boolean {
  return STATUS_PHASE[status] === 'waiting';
}

/** The changes the recipient may ask for from `from` (what the web offers as buttons). */
export function nextStatuses(from: StatusCode): readonly StatusCode[] {
  return NEXT[from] ?? [];
}
