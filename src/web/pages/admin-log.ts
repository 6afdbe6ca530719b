// The exchange log (admin, auditor): every send, delivery, status change, refusal and admin
// change, hash-chained and sealed. Filters map one to one onto GET /log's query; the same filters
// export the CSV; "verify the log" recomputes the chain and the seals on the server and names the
// first broken link. Only an admin may seal now.
import { confirmDialog } from '../components/dialog.js';
import { dateField } from '../components/date-field.js';
import { errorNotice, notice } from '../components/notice.js';
import { progressBar } from '../components/progress.js';
import { field, formatBytes, h, replace, selectBox, type Child } from '../dom.js';
import { currentLang, defineMessages, formatDateTime } from '../i18n.js';
import { STATUS, statusLabel } from '../labels.js';
import type { PageContext } from '../router.js';
import { vietnamToday } from '../vn-date.js';
import type { Agency, LogEntry, Page, PickerAgency } from '../types.js';

const t = defineMessages({
  vi: {
    title: 'Nhật ký trao đổi văn bản',
    intro: 'Mỗi mục nhật ký được nối chuỗi bằng mã băm với mục trước và định kỳ được niêm phong bằng dấu thời gian; không mục nào có thể bị sửa hay xóa mà không bị phát hiện.',
    agency: 'Cơ quan',
    event: 'Sự kiện',
    documentNumber: 'Số/ký hiệu văn bản',
    documentNumberHint: 'Ví dụ: 55 hoặc NQ/TU',
    status: 'Trạng thái',
    from: 'Từ thời điểm',
    to: 'Đến thời điểm',
    timeHint: 'Giờ Việt Nam',
    any: 'Tất cả',
    apply: 'Lọc',
    reset: 'Bỏ lọc',
    seq: 'STT',
    time: 'Thời gian',
    document: 'Văn bản',
    details: 'Chi tiết',
    hash: 'Mã băm',
    empty: 'Không có mục nhật ký nào khớp bộ lọc.',
    more: 'Xem thêm',
    shown: 'Đang hiển thị {n} mục',
    shownAll: 'Đã hiển thị tất cả {n} mục',
    exportCsv: 'Xuất CSV',
    exporting: 'Đang xuất tệp CSV',
    exported: 'Đã xuất tệp {name} ({size}).',
    verify: 'Kiểm tra chuỗi nhật ký',
    verifying: 'Đang kiểm tra chuỗi nhật ký…',
    verifyOk: 'Chuỗi nhật ký toàn vẹn.',
    verifyOkDetail: 'Đã kiểm tra {n} mục và {s} dấu niêm phong; không phát hiện sửa đổi nào.',
    verifyBad: 'Chuỗi nhật ký đã bị phá vỡ!',
    brokenEntry: 'Liên kết hỏng đầu tiên: mục số {seq} — {reason}',
    brokenSeal: 'Dấu niêm phong hỏng đầu tiên: các mục {from}–{to} (niêm phong {id}) — {reason}',
    checkedBefore: 'Đã kiểm tra {n} mục và {s} dấu niêm phong trước chỗ hỏng.',
    seal: 'Niêm phong ngay',
    sealConfirmTitle: 'Niêm phong nhật ký ngay?',
    sealConfirmBody: 'Các mục ghi từ lần niêm phong trước sẽ được gộp thành cây Merkle và gắn dấu thời gian RFC 3161. Việc này không thể hoàn tác.',
    sealConfirm: 'Niêm phong',
    sealed: 'Đã niêm phong các mục {from}–{to} lúc {at}.',
    nothingToSeal: 'Không có mục mới nào cần niêm phong.',
    seals: 'Các lần niêm phong',
    sealRange: 'Các mục',
    sealedAt: 'Thời điểm niêm phong',
    merkleRoot: 'Gốc Merkle',
    noSeals: 'Chưa có lần niêm phong nào.',
    showSeals: 'Xem các lần niêm phong',
    fullDetails: 'Toàn bộ chi tiết',
    unknownAgency: 'Cơ quan {id}',
    toolbar: 'Thao tác với nhật ký',
  },
  en: {
    title: 'Exchange log',
    intro: 'Each log entry is hash-chained to the previous one and the log is sealed with timestamps, so no entry can be changed or removed unnoticed.',
    agency: 'Agency',
    event: 'Event',
    documentNumber: 'Document number/notation',
    documentNumberHint: 'For example 55 or NQ/TU',
    status: 'Status',
    from: 'From',
    to: 'To',
    timeHint: 'Vietnam time',
    any: 'All',
    apply: 'Filter',
    reset: 'Clear',
    seq: 'Seq',
    time: 'Time',
    document: 'Document',
    details: 'Details',
    hash: 'Hash',
    empty: 'No log entries match the filters.',
    more: 'Load more',
    shown: 'Showing {n} entries',
    shownAll: 'All {n} entries shown',
    exportCsv: 'Export CSV',
    exporting: 'Exporting the CSV',
    exported: 'Exported {name} ({size}).',
    verify: 'Verify the log chain',
    verifying: 'Verifying the log chain…',
    verifyOk: 'The log chain is intact.',
    verifyOkDetail: '{n} entries and {s} seals checked; nothing was altered.',
    verifyBad: 'The log chain is broken!',
    brokenEntry: 'First broken link: entry {seq} — {reason}',
    brokenSeal: 'First broken seal: entries {from}–{to} (seal {id}) — {reason}',
    checkedBefore: '{n} entries and {s} seals checked before the break.',
    seal: 'Seal now',
    sealConfirmTitle: 'Seal the log now?',
    sealConfirmBody: 'The entries written since the last seal are combined into a Merkle tree and timestamped (RFC 3161). This cannot be undone.',
    sealConfirm: 'Seal',
    sealed: 'Sealed entries {from}–{to} at {at}.',
    nothingToSeal: 'There are no new entries to seal.',
    seals: 'Seals',
    sealRange: 'Entries',
    sealedAt: 'Sealed at',
    merkleRoot: 'Merkle root',
    noSeals: 'No seals yet.',
    showSeals: 'Show the seals',
    fullDetails: 'All details',
    unknownAgency: 'Agency {id}',
    toolbar: 'Log actions',
  },
});

