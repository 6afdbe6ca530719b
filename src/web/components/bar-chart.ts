// Horizontal grouped bar charts drawn by hand in SVG (no library). Coordinates along the value
// axis are percentages of the chart's width, so the text keeps its real size on a phone and on a
// wide screen alike. Every chart carries a <title>/<desc> and the same numbers as a table in a
// <details>, for screen readers and for anyone who wants the exact figures.
import { h } from '../dom.js';
import { defineMessages } from '../i18n.js';

const t = defineMessages({
  vi: { table: 'Xem bảng số liệu', noData: 'không có dữ liệu', target: 'Mục tiêu', legend: 'Chú giải' },
  en: { table: 'Show the figures as a table', noData: 'no data', target: 'Target', legend: 'Legend' },
});

const SVG = 'http://www.w3.org/2000/svg';

export interface BarSeries {
  name: string;
  /** null: no figure (e.g. a share whose denominator is 0). */
  values: ReadonlyArray<number | null>;
  /** The bar colour (a CSS class bar-<tone>); by default blue, teal, then amber by position. */
  tone?: 'blue' | 'teal' | 'green' | 'red' | 'amber';
}

const TONES = ['blue', 'teal', 'amber'] as const;
const toneOf = (s: BarSeries, i: number): string => s.tone ?? TONES[i % TONES.length] ?? 'blue';

export interface BarChartOptions {
  title: string;
  /** One sentence saying what the bars show, read with the title. */
  description: string;
  /** The header of the categories column in the fallback table (e.g. "Cấp", "Cơ quan"). */
  categoryHeader: string;
  /** Drawn above each bar group: keep them short (a phone is ~22 em wide). */
  categories: readonly string[];
  /** The full name of each category (e.g. with the agency code), for the table and tooltips. */
  categoryDetails?: readonly string[];
  series: readonly BarSeries[];
  format: (v: number) => string;
  /** The end of the value axis; by default the largest value (at least 1). */
  max?: number;
  /** A dashed line across every bar group (e.g. 100% for a target). */
  target?: { value: number; label: string };
  testid?: string;
}

const ROW_LABEL = 20;
const BAR = 16;
const BAR_GAP = 3;
const GROUP_GAP = 14;
const TOP = 22;
const BOTTOM = 8;
/** The plot takes this share of the width; the rest holds the value labels past the bar ends. */
const PLOT = 82;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: Array<Node | string>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

let chartCounter = 0;

export function barChart(opts: BarChartOptions): HTMLElement {
  chartCounter += 1;
  const id = `chart-${chartCounter}`;
  const all = opts.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const max = opts.max ?? Math.max(1, ...all, opts.target?.value ?? 0);
  const x = (v: number) => `${Math.min(100, Math.max(0, (v / max) * PLOT)).toFixed(2)}%`;
  const groupHeight = ROW_LABEL + opts.series.length * (BAR + BAR_GAP) + GROUP_GAP;
  const height = TOP + opts.categories.length * groupHeight + BOTTOM;

  const root = svg('svg', { role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`, width: '100%', height, class: 'bar-chart-svg' });
  root.append(svg('title', { id: `${id}-title` }, opts.title), svg('desc', { id: `${id}-desc` }, opts.description));

  // Grid: 0, ¼, ½, ¾ and the end of the axis, labelled along the top.
  const grid = svg('g', { class: 'grid', 'aria-hidden': 'true' });
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    const v = max * f;
    grid.append(
      svg('line', { x1: x(v), x2: x(v), y1: TOP - 4, y2: height - BOTTOM, class: f === 0 ? 'axis' : 'gridline' }),
      svg('text', { x: x(v), y: TOP - 8, 'text-anchor': f === 0 ? 'start' : 'middle', class: 'tick' }, opts.format(v)),
    );
  }
  root.append(grid);

  opts.categories.forEach((category, ci) => {
    const y0 = TOP + ci * groupHeight;
    const g = svg('g', { class: 'group' });
    const full = opts.categoryDetails?.[ci] ?? category;
    g.append(svg('text', { x: 4, y: y0 + ROW_LABEL - 6, class: 'cat' }, category, svg('title', {}, full)));
    opts.series.forEach((s, si) => {
      const v = s.values[ci] ?? null;
      const y = y0 + ROW_LABEL + si * (BAR + BAR_GAP);
      const label = `${full} · ${s.name}: ${v === null ? t('noData') : opts.format(v)}`;
      if (v === null) {
        g.append(svg('text', { x: 4, y: y + BAR - 4, class: 'value nodata' }, `${s.name}: ${t('noData')}`));
        return;
      }
      // A non-zero value keeps a sliver of a bar, so it never reads as zero.
      const width = v > 0 && (v / max) * PLOT < 0.6 ? '0.6%' : x(v);
      const rect = svg('rect', { x: 0, y, width, height: BAR, class: `bar bar-${toneOf(s, si)}` }, svg('title', {}, label));
      const text = svg('text', { x: x(v), dx: 5, y: y + BAR - 4, class: 'value' }, opts.format(v));
      g.append(rect, text);
    });
    root.append(g);
  });

  if (opts.target) {
    const tx = x(opts.target.value);
    root.append(
      svg(
        'g',
        { class: 'target-group' },
        svg('line', { x1: tx, x2: tx, y1: TOP - 4, y2: height - BOTTOM, class: 'target' }, svg('title', {}, `${t('target')}: ${opts.target.label}`)),
      ),
    );
  }

  const legend =
    opts.series.length > 1 || opts.target
      ? h(
          'ul',
          { class: 'chart-legend', 'aria-label': t('legend') },
          ...opts.series.map((s, si) => h('li', {}, h('span', { class: `swatch swatch-${toneOf(s, si)}`, 'aria-hidden': 'true' }), s.name)),
          opts.target ? h('li', {}, h('span', { class: 'swatch swatch-target', 'aria-hidden': 'true' }), `${t('target')}: ${opts.target.label}`) : null,
        )
      : null;

  const table = h(
    'table',
    { class: 'list compact' },
    h('caption', { class: 'visually-hidden' }, opts.title),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, opts.categoryHeader), ...opts.series.map((s) => h('th', { scope: 'col', class: 'num' }, s.name)))),
    h(
      'tbody',
      {},
      ...opts.categories.map((c, ci) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, opts.categoryDetails?.[ci] ?? c),
          ...opts.series.map((s) => {
            const v = s.values[ci] ?? null;
            return h('td', { class: 'num' }, v === null ? '—' : opts.format(v));
          }),
        ),
      ),
    ),
  );

  return h(
    'figure',
    { class: 'chart bar-chart', 'data-testid': opts.testid ?? null },
    h('figcaption', {}, h('h3', {}, opts.title), h('p', { class: 'muted small' }, opts.description)),
    legend,
    root,
    h('details', { class: 'chart-table' }, h('summary', {}, t('table')), table),
  );
}
