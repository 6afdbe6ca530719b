// Lists of drafts, one per role's task: the drafter's own drafts (/drafts), the drafts waiting
// for this signer (/drafts/waiting), the agency's signed drafts a clerk registers, seals and sends
// (/drafts/signed). The service decides what each caller may see; the page only filters.
import { notice } from '../components/notice.js';
import { h, tableHead } from '../dom.js';
import { defineMessages, formatDateTime } from '../i18n.js';
import { draftStatusLabel } from '../labels.js';
import type { PageContext } from '../router.js';
import type { Draft, DraftStatus, Page } from '../types.js';

const t = defineMessages({
  vi: {
    mine: 'Dự thảo của tôi',
    waiting: 'Dự thảo chờ tôi ký',
    signed: 'Văn bản đã ký chờ vào sổ và gửi',
    newDraft: 'Tạo dự thảo mới',
    subject: 'Trích yếu',
    type: 'Loại văn bản',
    status: 'Trạng thái',
    version: 'Phiên bản',
    updated: 'Cập nhật',
    empty: 'Không có dự thảo nào.',
  },
  en: {
    mine: 'My drafts',
    waiting: 'Drafts waiting for my signature',
    signed: 'Signed drafts to register and send',
    newDraft: 'New draft',
    subject: 'Subject',
    type: 'Document type',
    status: 'Status',
    version: 'Version',
    updated: 'Updated',
    empty: 'No draft.',
  },
});

type Mode = 'mine' | 'waiting' | 'signed';

const STATUS_OF: Record<Mode, DraftStatus | undefined> = { mine: undefined, waiting: 'submitted', signed: 'signed' };

export default async function draftsPage(ctx: PageContext): Promise<Node> {
  const path = location.hash.replace(/^#/, '').split('?')[0] ?? '';
  const mode: Mode = path.endsWith('/waiting') ? 'waiting' : path.endsWith('/signed') ? 'signed' : 'mine';
  ctx.setTitle(t(mode));
  const status = STATUS_OF[mode];
  const page = await ctx.api.get<Page<Draft>>('/drafts', { limit: 100, status });
  const me = ctx.me.user.id;
  const items = page.items.filter((d) => (mode === 'mine' ? d.drafterUserId === me : mode === 'waiting' ? d.signerUserId === me : true));
  const rows = items.map((d) =>
    h(
      'tr',
      { 'data-draft-id': d.id },
      h('td', {}, h('a', { href: `#/drafts/${encodeURIComponent(d.id)}` }, d.metadata.subject)),
      h('td', { class: 'hide-narrow' }, d.metadata.documentType),
      h('td', {}, h('span', { class: `pill draft-${d.status}`, 'data-status': d.status }, draftStatusLabel(d.status))),
      h('td', { class: 'hide-narrow' }, String(d.currentVersion)),
      h('td', { class: 'hide-narrow' }, h('time', { datetime: d.updatedAt }, formatDateTime(d.updatedAt))),
    ),
  );
  return h(
    'section',
    { class: 'drafts-page', 'aria-labelledby': 'drafts-title', 'data-testid': `drafts-${mode}` },
    h('h1', { id: 'drafts-title' }, t(mode)),
    mode === 'mine' ? h('p', {}, h('a', { class: 'button primary', href: '#/drafts/new', 'data-action': 'new-draft' }, t('newDraft'))) : null,
    items.length === 0
      ? notice('info', t('empty'))
      : h('table', { class: 'list drafts-table', 'data-testid': 'drafts-table' }, tableHead([t('subject'), t('type'), t('status'), t('version'), t('updated')], { hideNarrow: [1, 3, 4] }), h('tbody', {}, ...rows)),
  );
}