/** GET /log's event names (db/ports.ts LOG_EVENTS) with what a reviewer reads. */
const EVENTS: Record<string, readonly [vi: string, en: string]> = {
  'document.sent': ['Gửi văn bản', 'Document sent'],
  'document.delivered': ['Văn bản đến nơi nhận', 'Document delivered'],
  'delivery.status': ['Cập nhật trạng thái', 'Status changed'],
  'document.recall-requested': ['Yêu cầu lấy lại', 'Recall requested'],
  'register.entry': ['Vào sổ văn bản đi', 'Registered in the outgoing register'],
  'send.refused': ['Từ chối gửi', 'Send refused'],
  'access.denied': ['Từ chối truy cập', 'Access denied'],
  'auth.failed': ['Xác thực thất bại', 'Authentication failed'],
  'admin.agency': ['Quản trị: cơ quan', 'Admin: agency'],
  'admin.user': ['Quản trị: người dùng', 'Admin: user'],
  'admin.token': ['Quản trị: mã truy cập', 'Admin: token'],
  'admin.certificate': ['Quản trị: chứng thư số cơ quan', 'Admin: agency certificate'],
  'admin.trust-anchor': ['Quản trị: chứng thư gốc', 'Admin: trust anchor'],
  'admin.crl': ['Quản trị: danh sách thu hồi', 'Admin: CRL'],
  'log.sealed': ['Niêm phong nhật ký', 'Log sealed'],
};
const eventLabel = (e: string): string => {
  const p = EVENTS[e];
  return p ? p[currentLang() === 'en' ? 1 : 0] : e;
};

interface ChainCheck {
  ok: boolean;
  checked: number;
  firstBroken: { seq: number; reason: string } | null;
  seals: { ok: boolean; checked: number; firstBroken: { sealId: string; fromSeq: number; toSeq: number; reason: string } | null };
}

interface LogSeal {
  id: string;
  fromSeq: number;
  toSeq: number;
  merkleRoot: string;
  timestampToken: string;
  sealedAt: string;
}

type AgencyIndex = Map<string, { code: string; name: string }>;

const FILTERS = ['agency', 'event', 'documentNumber', 'status', 'from', 'to'] as const;

