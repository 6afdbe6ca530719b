// Outbox: the documents my agency sent, newest first, with every recipient's status, filters that
// (and a text search) that map one to one onto GET /outbox's query, and a recall
// button on the documents a recipient has not acted on yet (status 01; recall.ts recalls those),
// which asks why (the reason is required and shown to the recipients). "Waiting" counts every
// recipient that still has to act (status-phase.ts: 01, 13, 16).
import { agencyDirectory, agencyName, priorityBadge, statusPill } from '../components/badges.js';
import { confirmDialog } from '../components/dialog.js';
import { mailboxFilters } from '../components/mailbox-filters.js';
import { errorNotice, notice } from '../components/notice.js';
import { h, replace, tableHead } from '../dom.js';
import { defineMessages, formatDateTime } from '../i18n.js';
import type { PageContext } from '../router.js';
import { awaitsRecipient } from '../status-phase.js';
import type { Delivery, DocumentDetail, OutboxItem, Page } from '../types.js';

const t = defineMessages({
  vi: {
    title: 'Văn bản đi',
    status: 'Trạng thái nơi nhận',
    priority: 'Độ khẩn',
    type: 'Loại văn bản',
    from: 'Từ ngày',
    to: 'Đến ngày',
    any: 'Tất cả',
    urgentFirst: 'Văn bản khẩn lên đầu',
    apply: 'Lọc',
    filters: 'Lọc văn bản đi',
    reset: 'Bỏ lọc',
    search: 'Tìm kiếm',
    searchHint: 'Số/ký hiệu hoặc trích yếu',
    number: 'Số/ký hiệu',
    subject: 'Trích yếu',
    sent: 'Thời gian gửi',
    recipients: 'Nơi nhận và trạng thái',
    actions: 'Thao tác',
    empty: 'Không có văn bản nào.',
    more: 'Xem thêm',
    waiting: '{n} văn bản còn nơi nhận chưa tiếp nhận',
    recall: 'Yêu cầu lấy lại',
    recallLabel: 'Yêu cầu lấy lại văn bản {number}',
    confirmRecallTitle: 'Yêu cầu lấy lại văn bản {number}?',
    confirmRecallBody: 'Yêu cầu lấy lại (trạng thái 13) được gửi tới {n} nơi nhận chưa tiếp nhận: {names}. Nơi nhận đã tiếp nhận hoặc đã xử lý không bị ảnh hưởng.',
    recalled: 'Đã gửi yêu cầu lấy lại văn bản {number} tới {n} nơi nhận.',
    recallReason: 'Lý do lấy lại (nơi nhận sẽ thấy)',
  },
  en: {
    title: 'Sent documents',
    status: 'Recipient status',
    priority: 'Urgency',
    type: 'Document type',
    from: 'From',
    to: 'To',
    any: 'All',
    urgentFirst: 'Urgent documents first',
    apply: 'Filter',
    filters: 'Filter sent documents',
    reset: 'Clear',
    search: 'Search',
    searchHint: 'Number/notation or subject',
    number: 'Number',
    subject: 'Subject',
    sent: 'Sent',
    recipients: 'Recipients and status',
    actions: 'Actions',
    empty: 'No documents.',
    more: 'Load more',
    waiting: '{n} document(s) not yet accepted by every recipient',
    recall: 'Recall',
    recallLabel: 'Recall document {number}',
    confirmRecallTitle: 'Recall document {number}?',
    confirmRecallBody: 'A recall request (status 13) goes to the {n} recipient(s) that have not accepted it yet: {names}. Recipients that already accepted or handled it are not affected.',
    recalled: 'Recall of document {number} requested from {n} recipient(s).',
    recallReason: 'Why it is recalled (the recipients will see this)',
  },
});

