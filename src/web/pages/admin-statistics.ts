// Statistics (admin, auditor): the province's figures behind the targets of the provincial
// resolutions (docs/domain.md): documents sent and received, how many were accepted or rejected,
// how fast, and how many carry both the signer's and the agency's signature (Decree 30/2020,
// art. 5: "100% of documents between agencies electronic and digitally signed, except classified
// ones"). KPI tiles for the province, then bar charts per level and per agency, each with its
// numbers as a table.
import { barChart } from '../components/bar-chart.js';
import { dateField } from '../components/date-field.js';
import { errorNotice } from '../components/notice.js';
import { h, replace, showFieldError, type Child } from '../dom.js';
import { currentLang, defineMessages, formatDateTime } from '../i18n.js';
import { levelLabel } from '../labels.js';
import type { PageContext } from '../router.js';

const t = defineMessages({
  vi: {
    title: 'Thống kê liên thông văn bản',
    from: 'Từ ngày',
    to: 'Đến ngày',
    apply: 'Xem thống kê',
    reset: 'Toàn bộ thời gian',
    range: 'Khoảng thời gian: {from} – {to}',
    rangeAll: 'Toàn bộ thời gian',
    rangeStart: 'từ đầu',
    rangeNow: 'nay',
    rangeHint: 'Tính các văn bản gửi trong khoảng này (theo giờ Việt Nam).',
    toBeforeFrom: 'Ngày kết thúc phải sau ngày bắt đầu.',
    province: 'Toàn tỉnh',
    kpiSigned: 'Văn bản có đủ chữ ký số người ký và cơ quan',
    kpiSignedTarget: 'Mục tiêu: 100% (trừ văn bản mật)',
    met: 'Đạt mục tiêu',
    missed: 'Chưa đạt mục tiêu',
    noData: 'Chưa có dữ liệu',
    kpiSent: 'Văn bản đã gửi',
    kpiReceived: 'Lượt nhận',
    kpiAccepted: 'Tỷ lệ đã tiếp nhận',
    kpiRejected: 'Tỷ lệ từ chối tiếp nhận',
    kpiMedian: 'Thời gian tiếp nhận (trung vị)',
    kpiClassified: 'Văn bản mật bị từ chối',
    kpiClassifiedHint: 'Văn bản mật phải gửi qua kênh cơ yếu; trục từ chối và ghi nhật ký.',
    signedOf: '{n}/{total} văn bản',
    acceptedOf: '{n}/{total} lượt nhận',
    rejectedOf: '{n}/{total} lượt nhận',
    byLevel: 'Theo cấp hành chính',
    byAgency: 'Theo cơ quan',
    level: 'Cấp',
    agency: 'Cơ quan',
    sent: 'Đã gửi',
    received: 'Đã nhận',
    accepted: 'Đã tiếp nhận',
    rejected: 'Từ chối',
    acceptedShare: 'Tỷ lệ tiếp nhận',
    rejectedShare: 'Tỷ lệ từ chối',
    median: 'Thời gian tiếp nhận (trung vị)',
    signedBoth: 'Đủ hai chữ ký',
    signedBothShare: 'Tỷ lệ đủ hai chữ ký',
    classified: 'Từ chối văn bản mật',
    chartVolume: 'Văn bản gửi và nhận',
    chartVolumeDesc: 'Số văn bản đã gửi và số lượt nhận của {what}.',
    chartAccepted: 'Tỷ lệ tiếp nhận và từ chối',
    chartAcceptedDesc: 'Phần lượt nhận đã được tiếp nhận (03–06) và bị từ chối (02) của {what}; văn bản đang chờ (01, 13, 16) không thuộc phần nào.',
    chartMedian: 'Thời gian từ khi đến tới khi tiếp nhận',
    chartMedianDesc: 'Trung vị thời gian từ lúc văn bản đến tới lần tiếp nhận đầu tiên (03) của {what}.',
    chartSigned: 'Tỷ lệ văn bản có đủ hai chữ ký số',
    chartSignedDesc: 'Phần văn bản đã gửi có chữ ký người có thẩm quyền trước chữ ký cơ quan, của {what}; đường nét đứt là mục tiêu 100%.',
    whatLevels: 'từng cấp',
    whatAgencies: 'từng cơ quan',
    fullTable: 'Bảng số liệu đầy đủ',
    empty: 'Chưa có cơ quan nào có số liệu trong khoảng này.',
    second: '{n} giây',
    minute: '{n} phút',
    hour: '{n} giờ',
    day: '{n} ngày',
  },
  en: {
    title: 'Exchange statistics',
    from: 'From',
    to: 'To',
    apply: 'Show statistics',
    reset: 'All time',
    range: 'Period: {from} – {to}',
    rangeAll: 'All time',
    rangeStart: 'the beginning',
    rangeNow: 'now',
    rangeHint: 'Counts the documents sent in this period (Vietnam time).',
    toBeforeFrom: 'The end date must be after the start date.',
    province: 'Whole province',
    kpiSigned: 'Documents signed by both the signer and the agency',
    kpiSignedTarget: 'Target: 100% (classified documents excepted)',
    met: 'Target met',
    missed: 'Target missed',
    noData: 'No data yet',
    kpiSent: 'Documents sent',
    kpiReceived: 'Deliveries received',
    kpiAccepted: 'Accepted share',
    kpiRejected: 'Rejected share',
    kpiMedian: 'Time to acceptance (median)',
    kpiClassified: 'Classified documents refused',
    kpiClassifiedHint: 'Classified documents must go through the cipher channel; the axis refuses and logs them.',
    signedOf: '{n} of {total} documents',
    acceptedOf: '{n} of {total} deliveries',
    rejectedOf: '{n} of {total} deliveries',
    byLevel: 'By administrative level',
    byAgency: 'By agency',
    level: 'Level',
    agency: 'Agency',
    sent: 'Sent',
    received: 'Received',
    accepted: 'Accepted',
    rejected: 'Rejected',
    acceptedShare: 'Accepted share',
    rejectedShare: 'Rejected share',
    median: 'Time to acceptance (median)',
    signedBoth: 'Signed by both',
    signedBothShare: 'Signed-by-both share',
    classified: 'Classified refusals',
    chartVolume: 'Documents sent and received',
    chartVolumeDesc: 'Documents sent and deliveries received, {what}.',
    chartAccepted: 'Accepted and rejected shares',
    chartAcceptedDesc: 'Share of deliveries accepted (03–06) and rejected (02), {what}; those still waiting (01, 13, 16) are in neither.',
    chartMedian: 'Time from arrival to acceptance',
    chartMedianDesc: 'Median time from a document’s arrival to its first acceptance (03), {what}.',
    chartSigned: 'Share of documents carrying both signatures',
    chartSignedDesc: 'Share of sent documents with the competent signer’s signature before the agency seal, {what}; the dashed line is the 100% target.',
    whatLevels: 'per level',
    whatAgencies: 'per agency',
    fullTable: 'All figures',
    empty: 'No agency has figures in this period.',
    second: '{n} s',
    minute: '{n} min',
    hour: '{n} h',
    day: '{n} d',
  },
});