export default async function logPage(ctx: PageContext): Promise<Node> {
  ctx.setTitle(t('title'));
  const q = ctx.query;
  const isAdmin = ctx.me.user.role === 'admin';
  const agencies = await agencyIndex(ctx);

  const select = (name: string, options: Array<[string, string]>) => selectBox(name, t('any'), options, q.get(name) ?? '');
  const agencySel = select(
    'agency',
    [...agencies.values()].sort((a, b) => a.code.localeCompare(b.code)).map((a) => [a.code, `${a.name} (${a.code})`]),
  );
  const eventSel = select('event', Object.keys(EVENTS).map((e) => [e, eventLabel(e)]));
  const statusSel = select('status', Object.keys(STATUS).map((c) => [c, statusLabel(c)]));
  const docNumber = h('input', { type: 'text', name: 'documentNumber', maxlength: 50, value: q.get('documentNumber') ?? '' });
  // dd/mm/yyyy [HH:mm] in Vietnam time whatever the browser's locale; the URL keeps ISO.
  const from = dateField(t('from'), { name: 'from', value: q.get('from'), withTime: true });
  const to = dateField(t('to'), { name: 'to', value: q.get('to'), withTime: true });
  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('apply'), 'data-testid': 'log-filters' },
    field(t('agency'), agencySel).wrap,
    field(t('event'), eventSel).wrap,
    field(t('documentNumber'), docNumber, { hint: t('documentNumberHint') }).wrap,
    field(t('status'), statusSel).wrap,
    from.wrap,
    to.wrap,
    h('div', { class: 'field actions' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'filter-log' }, t('apply')), h('a', { class: 'button', href: '#/admin/log' }, t('reset'))),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    const times = { from: from.iso(), to: to.iso() };
    if (times.from === undefined || times.to === undefined) {
      (times.from === undefined ? from : to).control.focus();
      return;
    }
    const params = new URLSearchParams();
    for (const el of [agencySel, eventSel, docNumber, statusSel]) if (el.value.trim()) params.set(el.name, el.value.trim());
    for (const [name, iso] of Object.entries(times)) if (iso) params.set(name, iso);
    ctx.navigate(`/admin/log${params.size ? `?${params}` : ''}`);
  });

  // The API's query: times are ISO with +07:00 (older links may hold a bare yyyy-mm-ddTHH:mm, Vietnam time).
  const query: Record<string, string | undefined> = {};
  for (const name of FILTERS) {
    const v = q.get(name)?.trim();
    if (!v) continue;
    query[name] = name === 'from' || name === 'to' ? withVietnamOffset(v) : v;
  }

  const messages = h('div', { class: 'log-messages' });
  const verifyResult = h('div', { 'data-testid': 'log-verify-result', 'aria-live': 'polite' });
  const exportProgress = progressBar(t('exporting'));
  const tbody = h('tbody');
  const summary = h('p', { class: 'muted', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', hidden: true, 'data-action': 'load-more' }, t('more'));
  const entries: LogEntry[] = [];
  let next: string | null = null;

  const load = async () => {
    more.disabled = true;
    try {
      const page = await ctx.api.get<Page<LogEntry>>('/log', { ...query, limit: 50, ...(next ? { after: next } : {}) });
      entries.push(...page.items);
      next = page.next;
      draw();
    } catch (e) {
      replace(messages, errorNotice(e));
    } finally {
      more.disabled = false;
      more.hidden = !next;
    }
  };
  const draw = () => {
    replace(tbody, ...(entries.length ? entries.map((e) => row(e, agencies)) : [h('tr', {}, h('td', { colspan: 7, class: 'muted' }, t('empty')))]));
    summary.textContent = next ? t('shown', { n: entries.length }) : t('shownAll', { n: entries.length });
  };
  const reload = async () => {
    entries.length = 0;
    next = null;
    await load();
  };
  more.addEventListener('click', () => void load());

  // CSV export with the same filters, through the bearer-authenticated fetch (never a token in a URL).
  const exportBtn = h('button', { type: 'button', 'data-action': 'export-csv' }, t('exportCsv'));
  exportBtn.addEventListener('click', async () => {
    exportBtn.disabled = true;
    replace(messages);
    exportProgress.update(0, 0);
    try {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
      // Column names in the page's language, not the browser's (its Accept-Language may differ).
      params.set('lang', currentLang());
      const { blob } = await ctx.api.download(`/log.csv${params.size ? `?${params}` : ''}`, (loaded, total) => exportProgress.update(loaded, total));
      const name = `nhat-ky-trao-doi-${vietnamToday()}.csv`;
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: name, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      replace(messages, notice('ok', t('exported', { name, size: formatBytes(blob.size) })));
    } catch (e) {
      replace(messages, errorNotice(e));
    } finally {
      exportProgress.done();
      exportBtn.disabled = false;
    }
  });

  const verifyBtn = h('button', { type: 'button', class: 'primary', 'data-action': 'verify-log' }, t('verify'));
  verifyBtn.addEventListener('click', async () => {
    verifyBtn.disabled = true;
    verifyResult.removeAttribute('data-ok');
    replace(verifyResult, h('p', { class: 'loading' }, t('verifying')));
    try {
      const r = await ctx.api.post<ChainCheck>('/log/verify');
      verifyResult.setAttribute('data-ok', String(r.ok));
      replace(verifyResult, verdict(r));
    } catch (e) {
      replace(verifyResult, errorNotice(e));
    } finally {
      verifyBtn.disabled = false;
    }
  });

  const sealsBody = h('div');
  const sealsBox = h('details', { class: 'log-seals', 'data-testid': 'log-seals' }, h('summary', {}, t('showSeals')), sealsBody);
  const loadSeals = async () => {
    try {
      const seals = await ctx.api.get<LogSeal[]>('/log/seals');
      replace(sealsBody, sealsTable(seals));
    } catch (e) {
      replace(sealsBody, errorNotice(e));
    }
  };
  sealsBox.addEventListener('toggle', () => {
    if (sealsBox.open) void loadSeals();
  });

  let sealBtn: HTMLButtonElement | null = null;
  if (isAdmin) {
    const btn = h('button', { type: 'button', 'data-action': 'seal-log' }, t('seal'));
    sealBtn = btn;
    btn.addEventListener('click', async () => {
      if ((await confirmDialog({ title: t('sealConfirmTitle'), body: t('sealConfirmBody'), confirmLabel: t('sealConfirm') })) === null) return;
      btn.disabled = true;
      try {
        const r = await ctx.api.post<{ seal: LogSeal | null }>('/log/seal');
        replace(messages, r.seal ? notice('ok', t('sealed', { from: r.seal.fromSeq, to: r.seal.toSeq, at: formatDateTime(r.seal.sealedAt) })) : notice('info', t('nothingToSeal')));
        await reload();
        if (sealsBox.open) await loadSeals();
      } catch (e) {
        replace(messages, errorNotice(e));
      } finally {
        btn.disabled = false;
      }
    });
  }

  await load();

  return h(
    'section',
    { 'aria-labelledby': 'log-title', 'data-testid': 'admin-log' },
    h('h1', { id: 'log-title' }, t('title')),
    h('p', { class: 'muted' }, t('intro')),
    filters,
    h('div', { class: 'actions', role: 'group', 'aria-label': t('toolbar') }, verifyBtn, exportBtn, sealBtn),
    exportProgress.el,
    verifyResult,
    messages,
    summary,
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'list log-table', 'data-testid': 'log-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...[t('seq'), t('time'), t('event'), t('agency'), t('document'), t('details'), t('hash')].map((c, i) => h('th', { scope: 'col', class: i === 4 || i === 6 ? 'hide-narrow' : null }, c)),
          ),
        ),
        tbody,
      ),
    ),
    h('div', { class: 'pager' }, more),
    sealsBox,
  );
}

