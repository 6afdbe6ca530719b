// Send a document: the clerk drops the signed PDF (verified at once, the report shown before
// anything is sent: components/pdf-drop.ts), fills in the edXML metadata and picks the
// recipients (components/metadata-form.ts). The page confirms the send, makes it idempotently
// (components/document-upload.ts) and shows every refusal next to what it concerns, with a
// summary of how many problems there are and focus on the first one.
import { ApiError } from '../api.js';
import { confirmDialog } from '../components/dialog.js';
import { documentUpload, type DocumentUpload } from '../components/document-upload.js';
import { metadataForm, type MetadataForm } from '../components/metadata-form.js';
import { errorNotice, notice } from '../components/notice.js';
import { pdfDrop, refusalNotice, SIGNATURE_REFUSALS, type PdfDrop, type VerifyResult } from '../components/pdf-drop.js';
import { progressBar, type ProgressBar } from '../components/progress.js';
import { h, replace } from '../dom.js';
import { defineMessages } from '../i18n.js';
import type { PageContext } from '../router.js';
import type { ExchangeDocument, MailboxItem, Metadata, Page, PickerAgency } from '../types.js';


const t = defineMessages({
  vi: {
    title: 'Gửi văn bản',
    intro: 'Văn bản gửi qua trục phải có chữ ký số của người có thẩm quyền và chữ ký số của cơ quan (Nghị định 30/2020). Tệp được kiểm tra ngay khi chọn; kết quả hiện trước khi gửi.',
    fileSection: '1. Tệp văn bản đã ký số',
    send: 'Gửi văn bản',
    sending: 'Đang gửi văn bản',
    confirmTitle: 'Gửi văn bản {code}?',
    confirmBody: 'Văn bản “{subject}” sẽ được gửi tới {n} cơ quan: {names}. Sau khi gửi, chỉ có thể thu hồi hoặc thay thế bằng một văn bản khác.',
    confirm: 'Gửi',
    sent: 'Đã gửi văn bản {code}.',
    open: 'Xem văn bản',
    fileRequired: 'Vui lòng chọn tệp PDF đã ký số.',
    fileNotReady: 'Tệp này chưa đủ điều kiện gửi: xem kết quả kiểm tra bên dưới.',
    summary: 'Chưa gửi được: vui lòng sửa {n} lỗi được đánh dấu.',
    IDEMPOTENCY_KEY_REUSED: 'Biểu mẫu này có thể đã được gửi thành công trước đó với nội dung khác. Hãy kiểm tra danh sách văn bản đi trước khi gửi lại.',
    outbox: 'Xem văn bản đi',
    reload: 'Mở biểu mẫu mới',
  },
  en: {
    title: 'Send a document',
    intro: 'A document sent on the axis must carry the competent signer’s digital signature and the agency’s seal signature (Decree 30/2020). The file is verified as soon as it is chosen; the report is shown before anything is sent.',
    fileSection: '1. The signed document',
    send: 'Send the document',
    sending: 'Sending the document',
    confirmTitle: 'Send document {code}?',
    confirmBody: '“{subject}” will be sent to {n} agency(ies): {names}. Once sent, it can only be recalled or replaced by another document.',
    confirm: 'Send',
    sent: 'Document {code} sent.',
    open: 'Open the document',
    fileRequired: 'Please choose the signed PDF.',
    fileNotReady: 'This file cannot be sent: see the verification below.',
    summary: 'Not sent: please fix the {n} problem(s) marked.',
    IDEMPOTENCY_KEY_REUSED: 'This form may already have been sent with different content. Check the sent documents before sending again.',
    outbox: 'Open sent documents',
    reload: 'Start a new form',
  },
});

/** The parts of the form a send works with. */
interface SendForm {
  ctx: PageContext;
  directory: ReadonlyMap<string, PickerAgency>;
  drop: PdfDrop;
  meta: MetadataForm;
  upload: DocumentUpload;
  progress: ProgressBar;
  /** Refusals that fit no field, and the "n problems" summary above them. */
  formErrors: HTMLElement;
  /** The success notice. */
  done: HTMLElement;
  problems: ProblemSummary;
  /** Re-applies the classification's effects (the warning, the send button). */
  syncClassification(): void;
}

