// The signed PDF of a document: downloaded with a progress bar, its SHA-256 computed in the
// browser and compared with the one the axis recorded, then drawn by pdf.js onto canvases
// (../pdf-render.ts: no PDF JavaScript, no frame, links shown, never followed) with a download
// link. A file whose hash does not match is never shown as the document. The blob URL of the
// download link belongs to this view and is revoked when the user leaves the page; it is typed
// application/octet-stream, so opening it in a tab downloads it rather than handing it to the
// browser's own PDF viewer on this origin.
import type { ApiClient } from '../api.js';
import { formatBytes, h, replace } from '../dom.js';
import { defineMessages } from '../i18n.js';
import { MAX_PAGES, type PdfLink, type PdfRendering, renderPdf } from '../pdf-render.js';
import type { ExchangeDocument } from '../types.js';
import { errorNotice, notice } from './notice.js';
import { progressBar } from './progress.js';

const t = defineMessages({
  vi: {
    pdfHeading: 'Văn bản điện tử (PDF)',
    pdfTitle: 'Nội dung văn bản {number} (PDF)',
    downloading: 'Đang tải văn bản',
    pdfLoading: 'Đang tải và đối chiếu tệp PDF…',
    hashOk: 'SHA-256 khớp: tệp tải về đúng là tệp đã gửi lên trục.',
    hashBad: 'Cảnh báo: SHA-256 của tệp tải về KHÔNG khớp với giá trị trục đã ghi nhận. Không sử dụng tệp này và báo ngay cho quản trị hệ thống.',
    hashComputed: 'Tính được: {sha}',
    hashExpected: 'Trục ghi nhận: {sha}',
    hashUnchecked: 'Trình duyệt không tính được SHA-256 (chỉ hỗ trợ trên HTTPS); chưa đối chiếu được tệp.',
    download: 'Tải văn bản về máy ({name}, {size})',
    pdfHint: 'Nếu trình duyệt không hiển thị được PDF (ví dụ trên điện thoại), hãy tải tệp về để xem.',
    pdfUnreadable: 'Không hiển thị được tệp PDF trong trình duyệt; hãy tải tệp về để xem.',
    pageLabel: 'Trang {n} / {pages}',
    linkLabel: 'Liên kết trong văn bản: {target}',
    linkShown: 'Liên kết trong văn bản trỏ tới địa chỉ dưới đây. Trục không tự mở liên kết; chỉ mở nếu bạn tin nguồn này.',
    linkOpen: 'Mở liên kết trong thẻ mới',
    linkNotOpenable: 'Địa chỉ này không phải http/https nên không được mở.',
    morePages: 'Chỉ hiển thị {max} trang đầu trong {pages} trang; tải tệp về để xem toàn bộ.',
  },
  en: {
    pdfHeading: 'Electronic document (PDF)',
    pdfTitle: 'Content of document {number} (PDF)',
    downloading: 'Downloading the document',
    pdfLoading: 'Downloading and checking the PDF…',
    hashOk: 'SHA-256 matches: the downloaded file is the file sent to the axis.',
    hashBad: 'Warning: the SHA-256 of the downloaded file does NOT match the one the axis recorded. Do not use this file and tell the administrator at once.',
    hashComputed: 'Computed: {sha}',
    hashExpected: 'Recorded by the axis: {sha}',
    hashUnchecked: 'This browser cannot compute SHA-256 (HTTPS only); the file was not checked.',
    download: 'Download the document ({name}, {size})',
    pdfHint: 'If your browser cannot show the PDF (e.g. on a phone), download the file to read it.',
    pdfUnreadable: 'The PDF cannot be shown in the browser; download the file to read it.',
    pageLabel: 'Page {n} of {pages}',
    linkLabel: 'Link in the document: {target}',
    linkShown: 'A link in the document points to the address below. The axis does not open links itself; open it only if you trust its source.',
    linkOpen: 'Open the link in a new tab',
    linkNotOpenable: 'This address is not http/https and is not opened.',
    morePages: 'Only the first {max} of {pages} pages are shown; download the file to read them all.',
  },
});

export interface PdfViewOptions {
  /** Where the file is: /documents/<id>/file. */
  path: string;
  /** The document: its recorded SHA-256 and size, and its number for the fallback file name. */
  document: ExchangeDocument;
  /** "55/QĐ-UBND", for the frame's accessible title. */
  number: string;
}

export interface PdfView {
  el: HTMLElement;
  /** Stops showing the file and frees its blob URL (the user left, or the copy was withdrawn). */
  dispose(): void;
}

/** What the hash comparison says; `data-hash` on the check element carries it for tests. */
type HashVerdict = 'match' | 'mismatch' | 'unchecked';