export default async function outboxPage(ctx: PageContext): Promise<Node> {
  ctx.setTitle(t('title'));
  const q = ctx.query;
  const directory = await agencyDirectory((p) => ctx.api.get(p));

  const { form: filters, apiQuery } = mailboxFilters({
    route: '/outbox',
    query: q,
    label: (k) => t(k),
    formLabel: t('filters'),
    urgentByDefault: false,
    navigate: (path) => ctx.navigate(path),
  });

  const tbody = h('tbody');
  const summary = h('p', { class: 'muted', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', hidden: true, 'data-action': 'load-more' }, t('more'));
  const messages = h('div', { tabindex: -1, 'data-testid': 'outbox-messages' });
  const items: OutboxItem[] = [];

  const query = { ...apiQuery, limit: 50 };

  /** Every recipient's deliveries from the document detail (the sender sees them all). */
  const deliveriesOf = async (id: string): Promise<Delivery[]> => {
    const d = await ctx.api.get<DocumentDetail>(`/documents/${encodeURIComponent(id)}`);
    return d.deliveries.map(({ events: _events, ...delivery }) => delivery);
  };

  let next: string | null = null;
  const load = async () => {
    more.disabled = true;
    try {
      const page = await ctx.api.get<Page<OutboxItem>>('/outbox', { ...query, ...(next ? { after: next } : {}) });
      items.push(...page.items);
      next = page.next;
      more.hidden = !next;
      draw();
    } catch (e) {
      replace(messages, errorNotice(e));
    } finally {
      more.disabled = false;
    }
  };

  const recall = async (item: OutboxItem) => {
    const d = item.document;
    const number = `${d.metadata.codeNumber}/${d.metadata.codeNotation}`;
    const waiting = item.deliveries.filter((x) => x.status === '01');
    const reason = await confirmDialog({
      title: t('confirmRecallTitle', { number }),
      body: t('confirmRecallBody', { n: waiting.length, names: waiting.map((x) => agencyName(directory, x.recipientCode)).join('; ') }),
      confirmLabel: t('recall'),
      danger: true,
      input: { label: t('recallReason'), required: true },
    });
    if (reason === null) return;
    try {
      const r = await ctx.api.post<{ deliveries: Delivery[] }>(`/documents/${encodeURIComponent(d.id)}/recall`, { reason });
      replace(messages, notice('ok', t('recalled', { number, n: r.deliveries.length })));
    } catch (e) {
      replace(messages, errorNotice(e));
    }
    // Either way, show the row as it is now (another recipient may have accepted meanwhile).
    try {
      item.deliveries = await deliveriesOf(d.id);
    } catch (e) {
      messages.append(errorNotice(e));
    }
    draw();
    messages.focus();
  };

  const draw = () => {
    replace(tbody, ...(items.length ? items.map((i) => row(i)) : [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, t('empty')))]));
    summary.textContent = t('waiting', { n: items.filter((i) => i.deliveries.some((x) => awaitsRecipient(x.status))).length });
  };

  const row = (item: OutboxItem): HTMLElement => {
    const d = item.document;
    const number = `${d.metadata.codeNumber}/${d.metadata.codeNotation}`;
    const deliveries = item.deliveries;
    const recallable = deliveries.some((x) => x.status === '01');
    let actions: HTMLElement | null = null;
    if (recallable) {
      actions = h('button', { type: 'button', class: 'danger small-button', 'data-action': 'recall', 'aria-label': t('recallLabel', { number }) }, t('recall'));
      actions.addEventListener('click', () => void recall(item));
    }
    return h(
      'tr',
      { 'data-document-id': d.id, 'data-recallable': String(recallable) },
      h('td', {}, priorityBadge(d.metadata.priority)),
      // On a phone the subject column folds into this one (the copy is display:none otherwise).
      h('td', {}, h('a', { href: `#/documents/${encodeURIComponent(d.id)}` }, number), h('span', { class: 'show-narrow subject-narrow' }, d.metadata.subject)),
      h('td', { class: 'hide-narrow' }, d.metadata.subject),
      h('td', { class: 'hide-narrow' }, h('time', { datetime: d.createdAt }, formatDateTime(d.createdAt))),
      h(
        'td',
        {},
        h('ul', { class: 'recipient-status' }, ...deliveries.map((x) => h('li', { 'data-recipient': x.recipientCode, 'data-status': x.status }, h('span', { class: 'recipient-name' }, agencyName(directory, x.recipientCode)), ' ', statusPill(x.status)))),
      ),
      h('td', {}, actions),
    );
  };

  more.addEventListener('click', () => void load());
  await load();

  return h(
    'section',
    { 'aria-labelledby': 'outbox-title' },
    h('h1', { id: 'outbox-title' }, t('title')),
    filters,
    messages,
    summary,
    h(
      'table',
      { class: 'list cards outbox-list', 'data-testid': 'outbox' },
      tableHead([t('priority'), t('number'), t('subject'), t('sent'), t('recipients'), t('actions')], { hideNarrow: [2, 3] }),
      tbody,
    ),
    h('div', { class: 'pager' }, more),
  );
}

