// Send a document: the clerk drops the signed PDF (verified at once, the report shown before
// anything is sent), fills in the edXML metadata (docs/domain.md; the rules are those of
// src/exchange/validate-metadata.ts) and picks the recipients from the agency tree. The send is
// POST /documents, multipart with `metadata` FIRST and `file` after it (the server refuses a
// classified document before reading a byte of the file), with one Idempotency-Key per form so a
// double click or a retry never sends twice. Every refusal is shown next to the field it concerns.
import { ApiError, fieldErrorsOf } from '../api.js';
import { confirmDialog } from '../components/dialog.js';
import { errorNotice, notice } from '../components/notice.js';
import { pdfDrop, refusalNotice, SIGNATURE_REFUSALS, type VerifyResult } from '../components/pdf-drop.js';
import { progressBar } from '../components/progress.js';
import { recipientPicker } from '../components/recipient-picker.js';
import { field, h, replace, showFieldError, uid } from '../dom.js';
import { defineMessages, formatDate } from '../i18n.js';
import { BUSINESS_TYPE, CLASSIFICATION, DOCUMENT_TYPES, PRIORITY, STEERING, businessTypeLabel, classificationLabel, priorityLabel, steeringLabel } from '../labels.js';
import type { PageContext } from '../router.js';
import type { ExchangeDocument, MailboxItem, Metadata, Page, PickerAgency } from '../types.js';