function row(e: LogEntry, agencies: AgencyIndex): HTMLElement {
  const agency = e.agencyId ? agencies.get(e.agencyId) : undefined;
  const d = e.details;
  const number = typeof d.codeNumber === 'string' && typeof d.codeNotation === 'string' ? `${d.codeNumber}/${d.codeNotation}` : null;
  return h(
    'tr',
    { 'data-seq': e.seq, 'data-event': e.event },
    h('td', { class: 'num' }, String(e.seq)),
    h('td', {}, formatDateTime(e.at)),
    h('td', {}, h('span', { class: `log-event log-event-${e.event.split('.')[0] ?? ''}` }, eventLabel(e.event)), h('br'), h('code', { class: 'small muted' }, e.event)),
    h('td', {}, agency ? h('span', { title: agency.code }, agency.name) : e.agencyId ? h('code', { class: 'small' }, e.agencyId.slice(0, 8)) : '—'),
    h('td', { class: 'hide-narrow' }, number ? h('span', {}, number) : null, e.documentId ? [number ? h('br') : null, h('code', { class: 'small muted', title: e.documentId }, e.documentId.slice(0, 8))] : number ? null : '—'),
    h('td', { class: 'log-details' }, detailsCell(e)),
    h('td', { class: 'hide-narrow' }, h('code', { title: e.hash, class: 'small' }, e.hash.slice(0, 12))),
  );
}