type Level = 'central' | 'province' | 'district' | 'commune';

interface Figures {
  sent: number;
  received: number;
  accepted: number;
  rejected: number;
  acceptedShare: number | null;
  rejectedShare: number | null;
  medianSecondsToAcceptance: number | null;
  signedByBoth: number;
  signedByBothShare: number | null;
  classifiedRefusals: number;
}

interface Statistics {
  range: { from: string | null; to: string | null };
  agencies: Array<Figures & { code: string; name: string; level: Level }>;
  levels: Array<Figures & { level: Level }>;
  total: Figures;
}

const LEVEL_ORDER: Level[] = ['central', 'province', 'district', 'commune'];
/** Decree 30/2020 art. 5 as the provincial resolutions state it: every document signed by both. */
const SIGNED_TARGET = 1;

export default async function statisticsPage(ctx: PageContext): Promise<Node> {
  ctx.setTitle(t('title'));
  const q = ctx.query;
  // dd/mm/yyyy whatever the browser's locale; the URL and the API keep yyyy-mm-dd.
  const fromField = dateField(t('from'), { name: 'from', value: q.get('from') });
  const toField = dateField(t('to'), { name: 'to', value: q.get('to') });
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('apply'), 'data-testid': 'statistics-range' },
    fromField.wrap,
    toField.wrap,
    h('div', { class: 'field actions' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'apply-range' }, t('apply')), h('a', { class: 'button', href: '#/admin/statistics' }, t('reset'))),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const from = fromField.iso();
    const to = toField.iso();
    if (from === undefined || to === undefined) {
      (from === undefined ? fromField : toField).control.focus();
      return;
    }
    if (from && to && to < from) {
      showFieldError(toField, t('toBeforeFrom'));
      toField.control.focus();
      return;
    }
    const params = new URLSearchParams();
    if (from) params.set('from', from);
    if (to) params.set('to', to);
    ctx.navigate(`/admin/statistics${params.size ? `?${params}` : ''}`);
  });

  const body = h('div', { 'aria-live': 'polite' });
  try {
    const stats = await ctx.api.get<Statistics>('/statistics', { from: q.get('from') ?? undefined, to: q.get('to') ?? undefined });
    replace(body, ...renderStatistics(stats));
  } catch (e) {
    replace(body, errorNotice(e));
  }

  return h('section', { 'aria-labelledby': 'statistics-title', 'data-testid': 'statistics' }, h('h1', { id: 'statistics-title' }, t('title')), form, h('p', { class: 'hint' }, t('rangeHint')), body);
}