export function pdfView(api: ApiClient, opts: PdfViewOptions): PdfView {
  const doc = opts.document;
  const bar = progressBar(t('downloading'));
  const check = h('div', { 'data-hash': 'pending' });
  const view = h('div', { class: 'pdf-view-body' }, h('p', { class: 'loading', 'aria-busy': 'true' }, t('pdfLoading')));
  const el = h('section', { class: 'pdf-view', 'aria-labelledby': 'doc-pdf-title', 'data-testid': 'pdf-view' }, h('h2', { id: 'doc-pdf-title' }, t('pdfHeading')), bar.el, check, view);

  let disposed = false;
  let url: string | null = null;
  let rendering: PdfRendering | null = null;
  const dispose = () => {
    disposed = true;
    if (url) URL.revokeObjectURL(url);
    url = null;
    rendering?.dispose();
    rendering = null;
    window.removeEventListener('hashchange', dispose);
  };
  // Leaving the page (any route change) ends the view, even while the download still runs.
  window.addEventListener('hashchange', dispose, { once: true });

  const load = async () => {
    try {
      const { blob, headers } = await api.download(opts.path, (loaded, total) => bar.update(loaded, total || doc.fileSize));
      bar.done();
      if (disposed) return;
      const recorded = (headers.get('x-content-sha256') ?? doc.fileSha256).toLowerCase();
      const computed = await sha256Hex(blob);
      if (disposed) return;
      const verdict = hashVerdict(computed, recorded, doc.fileSha256);
      showHashCheck(check, verdict, computed ?? '', doc.fileSha256);
      // A file that is not the one the axis holds is never shown as the document.
      if (verdict === 'mismatch') {
        replace(view);
        return;
      }
      const name = fileNameFrom(headers.get('content-disposition')) ?? fallbackFileName(doc.metadata.codeNumber, doc.metadata.codeNotation);
      const bytes = new Uint8Array(await blob.arrayBuffer());
      if (disposed) return;
      url = URL.createObjectURL(new Blob([blob], { type: 'application/octet-stream' }));
      rendering = showPdf(view, bytes, { url, name, size: blob.size, number: opts.number });
    } catch (e) {
      bar.done();
      replace(view);
      check.setAttribute('data-hash', 'error');
      replace(check, errorNotice(e));
    }
  };
  void load();
  return { el, dispose };
}

/** The file may be shown only when the browser's hash, the header's and the recorded one agree. */
function hashVerdict(computed: string | null, recorded: string, expected: string): HashVerdict {
  if (computed === null) return 'unchecked';
  return computed === recorded && recorded === expected.toLowerCase() ? 'match' : 'mismatch';
}

function showHashCheck(check: HTMLElement, verdict: HashVerdict, computed: string, expected: string): void {
  check.setAttribute('data-hash', verdict);
  if (verdict === 'unchecked') replace(check, notice('warn', t('hashUnchecked')));
  else if (verdict === 'match') replace(check, notice('ok', t('hashOk'), h('p', { class: 'small mono' }, computed)));
  else replace(check, notice('error', t('hashBad'), h('p', { class: 'small mono' }, t('hashComputed', { sha: computed })), h('p', { class: 'small mono' }, t('hashExpected', { sha: expected }))));
}

function showPdf(view: HTMLElement, bytes: Uint8Array, file: { url: string; name: string; size: number; number: string }): PdfRendering {
  const linkNote = h('div', { class: 'pdf-link-note', 'aria-live': 'polite', 'data-testid': 'pdf-link-note' });
  const status = h('div');
  const scroll = h('section', { class: 'pdf-scroll', 'aria-label': t('pdfTitle', { number: file.number }), tabindex: 0 });
  const rendering = renderPdf(bytes, {
    pageLabel: (n, pages) => t('pageLabel', { n, pages }),
    linkLabel: (target) => t('linkLabel', { target }),
    onLink: (link) => showLink(linkNote, link),
    scrollRoot: scroll,
  });
  scroll.append(rendering.el);
  replace(
    view,
    h('p', {}, h('a', { href: file.url, download: file.name, class: 'button', 'data-action': 'download-pdf' }, t('download', { name: file.name, size: formatBytes(file.size) }))),
    linkNote,
    status,
    scroll,
    h('p', { class: 'muted small' }, t('pdfHint')),
  );
  rendering.ready.then(
    (pages) => {
      if (pages > MAX_PAGES) replace(status, notice('warn', t('morePages', { max: MAX_PAGES, pages })));
    },
    () => replace(status, notice('warn', t('pdfUnreadable'))),
  );
  return rendering;
}

/** Where a clicked link points; a new tab only on a second, deliberate click, and only for http(s). */
function showLink(note: HTMLElement, link: PdfLink): void {
  const open = link.openable
    ? h('a', { href: link.openable, target: '_blank', rel: 'noopener noreferrer', referrerpolicy: 'no-referrer', 'data-action': 'open-pdf-link' }, t('linkOpen'))
    : h('p', { class: 'small' }, t('linkNotOpenable'));
  replace(note, notice('warn', t('linkShown'), h('p', { class: 'mono small', 'data-testid': 'pdf-link-target' }, link.target), open));
}

async function sha256Hex(blob: Blob): Promise<string | null> {
  // crypto.subtle exists only in secure contexts (HTTPS or localhost).
  if (typeof crypto === 'undefined' || !crypto.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The name in Content-Disposition (RFC 6266: filename* first, then filename). */
function fileNameFrom(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      /* fall through to the plain name */
    }
  }
  const plain = /filename\s*=\s*"([^"]+)"/.exec(header) ?? /filename\s*=\s*([^;]+)/.exec(header);
  return plain?.[1]?.trim() || null;
}

/** The same ASCII name the service gives (get-document.ts fileNameOf), for when the header is missing. */
export function fallbackFileName(codeNumber: string, codeNotation: string): string {
  const base = `${codeNumber}-${codeNotation}`
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '');
  return `${base || 'document'}.pdf`;
}
