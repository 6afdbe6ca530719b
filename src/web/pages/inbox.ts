// Inbox: documents delivered to my agency, urgent first (Hỏa tốc, Thượng khẩn, Khẩn), with
// filters (and a text search) that map one to one onto GET /inbox's query, and
// the rows that wait for my agency in bold: arrived (01), a recall to answer (13), kept after a
// recall but not accepted yet (16); status-phase.ts is the one table the counts read.
import { agencyDirectory, agencyName, priorityBadge, statusPill } from '../components/badges.js';
import { mailboxFilters } from '../components/mailbox-filters.js';
import { errorNotice } from '../components/notice.js';
import { h, replace, tableHead } from '../dom.js';
import { defineMessages, formatDateTime } from '../i18n.js';
import type { PageContext } from '../router.js';
import { awaitsRecipient } from '../status-phase.js';
import type { MailboxItem, Page, PickerAgency } from '../types.js';

const t = defineMessages({
  vi: {
    title: 'Văn bản đến',
    status: 'Trạng thái',
    priority: 'Độ khẩn',
    type: 'Loại văn bản',
    sender: 'Nơi gửi',
    from: 'Từ ngày',
    to: 'Đến ngày',
    any: 'Tất cả',
    urgentFirst: 'Văn bản khẩn lên đầu',
    apply: 'Lọc',
    reset: 'Bỏ lọc',
    search: 'Tìm kiếm',
    searchHint: 'Số/ký hiệu hoặc trích yếu',
    number: 'Số/ký hiệu',
    subject: 'Trích yếu',
    received: 'Thời gian nhận',
    empty: 'Không có văn bản nào.',
    more: 'Xem thêm',
    unread: '{n} văn bản chưa xử lý',
    unreadMark: 'Chưa xử lý',
  },
  en: {
    title: 'Inbox',
    status: 'Status',
    priority: 'Urgency',
    type: 'Document type',
    sender: 'Sender',
    from: 'From',
    to: 'To',
    any: 'All',
    urgentFirst: 'Urgent documents first',
    apply: 'Filter',
    reset: 'Clear',
    search: 'Search',
    searchHint: 'Number/notation or subject',
    number: 'Number',
    subject: 'Subject',
    received: 'Received',
    empty: 'No documents.',
    more: 'Load more',
    unread: '{n} document(s) not yet handled',
    unreadMark: 'Not yet handled',
  },
});

export default async function inboxPage(ctx: PageContext): Promise<Node> {
  ctx.setTitle(t('title'));
  const q = ctx.query;
  const directory = await agencyDirectory((p) => ctx.api.get(p));

  const { form: filters, apiQuery } = mailboxFilters({
    route: '/inbox',
    query: q,
    label: (k) => t(k),
    formLabel: t('apply'),
    senders: { label: t('sender'), options: [...directory.values()].map((a) => [a.code, `${a.name} (${a.code})`]) },
    urgentByDefault: true,
    navigate: (path) => ctx.navigate(path),
  });

  const tbody = h('tbody');
  const summary = h('p', { class: 'muted', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', hidden: true }, t('more'));
  const errors = h('div');
  const items: MailboxItem[] = [];

  const query = { ...apiQuery, limit: 50 };
  let next: string | null = null;
  const load = async () => {
    try {
      const page = await ctx.api.get<Page<MailboxItem>>('/inbox', { ...query, ...(next ? { after: next } : {}) });
      items.push(...page.items);
      next = page.next;
      more.hidden = !next;
      draw();
    } catch (e) {
      replace(errors, errorNotice(e));
    }
  };
  const draw = () => {
    replace(tbody, ...(items.length ? items.map((i) => row(i, directory)) : [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, t('empty')))]));
    const unread = items.filter((i) => awaitsRecipient(i.delivery?.status ?? '01')).length;
    summary.textContent = t('unread', { n: unread });
  };
  more.addEventListener('click', () => void load());
  await load();

  return h(
    'section',
    { 'aria-labelledby': 'inbox-title' },
    h('h1', { id: 'inbox-title' }, t('title')),
    filters,
    errors,
    summary,
    h(
      'table',
      { class: 'list cards', 'data-testid': 'inbox' },
      tableHead([t('priority'), t('status'), t('sender'), t('number'), t('subject'), t('received')]),
      tbody,
    ),
    h('div', { class: 'pager' }, more),
  );
}

function row(item: MailboxItem, directory: ReadonlyMap<string, PickerAgency>): HTMLElement {
  const d = item.document;
  const status = item.delivery?.status ?? '01';
  const unread = awaitsRecipient(status);
  return h(
    'tr',
    { class: unread ? 'unread' : null, 'data-document-id': d.id },
    h('td', {}, priorityBadge(d.metadata.priority)),
    h('td', {}, statusPill(status)),
    h('td', {}, agencyName(directory, d.senderCode)),
    h('td', {}, h('a', { href: `#/documents/${d.id}` }, `${d.metadata.codeNumber}/${d.metadata.codeNotation}`), unread ? h('span', { class: 'visually-hidden' }, ` (${t('unreadMark')})`) : null),
    h('td', {}, d.metadata.subject),
    h('td', { class: 'muted small' }, formatDateTime(d.createdAt)),
  );
}