function renderStatistics(s: Statistics): Child[] {
  const rangeText =
    !s.range.from && !s.range.to ? t('rangeAll') : t('range', { from: s.range.from ? formatDateTime(s.range.from) : t('rangeStart'), to: s.range.to ? formatDateTime(s.range.to) : t('rangeNow') });
  const levels = LEVEL_ORDER.map((l) => s.levels.find((x) => x.level === l)).filter((x): x is Statistics['levels'][number] => x !== undefined);
  const agencies = [...s.agencies].sort((a, b) => LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level) || a.code.localeCompare(b.code));
  const levelRows = levels.map((l) => ({ label: levelLabel(l.level), short: levelLabel(l.level), f: l as Figures }));
  const agencyRows = agencies.map((a) => ({ label: `${a.name} (${a.code})`, short: a.name, f: a as Figures }));
  return [
    h('p', { class: 'muted', 'data-testid': 'statistics-period' }, rangeText),
    h('h2', {}, t('province')),
    kpis(s.total),
    h('h2', {}, t('byLevel')),
    levelRows.length ? charts(levelRows, t('level'), t('whatLevels'), 'level') : h('p', { class: 'muted' }, t('empty')),
    levelRows.length ? fullTable(levelRows, t('level'), 'statistics-levels-table') : null,
    h('h2', {}, t('byAgency')),
    agencyRows.length ? charts(agencyRows, t('agency'), t('whatAgencies'), 'agency') : h('p', { class: 'muted' }, t('empty')),
    agencyRows.length ? fullTable(agencyRows, t('agency'), 'statistics-agencies-table') : null,
  ];
}

function kpis(total: Figures): HTMLElement {
  const share = total.signedByBothShare;
  const state = share === null ? 'nodata' : share >= SIGNED_TARGET ? 'met' : 'missed';
  const signed = h(
    'div',
    { class: `kpi kpi-target ${state === 'nodata' ? '' : state}`, 'data-testid': 'kpi-signed-by-both', 'data-kpi-state': state },
    h('p', { class: 'kpi-label' }, t('kpiSigned')),
    h('p', { class: 'value' }, share === null ? '—' : percent(share)),
    h('p', { class: 'small' }, t('signedOf', { n: total.signedByBoth, total: total.sent })),
    h('p', { class: 'small' }, t('kpiSignedTarget')),
    h('p', { class: `kpi-verdict kpi-verdict-${state}` }, state === 'met' ? `✓ ${t('met')}` : state === 'missed' ? `✗ ${t('missed')}` : t('noData')),
  );
  const tile = (label: string, value: string, sub: string | null, testid: string) =>
    h('div', { class: 'kpi', 'data-testid': testid }, h('p', { class: 'kpi-label' }, label), h('p', { class: 'value' }, value), sub ? h('p', { class: 'small' }, sub) : null);
  return h(
    'div',
    { class: 'kpis', 'data-testid': 'kpis' },
    signed,
    tile(t('kpiSent'), count(total.sent), null, 'kpi-sent'),
    tile(t('kpiReceived'), count(total.received), null, 'kpi-received'),
    tile(t('kpiAccepted'), total.acceptedShare === null ? '—' : percent(total.acceptedShare), t('acceptedOf', { n: total.accepted, total: total.received }), 'kpi-accepted'),
    tile(t('kpiRejected'), total.rejectedShare === null ? '—' : percent(total.rejectedShare), t('rejectedOf', { n: total.rejected, total: total.received }), 'kpi-rejected'),
    tile(t('kpiMedian'), total.medianSecondsToAcceptance === null ? '—' : duration(total.medianSecondsToAcceptance), null, 'kpi-median'),
    tile(t('kpiClassified'), count(total.classifiedRefusals), t('kpiClassifiedHint'), 'kpi-classified'),
  );
}

