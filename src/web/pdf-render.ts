// Draws a PDF with pdf.js onto canvases, page by page, so that nothing in the file can act on the
// app. A PDF from another agency is untrusted input: its JavaScript (OpenAction, page-open
// actions, form scripts) never runs, because pdf.js's display layer has no script engine and the
// scripting sandbox is never loaded; no XFA, no eval (isEvalSupported: false, under a CSP without
// 'unsafe-eval' anyway), no wasm, no fetch of anything but pdf.js's own worker and fonts. Links are
// not followed: a link area is a button that shows where the link points; only an http(s) target
// can then be opened, by a second click, in a new tab with noopener and noreferrer, so it can
// neither reach this tab (window.opener) nor learn the document's address.
// Pages are drawn when they come near the screen (IntersectionObserver), so a 300-page scan does
// not hold 300 bitmaps.
import { h, replace } from './dom.js';

type PdfJs = typeof import('pdfjs-dist');
type PdfDocument = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;
type PdfPage = Awaited<ReturnType<PdfDocument['getPage']>>;
type PageViewport = ReturnType<PdfPage['getViewport']>;

/** Served by the app from pdfjs-dist (src/http/web-ui.ts); a constant, so the CSP's 'self' covers it. */
const PDFJS_BASE = '/vendor/pdfjs/';

/** The most pages laid out; the rest are for the downloaded file. */
export const MAX_PAGES = 500;
/** Widest a page is drawn, in CSS pixels; narrower screens get a page as wide as the view. */
const MAX_PAGE_WIDTH = 900;

let loaded: Promise<PdfJs> | undefined;

/** pdf.js, loaded once on first use (the document page is the only one that needs it). */
function loadPdfJs(): Promise<PdfJs> {
  loaded ??= (import(`${PDFJS_BASE}pdf.min.mjs`) as Promise<PdfJs>).then((pdfjs) => {
    pdfjs.GlobalWorkerOptions.workerSrc = `${PDFJS_BASE}pdf.worker.min.mjs`;
    return pdfjs;
  });
  return loaded;
}

/** getDocument options for a file nobody here wrote. */
function documentOptions(data: Uint8Array) {
  return {
    data,
    isEvalSupported: false,
    enableXfa: false,
    useWasm: false,
    useSystemFonts: false,
    standardFontDataUrl: `${PDFJS_BASE}standard_fonts/`,
    disableRange: true,
    disableStream: true,
    disableAutoFetch: true,
    stopAtErrors: false,
    verbosity: 0,
  };
}

/** Where a link in the PDF points, as the viewer shows it before anything is opened. */
export interface PdfLink {
  page: number;
  /** The target as written in the file (pdf.js's unsafeUrl), never followed by the viewer. */
  target: string;
  /** The same target when it is an http(s) URL that may be opened in a new tab, else null. */
  openable: string | null;
}

export interface PdfRenderOptions {
  /** Accessible label of page n ("Trang 1 / 3"). */
  pageLabel(page: number, pages: number): string;
  /** Accessible label of a link area. */
  linkLabel(target: string): string;
  /** Called when the user activates a link area: the caller shows the target. */
  onLink(link: PdfLink): void;
  /** The scroll box the pages sit in: pages are drawn as they come within a screen of its view. */
  scrollRoot?: Element;
}

export interface PdfRendering {
  el: HTMLElement;
  /** Resolves with the page count once the file is parsed; rejects when pdf.js cannot read it. */
  ready: Promise<number>;
  /** Stops drawing, releases pdf.js's document and worker. */
  dispose(): void;
}