/** One line of the details that matter, and the whole object (as text) behind a disclosure. */
function detailsCell(e: LogEntry): Child[] {
  const d = e.details;
  const parts: string[] = [];
  const str = (k: string) => (typeof d[k] === 'string' || typeof d[k] === 'number' || typeof d[k] === 'boolean' ? String(d[k]) : null);
  if (str('action')) parts.push(str('action')!);
  if (str('from') && str('to')) parts.push(`${str('from')} → ${str('to')}`);
  else if (str('status')) parts.push(str('status')!);
  if (str('code')) parts.push(str('code')!);
  if (str('agencyCode')) parts.push(str('agencyCode')!);
  if (str('recipientCode')) parts.push(str('recipientCode')!);
  if (Array.isArray(d.recipients)) parts.push(d.recipients.map(String).join(', '));
  if (str('name')) parts.push(str('name')!);
  if (str('role')) parts.push(str('role')!);
  if (str('label')) parts.push(str('label')!);
  if (str('what')) parts.push(str('what')!);
  if (str('reason')) parts.push(str('reason')!);
  if (str('code') === null && str('errorCode')) parts.push(str('errorCode')!);
  if (str('subject')) parts.push(str('subject')!);
  if (str('issuer')) parts.push(str('issuer')!);
  if (str('fromSeq') && str('toSeq')) parts.push(`#${str('fromSeq')}–#${str('toSeq')}`);
  const line = parts.join(' · ') || Object.keys(d).slice(0, 4).join(', ') || '—';
  const keys = Object.keys(d);
  if (keys.length === 0) return [line];
  return [h('details', {}, h('summary', {}, truncate(line, 120)), h('pre', { class: 'log-json' }, JSON.stringify(d, null, 2)))];
}

function verdict(r: ChainCheck): HTMLElement {
  if (r.ok) {
    return h(
      'div',
      { class: 'verdict verdict-ok', role: 'status' },
      h('p', {}, h('strong', {}, `✓ ${t('verifyOk')}`)),
      h('p', {}, t('verifyOkDetail', { n: r.checked, s: r.seals.checked })),
    );
  }
  const lines: HTMLElement[] = [h('p', {}, h('strong', {}, `✗ ${t('verifyBad')}`))];
  if (r.firstBroken) lines.push(h('p', { 'data-broken-seq': r.firstBroken.seq }, t('brokenEntry', { seq: r.firstBroken.seq, reason: r.firstBroken.reason })));
  const sb = r.seals.firstBroken;
  if (sb) lines.push(h('p', { 'data-broken-seal': sb.sealId }, t('brokenSeal', { from: sb.fromSeq, to: sb.toSeq, id: sb.sealId.slice(0, 8), reason: sb.reason })));
  lines.push(h('p', { class: 'small' }, t('checkedBefore', { n: r.checked, s: r.seals.checked })));
  return h('div', { class: 'verdict verdict-bad', role: 'alert' }, ...lines);
}

function sealsTable(seals: LogSeal[]): HTMLElement {
  if (!seals.length) return h('p', { class: 'muted' }, t('noSeals'));
  return h(
    'table',
    { class: 'list compact' },
    h('caption', { class: 'visually-hidden' }, t('seals')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('sealRange')), h('th', { scope: 'col' }, t('sealedAt')), h('th', { scope: 'col' }, t('merkleRoot')))),
    h(
      'tbody',
      {},
      ...[...seals].reverse().map((s) =>
        h('tr', { 'data-seal-id': s.id }, h('td', {}, `${s.fromSeq}–${s.toSeq}`), h('td', {}, formatDateTime(s.sealedAt)), h('td', {}, h('code', { title: s.merkleRoot }, s.merkleRoot.slice(0, 16)))),
      ),
    ),
  );
}

/**
 * Agency ids (the log's agencyId) to names. An admin reads GET /admin/agencies (every agency); an
 * auditor may not, and reads the directory of active agencies (GET /agencies): an entry of an
 * agency deactivated since shows its id.
 */
async function agencyIndex(ctx: PageContext): Promise<AgencyIndex> {
  const list = ctx.me.user.role === 'admin' ? await ctx.api.get<Agency[]>('/admin/agencies') : await ctx.api.get<PickerAgency[]>('/agencies');
  return new Map(list.map((a) => [a.id, { code: a.code, name: a.name }]));
}

/** datetime-local gives "2025-03-01T08:30" in Vietnam time for these users; the API wants an offset. */
function withVietnamOffset(v: string): string {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v)) return `${v}:00+07:00`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(v)) return `${v}+07:00`;
  return v;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
