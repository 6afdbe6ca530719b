// The outgoing register (sổ đăng ký văn bản đi) of the caller's agency: search by year, number,
// text and a date range typed dd/mm/yyyy; the same search exported as CSV by GET /register.csv.
// The filters live in the hash (#/register?year=2026&...), so a reload or a shared link keeps them.
import { dateField } from '../components/date-field.js';
import { notice } from '../components/notice.js';
import { field, h, tableHead } from '../dom.js';
import { defineMessages, formatDateTime } from '../i18n.js';
import type { PageContext } from '../router.js';
import type { Page, RegisterEntry } from '../types.js';

const t = defineMessages({
  vi: {
    title: 'Sổ văn bản đi',
    filters: 'Tìm trong sổ',
    year: 'Năm',
    number: 'Số',
    text: 'Nội dung',
    textHint: 'Trích yếu hoặc số/ký hiệu',
    from: 'Từ ngày',
    to: 'Đến ngày',
    search: 'Tìm',
    reset: 'Bỏ lọc',
    csv: 'Tải về CSV',
    numberCol: 'Số/ký hiệu',
    type: 'Loại',
    subject: 'Trích yếu',
    signer: 'Người ký',
    registered: 'Ngày vào sổ',
    document: 'Văn bản',
    open: 'Xem',
    empty: 'Không có văn bản nào trong sổ.',
    more: 'Còn nữa: thu hẹp tìm kiếm hoặc tải CSV để xem hết.',
  },
  en: {
    title: 'Outgoing register',
    filters: 'Search the register',
    year: 'Year',
    number: 'Number',
    text: 'Text',
    textHint: 'Subject or number/notation',
    from: 'From',
    to: 'To',
    search: 'Search',
    reset: 'Clear',
    csv: 'Download CSV',
    numberCol: 'Number/notation',
    type: 'Type',
    subject: 'Subject',
    signer: 'Signer',
    registered: 'Registered',
    document: 'Document',
    open: 'Open',
    empty: 'No entry in the register.',
    more: 'There are more: narrow the search or download the CSV to see them all.',
  },
});

const KEYS = ['year', 'number', 'text', 'from', 'to'] as const;

export default async function registerPage(ctx: PageContext): Promise<Node> {
  ctx.setTitle(t('title'));
  const q: Record<string, string> = {};
  for (const k of KEYS) {
    const v = ctx.query.get(k);
    if (v) q[k] = v;
  }
  const page = await ctx.api.get<Page<RegisterEntry>>('/register', { ...q, limit: 100 });

  const year = h('input', { type: 'number', name: 'year', min: 1, max: 9999, inputmode: 'numeric', value: q['year'] ?? '', class: 'send-short' });
  const number = h('input', { type: 'number', name: 'number', min: 1, inputmode: 'numeric', value: q['number'] ?? '', class: 'send-short' });
  const text = h('input', { type: 'search', name: 'text', maxlength: 200, value: q['text'] ?? '' });
  const from = dateField(t('from'), { name: 'from', value: q['from'] ?? null });
  const to = dateField(t('to'), { name: 'to', value: q['to'] ?? null });
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('filters'), novalidate: true, 'data-testid': 'register-filters' },
    field(t('year'), year).wrap,
    field(t('number'), number).wrap,
    field(t('text'), text, { hint: t('textHint') }).wrap,
    from.wrap,
    to.wrap,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('search')), h('a', { class: 'button', href: '#/register' }, t('reset'))),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const f = from.iso();
    const tt = to.iso();
    if (f === undefined || tt === undefined) return;
    const next = new URLSearchParams();
    for (const [k, v] of [['year', year.value], ['number', number.value], ['text', text.value.trim()], ['from', f], ['to', tt]] as const) if (v) next.set(k, v);
    const qs = next.toString();
    ctx.navigate(qs ? `/register?${qs}` : '/register');
  });

  const csvQuery = new URLSearchParams(q).toString();
  const csv = h('a', { class: 'button', href: `/api/v1/register.csv${csvQuery ? `?${csvQuery}` : ''}`, download: 'so-van-ban-di.csv', 'data-action': 'register-csv' }, t('csv'));
  const rows = page.items.map((e) =>
    h(
      'tr',
      { 'data-register-number': e.number },
      h('td', {}, `${e.number}/${e.notation}`),
      h('td', { class: 'hide-narrow' }, e.documentType),
      h('td', {}, e.subject),
      h('td', { class: 'hide-narrow' }, e.signerName),
      h('td', {}, h('time', { datetime: e.registeredAt }, formatDateTime(e.registeredAt))),
      h('td', {}, e.documentId ? h('a', { href: `#/documents/${encodeURIComponent(e.documentId)}`, 'aria-label': `${t('open')} ${e.number}/${e.notation}` }, t('open')) : '—'),
    ),
  );
  return h(
    'section',
    { class: 'register-page', 'aria-labelledby': 'register-title', 'data-testid': 'register-page' },
    h('h1', { id: 'register-title' }, t('title')),
    form,
    h('p', {}, csv),
    page.items.length === 0
      ? notice('info', t('empty'))
      : h(
          'div',
          { class: 'table-scroll' },
          h('table', { class: 'list register-table', 'data-testid': 'register-table' }, tableHead([t('numberCol'), t('type'), t('subject'), t('signer'), t('registered'), t('document')], { hideNarrow: [1, 3] }), h('tbody', {}, ...rows)),
        ),
    page.next ? h('p', { class: 'muted' }, t('more')) : null,
  );
}
