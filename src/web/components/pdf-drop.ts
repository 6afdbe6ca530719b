// A PDF drop zone that verifies at once: drag a file in (or pick it with a real file input behind a
// button), check that it looks like a PDF and is not too big, send it to POST /verify (nothing is
// stored there) and show the report. For a clerk the answer's `policy` tells whether their agency
// could send this file (Decree 30/2020: a valid document, the agency's seal signature, and the
// competent signer's signature before it); that verdict is shown as a notice above the report.
// Shared by the verify page and the send page (which also shows a send's signature refusal here).
import type { ApiClient } from '../api.js';
import { ApiError } from '../api.js';
import { formatBytes, h, replace, uid, type Child } from '../dom.js';
import { defineMessages } from '../i18n.js';
import { isolatedMessage } from '../isolated-message.js';
import { errorNotice, notice } from './notice.js';
import { progressBar } from './progress.js';
import { renderReport, type Report } from './report-view.js';

/** The send policy preview of POST /verify (src/exchange/verify-upload.ts). */
export interface SendPolicy {
  agencyCode: string;
  documentValid: boolean;
  agencySeal: boolean;
  sealSignatureIndex: number | null;
  signerBeforeSeal: boolean;
  code: 'SIGNATURE_INVALID' | 'SEAL_MISSING' | 'SIGNER_SIGNATURE_MISSING' | null;
}

export interface VerifyResult {
  report: Report;
  policy: SendPolicy | null;
}

/** The service's default upload limit (UPLOAD_LIMIT_BYTES); the server checks the real one. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

const PDF_HEADER = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"

const t = defineMessages({
  vi: {
    drop: 'Kéo và thả tệp PDF đã ký số vào đây',
    or: 'hoặc',
    choose: 'Chọn tệp PDF…',
    chooseOther: 'Chọn tệp khác…',
    inputLabel: 'Tệp PDF',
    limit: 'Chỉ nhận tệp PDF, tối đa {max}.',
    selected: 'Tệp đã chọn: {name} ({size})',
    uploading: 'Đang tải tệp lên để kiểm tra',
    verifying: 'Đang kiểm tra chữ ký số…',
    notPdf: 'Tệp “{name}” không phải là PDF (không có phần đầu %PDF-).',
    empty: 'Tệp “{name}” rỗng.',
    tooLarge: 'Tệp “{name}” có dung lượng {size}, vượt quá giới hạn {max}.',
    oneFile: 'Vui lòng chỉ thả một tệp.',
    readyTitle: 'Sẵn sàng gửi',
    ready: 'Văn bản có chữ ký số hợp lệ của người có thẩm quyền và chữ ký số của cơ quan (con dấu) {agency}: có thể gửi lên trục.',
    notReadyTitle: 'Chưa thể gửi văn bản này',
    SIGNATURE_INVALID: 'Chữ ký số không hợp lệ hoặc văn bản đã bị sửa đổi sau khi ký.',
    SEAL_MISSING: 'Thiếu chữ ký số của cơ quan (con dấu): văn bản chưa được ký bằng chứng thư số của cơ quan {agency}.',
    SIGNER_SIGNATURE_MISSING: 'Thiếu chữ ký số của người có thẩm quyền trước chữ ký số của cơ quan (Nghị định 30/2020, Điều 32).',
    checkValid: 'Tất cả chữ ký hợp lệ, văn bản không bị sửa đổi sau khi ký',
    checkSeal: 'Có chữ ký số của cơ quan (con dấu) bằng chứng thư của {agency}',
    checkSigner: 'Có chữ ký số của người có thẩm quyền trước chữ ký của cơ quan',
    yes: 'Đạt',
    no: 'Không đạt',
    unchecked: 'chưa kiểm tra được khi chưa có chữ ký số của cơ quan',
    signedBy: 'Các chữ ký hợp lệ trên văn bản: {names}.',
    code: 'Mã lỗi',
  },
  en: {
    drop: 'Drag and drop the digitally signed PDF here',
    or: 'or',
    choose: 'Choose a PDF…',
    chooseOther: 'Choose another file…',
    inputLabel: 'PDF file',
    limit: 'PDF files only, at most {max}.',
    selected: 'Selected file: {name} ({size})',
    uploading: 'Uploading the file for verification',
    verifying: 'Verifying the digital signatures…',
    notPdf: '“{name}” is not a PDF (no %PDF- header).',
    empty: '“{name}” is empty.',
    tooLarge: '“{name}” is {size}, over the {max} limit.',
    oneFile: 'Please drop a single file.',
    readyTitle: 'Ready to send',
    ready: 'The document carries a valid signature of the competent signer and the seal signature of {agency}: it can be sent on the axis.',
    notReadyTitle: 'This document cannot be sent yet',
    SIGNATURE_INVALID: 'A digital signature is invalid, or the document was changed after signing.',
    SEAL_MISSING: 'The agency’s seal signature is missing: no certificate of {agency} signed this document.',
    SIGNER_SIGNATURE_MISSING: 'The competent signer’s signature is missing before the agency’s seal (Decree 30/2020, art. 32).',
    checkValid: 'Every signature is valid and nothing changed after signing',
    checkSeal: 'Seal signature by a certificate of {agency}',
    checkSigner: 'The competent signer signed before the seal',
    yes: 'Passed',
    no: 'Failed',
    unchecked: 'cannot be checked without the agency’s seal signature',
    signedBy: 'Valid signatures on the document: {names}.',
    code: 'Error code',
  },
});

export interface PdfDropOptions {
  /** Upper bound checked in the browser before uploading. */
  maxBytes?: number;
  /** A new file was accepted by the local checks (verification starts). */
  onFile?(file: File): void;
  /** The verification of the current file answered. */
  onVerified?(result: VerifyResult, file: File): void;
}

