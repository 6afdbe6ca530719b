// Inbox: documents delivered to my agency, urgent first (Hỏa tốc, Thượng khẩn, Khẩn), with
// filters (and a text search) that map one to one onto GET /inbox's query, and
// "unread" rows (status 01: arrived, nobody has acted on it yet) in bold.
import { agencyDirectory, agencyName, priorityBadge, statusPill } from '../components/badges.js';
import { errorNotice } from '../components/notice.js';
import { field, h, replace, selectBox, tableHead } from '../dom.js';
import { defineMessages, formatDateTime } from '../i18n.js';
import { DOCUMENT_TYPES, PRIORITY, STATUS, priorityLabel, statusLabel } from '../labels.js';
import type { PageContext } from '../router.js';
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

  const select = (name: string, options: Array<[string, string]>) => selectBox(name, t('any'), options, q.get(name) ?? '');
  const status = select('status', Object.keys(STATUS).map((c) => [c, statusLabel(c)]));
  const priority = select('priority', Object.keys(PRIORITY).map((p) => [p, priorityLabel(Number(p))]));
  const type = select('type', DOCUMENT_TYPES.map(([name]) => [name, name]));
  const sender = select('sender', [...directory.values()].map((a) => [a.code, `${a.name} (${a.code})`]));
  const from = h('input', { type: 'date', name: 'from', value: q.get('from') ?? '' });
  const to = h('input', { type: 'date', name: 'to', value: q.get('to') ?? '' });
  const urgent = h('input', { type: 'checkbox', name: 'urgentFirst', checked: q.get('urgentFirst') !== 'false' });
  const search = h('input', { type: 'search', name: 'q', maxlength: 200, value: q.get('q') ?? '' });
  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('apply') },
    field(t('search'), search, { hint: t('searchHint') }).wrap,
    field(t('status'), status).wrap,
    field(t('priority'), priority).wrap,
    field(t('type'), type).wrap,
    field(t('sender'), sender).wrap,
    field(t('from'), from).wrap,
    field(t('to'), to).wrap,
    h('div', { class: 'field' }, h('label', {}, urgent, ' ', t('urgentFirst'))),
    h('div', { class: 'field actions' }, h('button', { type: 'submit', class: 'primary' }, t('apply')), h('a', { class: 'button', href: '#/inbox' }, t('reset'))),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    const params = new URLSearchParams();
    for (const el of [search, status, priority, type, sender, from, to]) if (el.value.trim()) params.set(el.name, el.value.trim());
    if (!urgent.checked) params.set('urgentFirst', 'false');
    ctx.navigate(`/inbox${params.size ? `?${params}` : ''}`);
  });

  const tbody = h('tbody');
  const summary = h('p', { class: 'muted', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', hidden: true }, t('more'));
  const errors = h('div');
  const items: MailboxItem[] = [];

  const query = {
    status: q.get('status') ?? undefined,
    priority: q.get('priority') ?? undefined,
    type: q.get('type') ?? undefined,
    sender: q.get('sender') ?? undefined,
    q: q.get('q') ?? undefined,
    from: q.get('from') ?? undefined,
    to: q.get('to') ?? undefined,
    urgentFirst: q.get('urgentFirst') !== 'false',
    limit: 50,
  };
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
    const unread = items.filter((i) => i.delivery?.status === '01').length;
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
  const unread = status === '01';
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