export default async function sendPage(ctx: PageContext): Promise<Node> {
  ctx.setTitle(t('title'));
  const [agencies, sent] = await Promise.all([ctx.api.get<PickerAgency[]>('/agencies'), loadSent(ctx).catch(() => null)]);

  const drop = pdfDrop(ctx.api, { onVerified: (r) => meta.prefillFromReport(r) });
  const meta = metadataForm({ agencies, ownCode: ctx.me.agency.code, sent });
  const send = h('button', { type: 'submit', class: 'primary', 'data-action': 'send' }, t('send'));
  const progress = progressBar(t('sending'));
  const formErrors = h('div', { 'data-testid': 'send-errors' });
  const done = h('div', { 'data-testid': 'send-result' });
  const form = h(
    'form',
    { class: 'send-form', 'data-testid': 'send-form', novalidate: true, 'aria-labelledby': 'send-title' },
    h('fieldset', { class: 'send-section' }, h('legend', {}, t('fileSection')), drop.el),
    ...meta.sections,
    formErrors,
    progress.el,
    h('div', { class: 'actions' }, send),
    done,
  );

  // The send button is off for a classified document and while a send runs.
  let sending = false;
  const syncSendButton = (classified: boolean) => {
    send.disabled = classified || sending;
    send.setAttribute('aria-disabled', String(send.disabled));
    form.dataset['classified'] = String(classified);
  };
  const syncClassification = () => syncSendButton(meta.syncClassification());
  meta.onClassificationChange(syncSendButton);
  syncClassification();

  const s: SendForm = {
    ctx,
    directory: new Map(agencies.map((a) => [a.code, a])),
    drop,
    meta,
    upload: documentUpload(ctx.api),
    progress,
    formErrors,
    done,
    problems: problemSummary(form, formErrors),
    syncClassification,
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (sending) return;
    sending = true;
    send.disabled = true;
    form.setAttribute('aria-busy', 'true');
    void submit(s).finally(() => {
      sending = false;
      form.removeAttribute('aria-busy');
      syncClassification();
    });
  });

  return h(
    'section',
    { 'aria-labelledby': 'send-title', class: 'send-page', 'data-testid': 'send-page' },
    h('h1', { id: 'send-title' }, t('title')),
    h('p', { class: 'muted' }, t('intro')),
    form,
  );
}

async function submit(s: SendForm): Promise<void> {
  clearErrors(s);
  replace(s.done);
  const m = s.meta.collect();
  if (m.classification !== 'NONE') return submitClassified(s, m);
  const file = s.drop.file();
  const verified = file ? await s.drop.settled() : null;
  const problems = [...s.meta.check(m), ...checkFile(s.drop, file, verified)];
  if (problems.length > 0 || !file) return s.problems.report(problems);
  if (!(await confirmSend(s.directory, m))) return;
  try {
    const doc = await s.upload.send(m, file, (l, total) => s.progress.update(l, total));
    showSent(s.done, doc);
    s.ctx.navigate(`/documents/${encodeURIComponent(doc.id)}`);
  } catch (e) {
    showFailure(s, e, m);
  } finally {
    s.progress.done();
  }
}

/** Only reachable when the disabled button was bypassed. The axis must refuse (and log) it. */
async function submitClassified(s: SendForm, m: Metadata): Promise<void> {
  try {
    await s.upload.sendMetadataOnly(m);
  } catch (e) {
    showFailure(s, e, m);
  }
  s.syncClassification();
}

function clearErrors(s: SendForm): void {
  s.meta.clearErrors();
  s.drop.clearProblem();
  replace(s.formErrors);
  s.problems.forget();
}

function checkFile(drop: PdfDrop, file: File | null, verified: VerifyResult | null): HTMLElement[] {
  if (!file) drop.showProblem(notice('error', t('fileRequired')));
  else if (verified?.policy?.code) drop.showProblem(notice('error', t('fileNotReady')));
  else return [];
  return [drop.el];
}

