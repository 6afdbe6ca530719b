// Click-to-place: the draft's PDF drawn with pdf.js, and a click on a page chooses where a widget
// goes (the signer's signature image, the register number "Số: ..."). The click is the centre of
// a rectangle of a default size, kept inside the page and converted to PDF points from the page's
// lower-left corner, as the service and the CLI take it. The same placement can be typed (page,
// X, Y) for keyboard users; "default position" forgets it (the service then places the widget).
import type { ApiClient } from '../api.js';
import { field, h, replace } from '../dom.js';
import { defineMessages } from '../i18n.js';
import { renderPdf, type PdfRendering } from '../pdf-render.js';
import type { PagePlacement } from '../types.js';
import { errorNotice, notice } from './notice.js';

const t = defineMessages({
  vi: {
    loading: 'Đang tải tệp PDF…',
    pageLabel: 'Trang {n} / {pages}',
    linkLabel: 'Liên kết tới {target}',
    page: 'Trang',
    x: 'X (điểm, từ mép trái)',
    y: 'Y (điểm, từ mép dưới)',
    defaultPosition: 'Vị trí mặc định',
    chosen: 'Vị trí đã chọn: trang {page}, X {x}, Y {y}, rộng {w}, cao {h} (điểm).',
    none: 'Vị trí mặc định (do hệ thống chọn). Nhấn vào trang để chọn vị trí khác.',
    unreadable: 'Không hiển thị được tệp PDF.',
  },
  en: {
    loading: 'Loading the PDF…',
    pageLabel: 'Page {n} of {pages}',
    linkLabel: 'Link to {target}',
    page: 'Page',
    x: 'X (points, from the left edge)',
    y: 'Y (points, from the bottom edge)',
    defaultPosition: 'Default position',
    chosen: 'Chosen position: page {page}, X {x}, Y {y}, width {w}, height {h} (points).',
    none: 'Default position (chosen by the service). Click on a page to choose another.',
    unreadable: 'The PDF cannot be shown.',
  },
});

export interface PagePickerOptions {
  /** The file: /drafts/<id>/file?version=N. */
  path: string;
  /** Accessible name of the page column and the legend of the typed placement. */
  title: string;
  /** What goes there, for the rectangle's label ("Chữ ký", "Số: ..."). */
  widgetLabel: string;
  /** Width and height of the widget, in points. */
  size: { width: number; height: number };
  /** false: only shows the file (nobody here may place anything). */
  pick: boolean;
}

export interface PagePicker {
  el: HTMLElement;
  /** The chosen placement, null for the default position. */
  placement(): PagePlacement | null;
  onChange(cb: (p: PagePlacement | null) => void): void;
  dispose(): void;
}

/** One page's geometry: its view box in points and the CSS px per point it is drawn at. */
interface Geometry {
  box: HTMLElement;
  viewBox: [number, number, number, number];
  scale: number;
}

const round = (n: number) => Math.round(n * 10) / 10;