export interface PdfDrop {
  el: HTMLElement;
  /** The accepted file, or null. */
  file(): File | null;
  /** The last verification of the current file (null while running, or when it failed). */
  result(): VerifyResult | null;
  /** Resolves when the current verification is over (immediately when none runs). */
  settled(): Promise<VerifyResult | null>;
  /** A message above the drop zone (e.g. a send refused for its signatures), with an optional report. */
  showProblem(message: Node, report?: Report | null): void;
  clearProblem(): void;
  /** Moves keyboard focus to the file button (after an error about the file). */
  focus(): void;
}

export function pdfDrop(api: ApiClient, opts: PdfDropOptions = {}): PdfDrop {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const inputId = uid('pdf');
  const hintId = `${inputId}-hint`;
  const input = h('input', { type: 'file', id: inputId, accept: 'application/pdf,.pdf', class: 'visually-hidden', tabindex: -1, 'aria-label': t('inputLabel') });
  const chooseLabel = h('span', {}, t('choose'));
  const choose = h('button', { type: 'button', class: 'primary', 'data-action': 'choose-file', 'aria-describedby': hintId }, chooseLabel);
  const fileInfo = h('p', { class: 'pdf-drop-file', 'aria-live': 'polite' });
  const zone = h(
    'div',
    { class: 'dropzone', 'data-testid': 'dropzone' },
    h('p', { class: 'pdf-drop-title' }, t('drop')),
    h('p', { class: 'muted' }, t('or')),
    choose,
    input,
    h('p', { class: 'hint', id: hintId }, t('limit', { max: formatBytes(maxBytes) })),
    fileInfo,
  );
  const problem = h('div', { class: 'pdf-drop-problem', 'data-testid': 'send-refusal' });
  const progress = progressBar(t('uploading'));
  const status = h('p', { class: 'loading', 'aria-live': 'polite' });
  const outcome = h('div', { 'data-testid': 'verify-outcome' });
  const el = h('div', { class: 'pdf-drop' }, problem, zone, progress.el, status, outcome);

  let current: File | null = null;
  let last: VerifyResult | null = null;
  let running: Promise<VerifyResult | null> = Promise.resolve(null);
  let generation = 0;

  choose.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    const files = input.files;
    if (files && files.length > 0 && files[0]) void accept(files[0]);
    // Choosing the same file again must fire `change` again.
    input.value = '';
  });

  zone.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', (e) => {
    // Leaving for a child of the zone is not leaving the zone.
    if (e.relatedTarget instanceof Node && zone.contains(e.relatedTarget)) return;
    zone.classList.remove('over');
  });
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const files = e.dataTransfer?.files;
    if (!files || files.length === 0) return;
    if (files.length > 1) {
      replace(outcome, notice('error', t('oneFile')));
      return;
    }
    if (files[0]) void accept(files[0]);
  });

  async function accept(file: File): Promise<void> {
    generation += 1;
    const mine = generation;
    replace(problem);
    replace(outcome);
    last = null;
    const local = await localCheck(file, maxBytes);
    if (mine !== generation) return;
    if (local) {
      current = null;
      replace(fileInfo);
      chooseLabel.textContent = t('choose');
      replace(outcome, notice('error', h('p', {}, ...local)));
      running = Promise.resolve(null);
      return;
    }
    current = file;
    chooseLabel.textContent = t('chooseOther');
    // The file's name is the sender's text: isolated, so a right-to-left override in it
    // ("…\u202Egnp.exe") cannot disguise the name or reorder the sentence.
    replace(fileInfo, ...isolatedMessage(t, 'selected', { name: file.name, size: formatBytes(file.size) }, ['name']));
    opts.onFile?.(file);
    running = verify(file, mine);
  }

  async function verify(file: File, mine: number): Promise<VerifyResult | null> {
    status.textContent = t('verifying');
    el.setAttribute('aria-busy', 'true');
    try {
      // The raw body, typed as a PDF whatever the browser guessed for the file.
      const body = new Blob([file], { type: 'application/pdf' });
      const result = await api.upload<VerifyResult>('/verify', body, { onProgress: (l, tot) => progress.update(l, tot) });
      if (mine !== generation) return null;
      last = result;
      replace(outcome, result.policy ? policyNotice(result.policy) : null, h('div', { 'data-testid': 'report' }, renderReport(result.report)));
      opts.onVerified?.(result, file);
      return result;
    } catch (e) {
      if (mine === generation) replace(outcome, errorNotice(e));
      return null;
    } finally {
      if (mine === generation) {
        progress.done();
        status.textContent = '';
        el.removeAttribute('aria-busy');
      }
    }
  }

  return {
    el,
    file: () => current,
    result: () => last,
    settled: () => running,
    showProblem(message, report) {
      replace(problem, message);
      if (report) replace(outcome, h('div', { 'data-testid': 'report' }, renderReport(report)));
    },
    clearProblem: () => replace(problem),
    focus: () => choose.focus(),
  };
}