/** Sending is legally meaningful: the clerk confirms what goes where. */
async function confirmSend(directory: ReadonlyMap<string, PickerAgency>, m: Metadata): Promise<boolean> {
  const recipientNames = m.recipients.map((c) => directory.get(c)?.name ?? c);
  const ok = await confirmDialog({
    title: t('confirmTitle', { code: `${m.codeNumber}/${m.codeNotation}` }),
    body: t('confirmBody', { subject: m.subject, n: m.recipients.length, names: recipientNames.join(', ') }),
    confirmLabel: t('confirm'),
  });
  return ok !== null;
}

/** The sent notice with a link to the new document (the page then goes there). */
function showSent(done: HTMLElement, doc: ExchangeDocument): void {
  const id = doc.id;
  const code = `${doc.metadata.codeNumber}/${doc.metadata.codeNotation}`;
  replace(done, notice('ok', h('p', {}, t('sent', { code })), h('p', {}, h('a', { href: `#/documents/${encodeURIComponent(id)}`, 'data-document-id': id }, t('open')))));
}

function showFailure(s: SendForm, e: unknown, m: Metadata): void {
  if (e instanceof ApiError) s.problems.report(placeRefusal(s, e, m));
  else replace(s.formErrors, errorNotice(e));
}

/** A refusal from the service, next to what it concerns. Returns where it was shown. */
function placeRefusal(s: SendForm, e: ApiError, m: Metadata): HTMLElement[] {
  const placed = s.meta.placeRefusal(e, m);
  if (placed) {
    if (placed.unplaced) replace(s.formErrors, errorNotice(e));
    return placed.targets;
  }
  if (e.code === 'IDEMPOTENCY_KEY_REUSED') {
    replace(s.formErrors, reusedKeyNotice(e.code));
    return [];
  }
  if (SIGNATURE_REFUSALS.has(e.code) || e.code.startsWith('FILE_') || e.code.startsWith('PDF_')) {
    const report = e.details?.['report'];
    s.drop.showProblem(refusalNotice(e, s.ctx.me.agency.code), report && typeof report === 'object' ? (report as VerifyResult['report']) : null);
    return [s.drop.el];
  }
  replace(s.formErrors, errorNotice(e));
  return [];
}

/** The key was used before with other content: the form may already have been sent. */
function reusedKeyNotice(code: string): HTMLElement {
  return notice(
    'error',
    h('p', {}, t('IDEMPOTENCY_KEY_REUSED')),
    h('p', {}, h('a', { href: '#/outbox' }, t('outbox')), ' · ', h('a', { href: '#/send', 'data-action': 'new-form' }, t('reload'))),
    h('p', { class: 'small' }, h('code', { 'data-error-code': code }, code)),
  );
}

interface ProblemSummary {
  /** Says how many problems there are and moves focus to the first in reading order. */
  report(targets: HTMLElement[]): void;
  /** Forgets the summary (the error area was emptied). */
  forget(): void;
}

/** The "n problems" summary describes the last attempt: it goes once the clerk starts fixing. */
function problemSummary(form: HTMLFormElement, formErrors: HTMLElement): ProblemSummary {
  let summary: HTMLElement | null = null;
  const drop = () => {
    summary?.remove();
    summary = null;
  };
  form.addEventListener('input', drop);
  form.addEventListener('change', drop);
  return {
    report(targets) {
      if (targets.length === 0) return;
      const first = targets.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1))[0];
      summary = notice('error', t('summary', { n: targets.length }));
      formErrors.prepend(summary);
      const focusable = first?.matches('input, select, textarea, button') ? first : first?.querySelector<HTMLElement>('button, input:not([tabindex="-1"]), select, textarea');
      focusable?.focus();
      focusable?.scrollIntoView({ block: 'center' });
    },
    forget() {
      summary = null;
    },
  };
}

/** The newest documents my agency sent (the targets of an update, a replacement or a recall). */
async function loadSent(ctx: PageContext): Promise<ExchangeDocument[]> {
  const page = await ctx.api.get<Page<MailboxItem>>('/outbox', { limit: 100 });
  return page.items.map((i) => i.document);
}