export function pagePicker(api: ApiClient, opts: PagePickerOptions): PagePicker {
  const scroll = h('section', { class: 'pdf-scroll', 'aria-label': opts.title, tabindex: 0 }, h('p', { class: 'loading', 'aria-busy': 'true' }, t('loading')));
  const status = h('p', { class: 'picker-status', 'aria-live': 'polite', 'data-testid': 'placement-status' }, opts.pick ? t('none') : '');
  const rect = h('div', { class: 'picker-rect', 'aria-hidden': 'true', 'data-testid': 'placement-rect' }, opts.widgetLabel);
  const pageInput = h('input', { type: 'number', min: 1, step: 1, inputmode: 'numeric', class: 'send-short' });
  const xInput = h('input', { type: 'number', min: 0, step: 1, inputmode: 'numeric', class: 'send-short' });
  const yInput = h('input', { type: 'number', min: 0, step: 1, inputmode: 'numeric', class: 'send-short' });
  const reset = h('button', { type: 'button', 'data-action': 'default-position' }, t('defaultPosition'));
  const typed = h(
    'fieldset',
    { class: 'picker-typed' },
    h('legend', {}, opts.title),
    h('div', { class: 'form-grid' }, field(t('page'), pageInput).wrap, field(t('x'), xInput).wrap, field(t('y'), yInput).wrap),
    h('div', { class: 'actions' }, reset),
  );
  const el = h('div', { class: 'page-picker', 'data-testid': 'page-picker' }, opts.pick ? typed : null, opts.pick ? status : null, scroll);

  let chosen: PagePlacement | null = null;
  const listeners: Array<(p: PagePlacement | null) => void> = [];
  let rendering: PdfRendering | null = null;
  let disposed = false;

  const geometry = (page: number): Geometry | null => {
    const box = rendering?.el.querySelector<HTMLElement>(`.pdf-page[data-page="${page}"]`);
    const vb = box?.dataset['viewBox']?.split(',').map(Number);
    const scale = Number(box?.dataset['scale']);
    if (!box || !vb || vb.length !== 4 || vb.some((n) => !Number.isFinite(n)) || !(scale > 0)) return null;
    return { box, viewBox: vb as Geometry['viewBox'], scale };
  };

  /** Shows `p` (or the default), tells the listeners. */
  const set = (p: PagePlacement | null, from: 'click' | 'typed' | 'reset') => {
    chosen = p;
    if (!p) {
      rect.remove();
      status.textContent = t('none');
    } else {
      const g = geometry(p.page);
      if (g) {
        const [, , , top] = g.viewBox;
        rect.style.left = `${(p.x - g.viewBox[0]) * g.scale}px`;
        rect.style.top = `${(top - (p.y + p.height)) * g.scale}px`;
        rect.style.width = `${p.width * g.scale}px`;
        rect.style.height = `${p.height * g.scale}px`;
        g.box.append(rect);
      }
      status.textContent = t('chosen', { page: p.page, x: p.x, y: p.y, w: p.width, h: p.height });
    }
    el.dataset['placement'] = p ? `${p.page}:${p.x},${p.y},${p.width},${p.height}` : 'default';
    if (from !== 'typed') {
      pageInput.value = p ? String(p.page) : '';
      xInput.value = p ? String(p.x) : '';
      yInput.value = p ? String(p.y) : '';
    }
    for (const cb of listeners) cb(p);
  };

  /** The rectangle of the default size centred on (cx, cy) points, kept inside the page. */
  const placeAt = (page: number, g: Geometry, cx: number, cy: number): PagePlacement => {
    const [x0, y0, x1, y1] = g.viewBox;
    const width = Math.min(opts.size.width, x1 - x0);
    const height = Math.min(opts.size.height, y1 - y0);
    const x = Math.min(Math.max(cx - width / 2, x0), x1 - width);
    const y = Math.min(Math.max(cy - height / 2, y0), y1 - height);
    return { page, x: round(x), y: round(y), width, height };
  };

  const onClick = (e: MouseEvent) => {
    const box = (e.target as Element | null)?.closest<HTMLElement>('.pdf-page');
    const page = Number(box?.dataset['page']);
    const g = box ? geometry(page) : null;
    if (!box || !g) return;
    const r = box.getBoundingClientRect();
    // CSS px from the page's top-left -> points from its lower-left (pdf.js draws y downwards).
    const cx = g.viewBox[0] + (e.clientX - r.left) / g.scale;
    const cy = g.viewBox[3] - (e.clientY - r.top) / g.scale;
    set(placeAt(page, g, cx, cy), 'click');
  };

  const onTyped = () => {
    const page = Number(pageInput.value);
    const g = Number.isInteger(page) ? geometry(page) : null;
    if (!g || xInput.value === '' || yInput.value === '') return;
    const w = Math.min(opts.size.width, g.viewBox[2] - g.viewBox[0]);
    const hgt = Math.min(opts.size.height, g.viewBox[3] - g.viewBox[1]);
    // Typed X, Y are the lower-left corner, as in the command.
    set(placeAt(page, g, Number(xInput.value) + w / 2, Number(yInput.value) + hgt / 2), 'typed');
  };

  if (opts.pick) {
    for (const i of [pageInput, xInput, yInput]) i.addEventListener('change', onTyped);
    reset.addEventListener('click', () => set(null, 'reset'));
  }

  void (async () => {
    try {
      const { blob } = await api.download(opts.path);
      if (disposed) return;
      rendering = renderPdf(new Uint8Array(await blob.arrayBuffer()), {
        pageLabel: (n, pages) => t('pageLabel', { n, pages }),
        linkLabel: (target) => t('linkLabel', { target }),
        onLink: () => undefined,
        scrollRoot: scroll,
      });
      if (opts.pick) {
        rendering.el.classList.add('picking');
        rendering.el.addEventListener('click', onClick);
      }
      replace(scroll, rendering.el);
      const pages = await rendering.ready;
      pageInput.max = String(pages);
      el.dataset['pages'] = String(pages);
    } catch (e) {
      if (!disposed) replace(scroll, e instanceof Error && e.message !== 'disposed' ? errorNotice(e) : notice('warn', t('unreadable')));
    }
  })();

  const dispose = () => {
    disposed = true;
    rendering?.dispose();
    window.removeEventListener('hashchange', dispose);
  };
  window.addEventListener('hashchange', dispose, { once: true });

  return { el, placement: () => chosen, onChange: (cb) => listeners.push(cb), dispose };
}