const t = defineMessages({
  vi: {
    title: 'Gửi văn bản',
    intro: 'Văn bản gửi qua trục phải có chữ ký số của người có thẩm quyền và chữ ký số của cơ quan (Nghị định 30/2020). Tệp được kiểm tra ngay khi chọn; kết quả hiện trước khi gửi.',
    fileSection: '1. Tệp văn bản đã ký số',
    infoSection: '2. Thông tin văn bản',
    signerSection: '3. Người ký',
    recipientSection: '4. Nơi nhận',
    codeNumber: 'Số',
    codeNumberHint: 'Tối đa 11 ký tự, ví dụ 55',
    codeNotation: 'Ký hiệu',
    codeNotationHint: 'Tối đa 30 ký tự, ví dụ QĐ-UBND',
    documentType: 'Loại văn bản',
    subject: 'Trích yếu nội dung',
    subjectHint: '{n}/500 ký tự',
    promulgationPlace: 'Nơi ban hành',
    promulgationPlaceHint: 'Địa danh, ví dụ Thái Bình',
    promulgationDate: 'Ngày ban hành',
    promulgationDateHint: 'Không được sau ngày hôm nay',
    priority: 'Độ khẩn',
    steeringType: 'Loại chỉ đạo',
    dueDate: 'Hạn trả lời (không bắt buộc)',
    businessType: 'Nghiệp vụ',
    relatedDocumentId: 'Văn bản liên quan (đã gửi trước đây)',
    relatedHint_update: 'Văn bản được cập nhật bởi văn bản này',
    relatedHint_replace: 'Văn bản bị thay thế bởi văn bản này',
    relatedHint_recall: 'Văn bản bị thu hồi',
    relatedChoose: '— Chọn văn bản đã gửi —',
    relatedNone: 'Cơ quan bạn chưa gửi văn bản nào.',
    relatedLoadFailed: 'Không tải được danh sách văn bản đã gửi.',
    classification: 'Độ mật',
    classifiedTitle: 'Không được gửi văn bản mật qua trục',
    classifiedBody:
      'Văn bản mật (Mật, Tối mật, Tuyệt mật) không được soạn thảo, lưu giữ hay truyền đưa trên trục liên thông văn bản theo Luật Bảo vệ bí mật nhà nước năm 2018; phải chuyển qua kênh cơ yếu. Nút “Gửi văn bản” đã bị khóa.',
    competence: 'Quyền hạn ký',
    competenceHint: 'Ví dụ: TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH',
    position: 'Chức vụ',
    positionHint: 'Ví dụ: CHỦ TỊCH',
    fullName: 'Họ và tên người ký',
    prefilled: 'Điền sẵn từ chữ ký số của người ký; kiểm tra lại trước khi gửi.',
    send: 'Gửi văn bản',
    sending: 'Đang gửi văn bản',
    confirmTitle: 'Gửi văn bản {code}?',
    confirmBody: 'Văn bản “{subject}” sẽ được gửi tới {n} cơ quan: {names}. Sau khi gửi, chỉ có thể thu hồi hoặc thay thế bằng một văn bản khác.',
    confirm: 'Gửi',
    sent: 'Đã gửi văn bản {code}.',
    open: 'Xem văn bản',
    required: 'Vui lòng nhập thông tin này.',
    chooseRequired: 'Vui lòng chọn.',
    tooLong: 'Tối đa {n} ký tự.',
    badDate: 'Ngày không hợp lệ.',
    future: 'Ngày ban hành không được sau ngày hôm nay ({today}).',
    dueBeforeIssue: 'Hạn trả lời không được trước ngày ban hành.',
    recipientsRequired: 'Vui lòng chọn ít nhất một cơ quan nhận.',
    recipientsDuplicate: 'Cơ quan nhận bị trùng: {codes}.',
    fileRequired: 'Vui lòng chọn tệp PDF đã ký số.',
    fileNotReady: 'Tệp này chưa đủ điều kiện gửi: xem kết quả kiểm tra bên dưới.',
    summary: 'Chưa gửi được: vui lòng sửa {n} lỗi được đánh dấu.',
    RECIPIENT_UNKNOWN: 'Cơ quan nhận chưa đăng ký trên trục: {codes}.',
    RECIPIENT_INACTIVE: 'Cơ quan nhận đã ngừng hoạt động trên trục: {codes}.',
    SENDER_AMONG_RECIPIENTS: 'Không thể gửi cho chính cơ quan mình ({codes}).',
    DUPLICATE_NUMBER: 'Số và ký hiệu {code} đã được cơ quan dùng trong năm nay; số văn bản không được trùng trong một năm.',
    PROMULGATION_IN_FUTURE: 'Ngày ban hành không được sau ngày hôm nay.',
    CLASSIFIED_REFUSED: 'Trục đã từ chối: văn bản mật không được gửi qua trục liên thông, phải chuyển qua kênh cơ yếu.',
    RELATED_DOCUMENT_INVALID: 'Văn bản liên quan không tồn tại hoặc không phải do cơ quan bạn gửi.',
    IDEMPOTENCY_KEY_REUSED: 'Biểu mẫu này có thể đã được gửi thành công trước đó với nội dung khác. Hãy kiểm tra danh sách văn bản đi trước khi gửi lại.',
    outbox: 'Xem văn bản đi',
    reload: 'Mở biểu mẫu mới',
  },
  en: {
    title: 'Send a document',
    intro: 'A document sent on the axis must carry the competent signer’s digital signature and the agency’s seal signature (Decree 30/2020). The file is verified as soon as it is chosen; the report is shown before anything is sent.',
    fileSection: '1. The signed document',
    infoSection: '2. Document details',
    signerSection: '3. Signer',
    recipientSection: '4. Recipients',
    codeNumber: 'Number (số)',
    codeNumberHint: 'At most 11 characters, e.g. 55',
    codeNotation: 'Notation (ký hiệu)',
    codeNotationHint: 'At most 30 characters, e.g. QĐ-UBND',
    documentType: 'Document type',
    subject: 'Subject (trích yếu)',
    subjectHint: '{n}/500 characters',
    promulgationPlace: 'Place of issue',
    promulgationPlaceHint: 'A place name, e.g. Thái Bình',
    promulgationDate: 'Date of issue',
    promulgationDateHint: 'Not after today',
    priority: 'Urgency',
    steeringType: 'Steering type',
    dueDate: 'Reply due (optional)',
    businessType: 'Business type',
    relatedDocumentId: 'Related document (sent earlier)',
    relatedHint_update: 'The document this one updates',
    relatedHint_replace: 'The document this one replaces',
    relatedHint_recall: 'The document recalled',
    relatedChoose: '— Choose a sent document —',
    relatedNone: 'Your agency has not sent any document yet.',
    relatedLoadFailed: 'Could not load the documents sent.',
    classification: 'Classification',
    classifiedTitle: 'Classified documents cannot be sent on the axis',
    classifiedBody:
      'Classified documents (Mật, Tối mật, Tuyệt mật) may not be drafted, stored or transmitted on the exchange axis under the Law on Protection of State Secrets (2018); they must go through the cơ yếu (cryptographic) channel. The “Send” button is disabled.',
    competence: 'Signing authority',
    competenceHint: 'E.g. TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH',
    position: 'Position',
    positionHint: 'E.g. CHỦ TỊCH',
    fullName: 'Signer’s full name',
    prefilled: 'Prefilled from the signer’s digital signature; check before sending.',
    send: 'Send the document',
    sending: 'Sending the document',
    confirmTitle: 'Send document {code}?',
    confirmBody: '“{subject}” will be sent to {n} agency(ies): {names}. Once sent, it can only be recalled or replaced by another document.',
    confirm: 'Send',
    sent: 'Document {code} sent.',
    open: 'Open the document',
    required: 'Please fill this in.',
    chooseRequired: 'Please choose one.',
    tooLong: 'At most {n} characters.',
    badDate: 'Not a valid date.',
    future: 'The date of issue cannot be after today ({today}).',
    dueBeforeIssue: 'The reply due date cannot be before the date of issue.',
    recipientsRequired: 'Please choose at least one recipient agency.',
    recipientsDuplicate: 'Duplicate recipients: {codes}.',
    fileRequired: 'Please choose the signed PDF.',
    fileNotReady: 'This file cannot be sent: see the verification below.',
    summary: 'Not sent: please fix the {n} problem(s) marked.',
    RECIPIENT_UNKNOWN: 'Recipient not registered on the axis: {codes}.',
    RECIPIENT_INACTIVE: 'Recipient no longer active on the axis: {codes}.',
    SENDER_AMONG_RECIPIENTS: 'Your own agency cannot be a recipient ({codes}).',
    DUPLICATE_NUMBER: 'Number and notation {code} were already used by your agency this year; numbers are unique per year.',
    PROMULGATION_IN_FUTURE: 'The date of issue cannot be after today.',
    CLASSIFIED_REFUSED: 'Refused by the axis: classified documents cannot travel on the axis; use the cơ yếu channel.',
    RELATED_DOCUMENT_INVALID: 'The related document does not exist or was not sent by your agency.',
    IDEMPOTENCY_KEY_REUSED: 'This form may already have been sent with different content. Check the sent documents before sending again.',
    outbox: 'Open sent documents',
    reload: 'Start a new form',
  },
});