function charts(rows: Array<{ label: string; short: string; f: Figures }>, header: string, what: string, key: string): HTMLElement {
  const labels = rows.map((r) => r.short);
  const details = rows.map((r) => r.label);
  const col = (pick: (f: Figures) => number | null) => rows.map((r) => pick(r.f));
  const medians = col((f) => f.medianSecondsToAcceptance);
  return h(
    'div',
    { class: 'chart-grid' },
    barChart({
      title: t('chartVolume'),
      description: t('chartVolumeDesc', { what }),
      categoryHeader: header,
      categories: labels,
      categoryDetails: details,
      series: [
        { name: t('sent'), values: col((f) => f.sent) },
        { name: t('received'), values: col((f) => f.received) },
      ],
      format: count,
      max: niceCountMax(Math.max(0, ...rows.flatMap((r) => [r.f.sent, r.f.received]))),
      testid: `chart-${key}-volume`,
    }),
    barChart({
      title: t('chartAccepted'),
      description: t('chartAcceptedDesc', { what }),
      categoryHeader: header,
      categories: labels,
      categoryDetails: details,
      series: [
        { name: t('acceptedShare'), values: col((f) => f.acceptedShare), tone: 'green' },
        { name: t('rejectedShare'), values: col((f) => f.rejectedShare), tone: 'red' },
      ],
      format: percent,
      max: 1,
      testid: `chart-${key}-accepted`,
    }),
    barChart({
      title: t('chartMedian'),
      description: t('chartMedianDesc', { what }),
      categoryHeader: header,
      categories: labels,
      categoryDetails: details,
      series: [{ name: t('median'), values: medians }],
      format: duration,
      max: niceDurationMax(Math.max(60, ...medians.filter((v): v is number => v !== null))),
      testid: `chart-${key}-median`,
    }),
    barChart({
      title: t('chartSigned'),
      description: t('chartSignedDesc', { what }),
      categoryHeader: header,
      categories: labels,
      categoryDetails: details,
      series: [{ name: t('signedBothShare'), values: col((f) => f.signedByBothShare) }],
      format: percent,
      max: 1,
      target: { value: SIGNED_TARGET, label: percent(SIGNED_TARGET) },
      testid: `chart-${key}-signed`,
    }),
  );
}

function fullTable(rows: Array<{ label: string; f: Figures }>, header: string, testid: string): HTMLElement {
  const cols: Array<[string, (f: Figures) => string]> = [
    [t('sent'), (f) => count(f.sent)],
    [t('received'), (f) => count(f.received)],
    [t('accepted'), (f) => count(f.accepted)],
    [t('acceptedShare'), (f) => (f.acceptedShare === null ? '—' : percent(f.acceptedShare))],
    [t('rejected'), (f) => count(f.rejected)],
    [t('rejectedShare'), (f) => (f.rejectedShare === null ? '—' : percent(f.rejectedShare))],
    [t('median'), (f) => (f.medianSecondsToAcceptance === null ? '—' : duration(f.medianSecondsToAcceptance))],
    [t('signedBoth'), (f) => count(f.signedByBoth)],
    [t('signedBothShare'), (f) => (f.signedByBothShare === null ? '—' : percent(f.signedByBothShare))],
    [t('classified'), (f) => count(f.classifiedRefusals)],
  ];
  return h(
    'details',
    { class: 'full-table' },
    h('summary', {}, t('fullTable')),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'list compact', 'data-testid': testid },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, header), ...cols.map(([c]) => h('th', { scope: 'col', class: 'num' }, c)))),
        h(
          'tbody',
          {},
          ...rows.map((r) => {
            const missed = r.f.signedByBothShare !== null && r.f.signedByBothShare < SIGNED_TARGET;
            return h('tr', { class: missed ? 'row-missed' : null }, h('th', { scope: 'row' }, r.label), ...cols.map(([, v]) => h('td', { class: 'num' }, v(r.f))));
          }),
        ),
      ),
    ),
  );
}

const locale = () => (currentLang() === 'vi' ? 'vi-VN' : 'en-GB');

function count(n: number): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: 0 }).format(n);
}

function percent(share: number): string {
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

/** 45 giây, 12 phút, 3 giờ 20 phút, 2 ngày 4 giờ. */
function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return t('second', { n: s });
  const minutes = Math.round(s / 60);
  if (minutes < 60) return t('minute', { n: minutes });
  const hours = Math.floor(minutes / 60);
  const restMin = minutes % 60;
  if (hours < 24) return restMin ? `${t('hour', { n: hours })} ${t('minute', { n: restMin })}` : t('hour', { n: hours });
  const days = Math.floor(hours / 24);
  const restH = hours % 24;
  return restH ? `${t('day', { n: days })} ${t('hour', { n: restH })}` : t('day', { n: days });
}

/** A multiple of 4, so the ¼ ticks of a count axis fall on whole numbers. */
function niceCountMax(n: number): number {
  if (n <= 4) return 4;
  const step = 10 ** Math.floor(Math.log10(n / 4));
  for (const m of [1, 2, 2.5, 5, 10]) if (4 * m * step >= n) return 4 * m * step;
  return Math.ceil(n / 4) * 4;
}

/** A round end for the time axis, so its ¼ ticks read as whole minutes, hours or days. */
function niceDurationMax(seconds: number): number {
  const steps = [60, 300, 600, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 86400, 2 * 86400, 4 * 86400, 7 * 86400, 14 * 86400, 28 * 86400];
  return steps.find((s) => s >= seconds) ?? Math.ceil(seconds / 86400) * 86400;
}