/** The Decree 30 checks for the clerk's agency: green when a send would pass, red naming what is missing. */
export function policyNotice(p: SendPolicy): HTMLElement {
  const checks = h(
    'ul',
    { class: 'policy-checks' },
    check(t('checkValid'), p.documentValid),
    check(t('checkSeal', { agency: p.agencyCode }), p.agencySeal),
    p.agencySeal ? check(t('checkSigner'), p.signerBeforeSeal) : check(t('checkSigner'), null),
  );
  const el =
    p.code === null
      ? notice('ok', h('p', {}, h('strong', {}, `✔ ${t('readyTitle')}`)), h('p', {}, t('ready', { agency: p.agencyCode })), checks)
      : notice(
          'error',
          h('p', {}, h('strong', {}, `✖ ${t('notReadyTitle')}`)),
          h('p', {}, t(p.code, { agency: p.agencyCode })),
          checks,
          h('p', { class: 'small' }, `${t('code')}: `, h('code', { 'data-error-code': p.code }, p.code)),
        );
  el.setAttribute('data-testid', 'policy');
  el.setAttribute('data-policy', p.code ?? 'ready');
  return el;
}

/** ok null: not checked (the signer is looked for before the seal; without a seal there is no "before"). */
function check(label: string, ok: boolean | null): HTMLElement {
  if (ok === null) return h('li', { 'data-ok': 'unknown', class: 'muted' }, h('span', { 'aria-hidden': 'true' }, '– '), label, ` (${t('unchecked')})`);
  return h('li', { 'data-ok': ok ? 'true' : 'false' }, h('span', { 'aria-hidden': 'true' }, ok ? '✔ ' : '✖ '), label, h('span', { class: 'visually-hidden' }, `: ${ok ? t('yes') : t('no')}`));
}

/** Sends refused for their signatures: their details may carry the report. */
export const SIGNATURE_REFUSALS: ReadonlySet<string> = new Set(['SIGNATURE_INVALID', 'SEAL_MISSING', 'SIGNER_SIGNATURE_MISSING']);

/** A refusal of a send for its file or signatures, in the words of the policy notice. */
export function refusalNotice(e: ApiError, agencyCode: string): HTMLElement {
  if (SIGNATURE_REFUSALS.has(e.code)) {
    const code = e.code as NonNullable<SendPolicy['code']>;
    const signers = Array.isArray(e.details?.['signers']) ? (e.details['signers'] as unknown[]).map(String) : [];
    const lines: HTMLElement[] = [h('p', {}, h('strong', {}, `✖ ${t('notReadyTitle')}`)), h('p', {}, t(code, { agency: agencyCode }))];
    if (signers.length > 0) lines.push(h('p', { class: 'small' }, t('signedBy', { names: signers.join(', ') })));
    lines.push(h('p', { class: 'small' }, `${t('code')}: `, h('code', { 'data-error-code': e.code }, e.code)));
    return notice('error', ...lines);
  }
  return errorNotice(e);
}

function hasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}

/** Null when the file looks like a PDF of an acceptable size, else the message to show (the name isolated). */
async function localCheck(file: File, maxBytes: number): Promise<Child[] | null> {
  if (file.size === 0) return isolatedMessage(t, 'empty', { name: file.name }, ['name']);
  if (file.size > maxBytes) return isolatedMessage(t, 'tooLarge', { name: file.name, size: formatBytes(file.size), max: formatBytes(maxBytes) }, ['name']);
  // Like the service's reader: the header may follow up to 1 KB of junk.
  const head = new Uint8Array(await file.slice(0, 1024 + PDF_HEADER.length).arrayBuffer());
  return indexOf(head, PDF_HEADER) >= 0 ? null : isolatedMessage(t, 'notPdf', { name: file.name }, ['name']);
}

function indexOf(haystack: Uint8Array, needle: readonly number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