/** Limits of validate-metadata.ts. */
const MAX = { codeNumber: 11, codeNotation: 30, subject: 500, promulgationPlace: 200, signer: 200 } as const;

type Classification = Metadata['classification'];
type FieldName =
  | 'codeNumber'
  | 'codeNotation'
  | 'documentType'
  | 'subject'
  | 'promulgationPlace'
  | 'promulgationDate'
  | 'priority'
  | 'steeringType'
  | 'dueDate'
  | 'businessType'
  | 'relatedDocumentId'
  | 'classification'
  | 'signer.competence'
  | 'signer.position'
  | 'signer.fullName';
type Field = { wrap: HTMLElement; error: HTMLElement; control: HTMLElement };
type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** Today's date in Vietnam (UTC+7, no daylight saving), yyyy-mm-dd. */
export function vietnamToday(now = Date.now()): string {
  return new Date(now + 7 * 3600_000).toISOString().slice(0, 10);
}

/** crypto.randomUUID exists only in secure contexts; getRandomValues everywhere. */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export default async function sendPage(ctx: PageContext): Promise<Node> {
  ctx.setTitle(t('title'));
  const ownCode = ctx.me.agency.code;
  const [agencies, sent] = await Promise.all([ctx.api.get<PickerAgency[]>('/agencies'), loadSent(ctx).catch((e: unknown) => e)]);
  const directory = new Map(agencies.map((a) => [a.code, a]));
  const today = vietnamToday();

  // --- 1. the file ---
  const drop = pdfDrop(ctx.api, { onVerified: (r) => prefillFromReport(r) });

  // --- 2. the metadata ---
  const fields = new Map<FieldName, Field>();
  const add = (name: FieldName, label: string, control: Control, hint?: string, extra?: { wide?: boolean }): Field => {
    const f = field(label, control, { name, ...(hint ? { hint } : {}) });
    if (extra?.wide) f.wrap.classList.add('send-wide');
    fields.set(name, f);
    // Editing a field clears the error it showed.
    control.addEventListener('input', () => showFieldError(f, null));
    control.addEventListener('change', () => showFieldError(f, null));
    return f;
  };
  const input = (attrs: Record<string, string | number | boolean>) => h('input', { type: 'text', autocomplete: 'off', ...attrs });
  const select = (options: Array<[string, string]>, value: string) => {
    const s = h('select', {}, ...options.map(([v, label]) => h('option', { value: v }, label)));
    s.value = value;
    return s;
  };

  const codeNumber = input({ maxlength: MAX.codeNumber, required: true, inputmode: 'numeric', class: 'send-short' });
  const codeNotation = input({ maxlength: MAX.codeNotation, required: true });
  const documentType = select(
    DOCUMENT_TYPES.map(([name, abbr]) => [name, abbr ? `${name} (${abbr})` : name]),
    'Công văn',
  );
  const subject = h('textarea', { rows: 3, maxlength: MAX.subject, required: true });
  const promulgationPlace = input({ maxlength: MAX.promulgationPlace, required: true });
  const promulgationDate = input({ type: 'date', max: today, value: today, required: true });
  const priority = select(Object.keys(PRIORITY).map((p) => [p, priorityLabel(Number(p))]), '0');
  const steeringType = select(Object.keys(STEERING).map((s) => [s, steeringLabel(Number(s))]), '0');
  const dueDate = input({ type: 'date' });
  const businessType = select(Object.keys(BUSINESS_TYPE).map((b) => [b, businessTypeLabel(b)]), 'new');
  const relatedDocumentId = h('select', {}, h('option', { value: '' }, t('relatedChoose')));
  const classification = select(Object.keys(CLASSIFICATION).map((c) => [c, classificationLabel(c)]), 'NONE');
  const competence = input({ maxlength: MAX.signer });
  const position = input({ maxlength: MAX.signer });
  const fullName = input({ maxlength: MAX.signer, required: true, autocomplete: 'name' });

  const fNumber = add('codeNumber', t('codeNumber'), codeNumber, t('codeNumberHint'));
  const fNotation = add('codeNotation', t('codeNotation'), codeNotation, t('codeNotationHint'));
  const fType = add('documentType', t('documentType'), documentType);
  const fDate = add('promulgationDate', t('promulgationDate'), promulgationDate, t('promulgationDateHint'));
  const fPlace = add('promulgationPlace', t('promulgationPlace'), promulgationPlace, t('promulgationPlaceHint'));
  const fSubject = add('subject', t('subject'), subject, t('subjectHint', { n: 0 }), { wide: true });
  const fPriority = add('priority', t('priority'), priority);
  const fSteering = add('steeringType', t('steeringType'), steeringType);
  const fDue = add('dueDate', t('dueDate'), dueDate);
  const fBusiness = add('businessType', t('businessType'), businessType);
  const fRelated = add('relatedDocumentId', t('relatedDocumentId'), relatedDocumentId, t('relatedHint_update'));
  const fClass = add('classification', t('classification'), classification, undefined, { wide: true });
  const fCompetence = add('signer.competence', t('competence'), competence, t('competenceHint'));
  const fPosition = add('signer.position', t('position'), position, t('positionHint'));
  const fFullName = add('signer.fullName', t('fullName'), fullName);
  for (const f of [fNumber, fNotation, fSubject, fPlace, fDate, fFullName]) f.wrap.classList.add('required');

  const subjectHint = fSubject.wrap.querySelector('.hint');
  subject.addEventListener('input', () => {
    if (subjectHint) subjectHint.textContent = t('subjectHint', { n: subject.value.length });
  });

  // Related documents: my outbox, newest first.
  if (sent instanceof Error || !Array.isArray(sent)) {
    showFieldError(fRelated, t('relatedLoadFailed'));
  } else if (sent.length === 0) {
    relatedDocumentId.append(h('option', { value: '', disabled: true }, t('relatedNone')));
  } else {
    for (const d of sent) {
      const m = d.metadata;
      const about = m.subject.length > 80 ? `${m.subject.slice(0, 79)}…` : m.subject;
      relatedDocumentId.append(h('option', { value: d.id }, `${m.codeNumber}/${m.codeNotation} (${formatDate(m.promulgationDate)}) — ${about}`));
    }
  }
  const relatedHint = fRelated.wrap.querySelector('.hint');
  const syncBusiness = () => {
    const type = businessType.value;
    const isNew = type === 'new';
    fRelated.wrap.hidden = isNew;
    relatedDocumentId.disabled = isNew;
    if (isNew) {
      relatedDocumentId.value = '';
      showFieldError(fRelated, sent instanceof Error ? t('relatedLoadFailed') : null);
    } else if (relatedHint) {
      relatedHint.textContent = t(type === 'replace' ? 'relatedHint_replace' : type === 'recall' ? 'relatedHint_recall' : 'relatedHint_update');
    }
  };
  businessType.addEventListener('change', syncBusiness);
  syncBusiness();

  // Classification: a protected level is refused at once, next to the field.
  const send = h('button', { type: 'submit', class: 'primary', 'data-action': 'send' }, t('send'));
  const warningId = uid('classified');
  const warning = h('div', { id: warningId, class: 'classification-warning', 'data-testid': 'classification-warning', hidden: true });
  classification.setAttribute('aria-describedby', `${classification.getAttribute('aria-describedby') ?? ''} ${warningId}`.trim());
  fClass.error.before(warning);
  const isClassified = () => (classification.value as Classification) !== 'NONE';
  const syncClassification = () => {
    const classified = isClassified();
    if (classified) {
      replace(warning, notice('error', h('p', {}, h('strong', {}, t('classifiedTitle'))), h('p', {}, t('classifiedBody'))));
      warning.hidden = false;
    } else {
      replace(warning);
      warning.hidden = true;
    }
    send.disabled = classified || sending;
    send.setAttribute('aria-disabled', String(send.disabled));
    form.dataset['classified'] = String(classified);
  };
  classification.addEventListener('change', syncClassification);

  // --- 3. recipients ---
  const picker = recipientPicker(agencies, ownCode, { legend: t('recipientSection') });
  picker.onChange(() => picker.showError(null));

  // --- submit ---
  const progress = progressBar(t('sending'));
  const formErrors = h('div', { 'data-testid': 'send-errors' });
  const done = h('div', { 'data-testid': 'send-result' });
  let sending = false;
  /** One key per form: a double click, a retry after a lost answer or a resubmission never sends twice. */
  let idempotencyKey: string | null = null;

  const form = h(
    'form',
    { class: 'send-form', 'data-testid': 'send-form', novalidate: true, 'aria-labelledby': 'send-title' },
    h('fieldset', { class: 'send-section' }, h('legend', {}, t('fileSection')), drop.el),
    h(
      'fieldset',
      { class: 'send-section' },
      h('legend', {}, t('infoSection')),
      h('div', { class: 'form-grid' }, fNumber.wrap, fNotation.wrap, fType.wrap, fDate.wrap, fPlace.wrap, fSubject.wrap, fPriority.wrap, fSteering.wrap, fDue.wrap, fBusiness.wrap, fRelated.wrap, fClass.wrap),
    ),
    h(
      'fieldset',
      { class: 'send-section' },
      h('legend', {}, t('signerSection')),
      h('p', { class: 'hint', hidden: true, 'data-testid': 'signer-prefilled' }, t('prefilled')),
      h('div', { class: 'form-grid' }, fCompetence.wrap, fPosition.wrap, fFullName.wrap),
    ),
    h('div', { class: 'send-section send-recipients' }, picker.el),
    formErrors,
    progress.el,
    h('div', { class: 'actions' }, send),
    done,
  );
  syncClassification();

  // --- prefill from the verification report ---
  const prefilledHint = form.querySelector<HTMLElement>('[data-testid="signer-prefilled"]');
  function prefillFromReport(r: VerifyResult): void {
    const sigs = r.report.signatures.filter((s) => s.type === 'signature' && s.signer);
    const seal = r.policy?.sealSignatureIndex ?? null;
    const personal = seal !== null ? sigs.find((s) => s.index < seal) : sigs.find((s) => !s.signer?.agencyCode);
    let any = false;
    any = prefill(fullName, personal?.signer?.commonName) || any;
    any = prefill(position, personal?.signer?.title) || any;
    const sealSig = seal !== null ? sigs.find((s) => s.index === seal) : sigs.find((s) => s.signer?.agencyCode);
    prefill(promulgationPlace, localityOf(sealSig?.signer?.subject ?? personal?.signer?.subject));
    if (prefilledHint) prefilledHint.hidden = !any && !fullName.dataset['prefilled'];
  }

  // --- errors ---
  const clearErrors = () => {
    for (const f of fields.values()) showFieldError(f, null);
    if (sent instanceof Error) showFieldError(fRelated, t('relatedLoadFailed'));
    picker.showError(null);
    drop.clearProblem();
    replace(formErrors);
    summary = null;
  };
  /** Focus goes to the first problem in reading order; a summary says how many there are. */
  let summary: HTMLElement | null = null;
  const reportProblems = (targets: HTMLElement[]) => {
    if (targets.length === 0) return;
    const first = targets.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1))[0];
    summary = notice('error', t('summary', { n: targets.length }));
    formErrors.prepend(summary);
    const focusable = first?.matches('input, select, textarea, button') ? first : first?.querySelector<HTMLElement>('button, input:not([tabindex="-1"]), select, textarea');
    focusable?.focus();
    focusable?.scrollIntoView({ block: 'center' });
  };

  function check(m: Metadata, file: File | null, verified: VerifyResult | null): HTMLElement[] {
    const problems: HTMLElement[] = [];
    const fail = (f: Field, message: string) => {
      showFieldError(f, message);
      problems.push(f.control);
    };
    const required: Array<[Field, string, number]> = [
      [fNumber, m.codeNumber, MAX.codeNumber],
      [fNotation, m.codeNotation, MAX.codeNotation],
      [fSubject, m.subject, MAX.subject],
      [fPlace, m.promulgationPlace, MAX.promulgationPlace],
      [fFullName, m.signer.fullName, MAX.signer],
    ];
    for (const [f, v, max] of required) {
      if (!v) fail(f, t('required'));
      else if (v.length > max) fail(f, t('tooLong', { n: max }));
    }
    if (!m.promulgationDate) fail(fDate, t('required'));
    else if (!/^\d{4}-\d{2}-\d{2}$/.test(m.promulgationDate)) fail(fDate, t('badDate'));
    else if (m.promulgationDate > vietnamToday()) fail(fDate, t('future', { today: formatDate(vietnamToday()) }));
    if (m.dueDate && m.promulgationDate && m.dueDate < m.promulgationDate) fail(fDue, t('dueBeforeIssue'));
    if (m.businessType !== 'new' && !m.relatedDocumentId) fail(fRelated, t('chooseRequired'));
    if (m.recipients.length === 0) {
      picker.showError(t('recipientsRequired'));
      problems.push(picker.el);
    }
    if (!file) {
      drop.showProblem(notice('error', t('fileRequired')));
      problems.push(drop.el);
    } else if (verified?.policy?.code) {
      drop.showProblem(notice('error', t('fileNotReady')));
      problems.push(drop.el);
    }
    return problems;
  }

  /** A refusal from the service, next to what it concerns. Returns where it was shown. */
  function placeServerError(e: ApiError, m: Metadata): HTMLElement[] {
    const codes = Array.isArray(e.details?.['codes']) ? (e.details['codes'] as unknown[]).map(String).join(', ') : '';
    const withCode = (text: string) => `${text} (${e.code})`;
    const at = (f: Field, text: string) => {
      showFieldError(f, withCode(text));
      return [f.control];
    };
    switch (e.code) {
      case 'METADATA_INVALID': {
        const list = Object.entries(fieldErrorsOf(e));
        const shown: HTMLElement[] = [];
        for (const [path, message] of list) {
          const text = serverFieldMessage(String(message));
          if (path.startsWith('recipients')) {
            picker.showError(withCode(text));
            shown.push(picker.el);
            continue;
          }
          const f = fields.get((path === 'signer' ? 'signer.fullName' : path) as FieldName);
          // The first message for a field is the one to fix first.
          if (f && !shown.includes(f.control)) shown.push(...at(f, text));
          else if (f) shown.push(f.control);
        }
        if (shown.length < list.length || list.length === 0) replace(formErrors, errorNotice(e));
        return shown;
      }
      case 'RECIPIENT_UNKNOWN':
      case 'RECIPIENT_INACTIVE':
      case 'SENDER_AMONG_RECIPIENTS':
        picker.showError(withCode(t(e.code, { codes: names(codes) })));
        return [picker.el];
      case 'DUPLICATE_NUMBER':
        showFieldError(fNotation, null);
        fNotation.control.setAttribute('aria-invalid', 'true');
        return at(fNumber, t('DUPLICATE_NUMBER', { code: `${m.codeNumber}/${m.codeNotation}` }));
      case 'PROMULGATION_IN_FUTURE':
        return at(fDate, t('PROMULGATION_IN_FUTURE'));
      case 'CLASSIFIED_REFUSED':
        return at(fClass, t('CLASSIFIED_REFUSED'));
      case 'RELATED_DOCUMENT_INVALID':
        return at(fRelated, t('RELATED_DOCUMENT_INVALID'));
      case 'IDEMPOTENCY_KEY_REUSED':
        replace(formErrors, notice('error', h('p', {}, t('IDEMPOTENCY_KEY_REUSED')), h('p', {}, h('a', { href: '#/outbox' }, t('outbox')), ' · ', h('a', { href: '#/send', 'data-action': 'new-form' }, t('reload'))), h('p', { class: 'small' }, h('code', { 'data-error-code': e.code }, e.code))));
        return [];
      default:
        if (SIGNATURE_REFUSALS.has(e.code) || e.code.startsWith('FILE_') || e.code.startsWith('PDF_')) {
          const report = e.details?.['report'];
          drop.showProblem(refusalNotice(e, ownCode), report && typeof report === 'object' ? (report as VerifyResult['report']) : null);
          return [drop.el];
        }
        replace(formErrors, errorNotice(e));
        return [];
    }
  }

  const names = (codes: string) =>
    codes
      .split(', ')
      .filter(Boolean)
      .map((c) => (directory.get(c) ? `${directory.get(c)?.name} (${c})` : c))
      .join(', ');

  function collect(): Metadata {
    const v = (c: Control) => c.value.trim();
    const type = businessType.value as Metadata['businessType'];
    return {
      codeNumber: v(codeNumber),
      codeNotation: v(codeNotation),
      documentType: documentType.value,
      subject: v(subject),
      promulgationPlace: v(promulgationPlace),
      promulgationDate: promulgationDate.value,
      signer: { competence: v(competence) || null, position: v(position) || null, fullName: v(fullName) },
      priority: Number(priority.value),
      steeringType: Number(steeringType.value),
      dueDate: dueDate.value || null,
      responseFor: [],
      businessType: type,
      relatedDocumentId: type === 'new' ? null : relatedDocumentId.value || null,
      recipients: picker.selected(),
      classification: classification.value as Classification,
    };
  }

  async function submit(): Promise<void> {
    clearErrors();
    replace(done);
    const m = collect();
    if (m.classification !== 'NONE') {
      // Only reachable when the disabled button was bypassed. The axis must refuse (and log) it;
      // the PDF itself never leaves this computer: the metadata goes alone.
      const fd = new FormData();
      fd.append('metadata', JSON.stringify(m));
      try {
        await ctx.api.upload('/documents', fd);
      } catch (e) {
        if (e instanceof ApiError) reportProblems(placeServerError(e, m));
        else replace(formErrors, errorNotice(e));
      }
      syncClassification();
      return;
    }
    const file = drop.file();
    const verified = file ? await drop.settled() : null;
    const problems = check(m, file, verified);
    if (problems.length > 0 || !file) return reportProblems(problems);

    const recipientNames = m.recipients.map((c) => directory.get(c)?.name ?? c);
    const ok = await confirmDialog({
      title: t('confirmTitle', { code: `${m.codeNumber}/${m.codeNotation}` }),
      body: t('confirmBody', { subject: m.subject, n: m.recipients.length, names: recipientNames.join(', ') }),
      confirmLabel: t('confirm'),
    });
    if (ok === null) return;

    idempotencyKey ??= newIdempotencyKey();
    // Order matters: `metadata` first, so a refusal comes before the file is read.
    const fd = new FormData();
    fd.append('metadata', JSON.stringify(m));
    fd.append('file', new Blob([file], { type: 'application/pdf' }), file.name || 'document.pdf');
    try {
      const result = await ctx.api.upload<{ document: ExchangeDocument; replayed: boolean }>('/documents', fd, {
        headers: { 'idempotency-key': idempotencyKey },
        onProgress: (l, total) => progress.update(l, total),
      });
      const id = result.document.id;
      const code = `${result.document.metadata.codeNumber}/${result.document.metadata.codeNotation}`;
      replace(done, notice('ok', h('p', {}, t('sent', { code })), h('p', {}, h('a', { href: `#/documents/${encodeURIComponent(id)}`, 'data-document-id': id }, t('open')))));
      ctx.navigate(`/documents/${encodeURIComponent(id)}`);
    } catch (e) {
      if (e instanceof ApiError) reportProblems(placeServerError(e, m));
      else replace(formErrors, errorNotice(e));
    } finally {
      progress.done();
    }
  }

  // The "n problems" summary describes the last attempt: it goes once the clerk starts fixing.
  const dropSummary = () => {
    summary?.remove();
    summary = null;
  };
  form.addEventListener('input', dropSummary);
  form.addEventListener('change', dropSummary);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (sending) return;
    sending = true;
    send.disabled = true;
    form.setAttribute('aria-busy', 'true');
    void submit().finally(() => {
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

/** Fills an input from the report unless the clerk typed something of their own. */
function prefill(control: HTMLInputElement, value: string | null | undefined): boolean {
  if (!value) return false;
  const mine = control.value.trim() !== '' && control.value !== control.dataset['prefilled'];
  if (mine) return false;
  control.value = value;
  control.dataset['prefilled'] = value;
  // As if typed: clears the error the field may show.
  control.dispatchEvent(new Event('input', { bubbles: true }));
  return true;
}

/** The L= (locality) of a certificate subject, e.g. "…,L=Thái Bình,C=VN" gives "Thái Bình". */
function localityOf(subject: string | undefined): string | null {
  const m = subject ? /(?:^|,)\s*L=([^,]+)/.exec(subject) : null;
  return m?.[1]?.trim() ?? null;
}

/** The service's short English field messages (validate-metadata.ts) in the clerk's words. */
function serverFieldMessage(message: string): string {
  if (message === 'required') return t('required');
  const long = /^at most (\d+) characters$/.exec(message);
  if (long) return t('tooLong', { n: long[1] ?? '' });
  if (message === 'at least one recipient') return t('recipientsRequired');
  const dup = /^duplicate: (.*)$/.exec(message);
  if (dup) return t('recipientsDuplicate', { codes: dup[1] ?? '' });
  return message;
}

/** The newest documents my agency sent (the targets of an update, a replacement or a recall). */
async function loadSent(ctx: PageContext): Promise<ExchangeDocument[]> {
  const page = await ctx.api.get<Page<MailboxItem>>('/outbox', { limit: 100 });
  return page.items.map((i) => i.document);
}
