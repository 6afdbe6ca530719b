// The status history of a document, one timeline per delivery (the sender sees every recipient,
// a recipient only its own): each event with its status, time, reason and who acted (the user's
// full name and agency, as the API names them), and the axis's signed receipt for it.
import type { ApiClient } from '../api.js';
import { h } from '../dom.js';
import { defineMessages, formatDateTime } from '../i18n.js';
import type { Delivery, PickerAgency, StatusEvent } from '../types.js';
import { agencyName, statusPill } from './badges.js';
import { receiptView } from './receipt-view.js';

const t = defineMessages({
  vi: {
    recipient: 'Nơi nhận: {name}',
    current: 'Trạng thái hiện tại',
    since: 'từ {time}',
    withdrawn: 'Bản sao đã được thu hồi khỏi hộp thư của nơi nhận.',
    reason: 'Lý do',
    by: 'Thực hiện bởi',
    byMe: 'bạn',
    byAxis: 'trục liên thông (tự động)',
    byUser: '{name} ({agency})',
    byUnknown: 'người dùng không còn trong danh bạ ({agency})',
    noEvents: 'Chưa có sự kiện nào.',
    noReceipt: 'Sự kiện này không có biên nhận (trục chưa cấu hình khóa ký biên nhận).',
    events: 'Lịch sử trạng thái của {name}',
  },
  en: {
    recipient: 'Recipient: {name}',
    current: 'Current status',
    since: 'since {time}',
    withdrawn: 'The copy has been withdrawn from the recipient’s inbox.',
    reason: 'Reason',
    by: 'Done by',
    byMe: 'you',
    byAxis: 'the axis (automatic)',
    byUser: '{name} ({agency})',
    byUnknown: 'a user no longer in the directory ({agency})',
    noEvents: 'No events yet.',
    noReceipt: 'This event has no receipt (the axis has no receipt signing key configured).',
    events: 'Status history of {name}',
  },
});

export type DeliveryWithEvents = Delivery & { events: StatusEvent[] };

export interface HistoryOptions {
  api: ApiClient;
  directory: ReadonlyMap<string, PickerAgency>;
  /** The signed-in user's id, to say "you" for their own events. */
  meId: string;
  /** The sending agency: its clerk records arrival (01) and recall requests (13). */
  senderCode: string;
  /** Used to name the .p7s files: "<fileBase>-<recipient>-<status>-<time>.p7s". */
  fileBase: string;
}

export function statusHistory(deliveries: readonly DeliveryWithEvents[], opts: HistoryOptions): HTMLElement {
  return h('div', { class: 'status-history' }, ...deliveries.map((d) => deliveryHistory(d, opts)));
}

function deliveryHistory(d: DeliveryWithEvents, opts: HistoryOptions): HTMLElement {
  const name = agencyName(opts.directory, d.recipientCode);
  const events = [...d.events].sort((a, b) => a.at.localeCompare(b.at));
  return h(
    'section',
    { class: 'delivery', 'data-recipient': d.recipientCode, 'data-status': d.status, 'data-delivery-id': d.id },
    h('h3', {}, t('recipient', { name })),
    h('p', { class: 'delivery-now' }, h('span', { class: 'muted' }, `${t('current')}: `), statusPill(d.status), ' ', h('span', { class: 'muted small' }, t('since', { time: formatDateTime(d.statusUpdatedAt) }))),
    d.withdrawn ? h('p', { class: 'muted small' }, t('withdrawn')) : null,
    events.length
      ? h('ol', { class: 'timeline', 'aria-label': t('events', { name }) }, ...events.map((e) => eventItem(e, d, opts)))
      : h('p', { class: 'muted' }, t('noEvents')),
  );
}

function eventItem(e: StatusEvent, d: DeliveryWithEvents, opts: HistoryOptions): HTMLElement {
  const who = actorText(e, d, opts);
  const stamp = e.at.replace(/[^0-9]/g, '').slice(0, 14);
  return h(
    'li',
    { class: `event event-${e.status}`, 'data-status': e.status, 'data-event-id': e.id },
    h('div', { class: 'event-head' }, statusPill(e.status), ' ', h('time', { datetime: e.at }, formatDateTime(e.at))),
    e.reason ? h('p', { class: 'event-reason' }, h('strong', {}, `${t('reason')}: `), e.reason) : null,
    h('p', { class: 'muted small event-actor' }, `${t('by')}: `, h('span', { 'data-actor': e.actorUserId ?? '' }, who)),
    e.receipt ? receiptView(opts.api, e.receipt, { fileName: `${opts.fileBase}-${d.recipientCode}-${e.status}-${stamp}.p7s` }) : h('p', { class: 'muted small' }, t('noReceipt')),
  );
}

/** "Nguyễn Văn A (Sở Y tế)", with "(bạn)" for the signed-in user; the axis when nobody acted. */
function actorText(e: StatusEvent, d: DeliveryWithEvents, opts: HistoryOptions): string {
  if (e.actorUserId === null) return t('byAxis');
  const named = e.actor ? t('byUser', { name: e.actor.name, agency: e.actor.agencyName }) : null;
  if (e.actorUserId === opts.meId) return named ? `${named} — ${t('byMe')}` : t('byMe');
  if (named) return named;
  // 01 (sent) and 13 (recall asked) are the sender's acts; every other status is the recipient's.
  return t('byUnknown', { agency: agencyName(opts.directory, e.status === '01' || e.status === '13' ? opts.senderCode : d.recipientCode) });
}