/** Renders `bytes` (pdf.js takes its own copy) into a column of pages. */
export function renderPdf(bytes: Uint8Array, opts: PdfRenderOptions): PdfRendering {
  const el = h('div', { class: 'pdf-pages', 'data-testid': 'pdf-pages' });
  let disposed = false;
  let destroy: (() => Promise<void>) | undefined;
  let observer: IntersectionObserver | undefined;

  const ready = (async () => {
    const pdfjs = await loadPdfJs();
    if (disposed) throw new Error('disposed');
    const task = pdfjs.getDocument(documentOptions(new Uint8Array(bytes)));
    destroy = () => task.destroy();
    const doc = await task.promise;
    if (disposed) throw new Error('disposed');
    const pages = Math.min(doc.numPages, MAX_PAGES);
    const width = Math.min(MAX_PAGE_WIDTH, Math.max(280, el.clientWidth || MAX_PAGE_WIDTH));
    const pending = new Map<Element, () => void>();
    observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const draw = e.isIntersecting ? pending.get(e.target) : undefined;
          if (!draw) continue;
          pending.delete(e.target);
          observer?.unobserve(e.target);
          draw();
        }
      },
      { root: opts.scrollRoot ?? null, rootMargin: '100% 0px' },
    );
    for (let n = 1; n <= pages && !disposed; n++) {
      const page = await doc.getPage(n);
      const unscaled = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: width / unscaled.width });
      const box = pageBox(n, pages, viewport, opts);
      el.append(box);
      pending.set(box, () => void drawPage(page, viewport, box, n, opts).catch(() => box.setAttribute('data-rendered', 'error')));
      observer.observe(box);
    }
    return doc.numPages;
  })();

  const dispose = () => {
    disposed = true;
    observer?.disconnect();
    void destroy?.().catch(() => undefined);
    replace(el);
  };
  return { el, ready, dispose };
}

/** A page's place, sized before it is drawn so that the scroll bar is right from the start. */
function pageBox(n: number, pages: number, viewport: PageViewport, opts: PdfRenderOptions): HTMLElement {
  const box = h('div', { class: 'pdf-page', role: 'img', 'aria-label': opts.pageLabel(n, pages), 'data-page': n, 'data-rendered': 'no' });
  // CSSOM, not a style attribute: allowed under style-src 'self'.
  box.style.width = `${viewport.width}px`;
  box.style.height = `${viewport.height}px`;
  // For click-to-place (components/page-picker.ts): CSS px -> PDF points.
  box.dataset['viewBox'] = viewport.viewBox.join(',');
  box.dataset['scale'] = String(viewport.scale);
  return box;
}

async function drawPage(page: PdfPage, viewport: PageViewport, box: HTMLElement, n: number, opts: PdfRenderOptions): Promise<void> {
  const ratio = window.devicePixelRatio || 1;
  const canvas = h('canvas', { class: 'pdf-canvas', 'aria-hidden': 'true' });
  canvas.width = Math.floor(viewport.width * ratio);
  canvas.height = Math.floor(viewport.height * ratio);
  canvas.style.width = `${viewport.width}px`;
  canvas.style.height = `${viewport.height}px`;
  box.append(canvas);
  await page.render({ canvas, viewport, transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0] }).promise;
  box.append(...(await linkAreas(page, viewport, n, opts)));
  box.setAttribute('data-rendered', 'yes');
}

/** Annotation data as pdf.js's getAnnotations gives it (only the fields read here). */
interface LinkAnnotation {
  subtype?: string;
  rect?: number[];
  url?: string;
  unsafeUrl?: string;
}

/** One button per link annotation with an external target; internal links (page jumps) stay inert. */
async function linkAreas(page: PdfPage, viewport: PageViewport, n: number, opts: PdfRenderOptions): Promise<HTMLElement[]> {
  const annotations = (await page.getAnnotations({ intent: 'display' })) as LinkAnnotation[];
  const out: HTMLElement[] = [];
  for (const a of annotations) {
    const target = a.unsafeUrl ?? a.url;
    if (a.subtype !== 'Link' || typeof target !== 'string' || !a.rect || a.rect.length !== 4) continue;
    const [x1, y1, x2, y2] = viewport.convertToViewportRectangle(a.rect) as [number, number, number, number];
    const link: PdfLink = { page: n, target, openable: openableUrl(target) };
    const button = h('button', { type: 'button', class: 'pdf-link', 'aria-label': opts.linkLabel(target), title: target, 'data-link-target': target, onclick: () => opts.onLink(link) });
    button.style.left = `${Math.min(x1, x2)}px`;
    button.style.top = `${Math.min(y1, y2)}px`;
    button.style.width = `${Math.abs(x2 - x1)}px`;
    button.style.height = `${Math.abs(y2 - y1)}px`;
    out.push(button);
  }
  return out;
}

/** `target` when it is an absolute http or https URL (no javascript:, data:, file:, blob:), else null. */
export function openableUrl(target: string): string | null {
  try {
    const u = new URL(target);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}
