// The edXML metadata of a document to send (docs/domain.md): sections 2 to 4 of the send form
// (details, signer, recipients). It checks what the browser can check with the rules of
// src/exchange/validate-metadata.ts, puts the service's refusals next to the field they concern,
// prefills the signer from the file's verification report, warns at once about a classified
// level, and collects the metadata JSON that POST /documents takes.
import { fieldErrorsOf, type ApiError } from '../api.js';
import { field, h, replace, showFieldError, uid } from '../dom.js';
import { defineMessages, formatDate } from '../i18n.js';
import { parseVnDate, vietnamToday } from '../vn-date.js';
import { BUSINESS_TYPE, CLASSIFICATION, DOCUMENT_TYPES, PRIORITY, STEERING, businessTypeLabel, classificationLabel, priorityLabel, steeringLabel } from '../labels.js';
import type { ExchangeDocument, Metadata, PickerAgency } from '../types.js';
import { notice } from './notice.js';
import type { VerifyResult } from './pdf-drop.js';
import { recipientPicker, type RecipientPicker } from './recipient-picker.js';

const t = defineMessages({
  vi: {
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
    promulgationDateHint: 'Dạng ngày/tháng/năm (dd/mm/yyyy), không được sau ngày hôm nay',
    dueDateHint: 'Dạng ngày/tháng/năm (dd/mm/yyyy)',
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
    required: 'Vui lòng nhập thông tin này.',
    chooseRequired: 'Vui lòng chọn.',
    tooLong: 'Tối đa {n} ký tự.',
    badDate: 'Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 07/12/2026.',
    future: 'Ngày ban hành không được sau ngày hôm nay ({today}).',
    dueBeforeIssue: 'Hạn trả lời không được trước ngày ban hành.',
    recipientsRequired: 'Vui lòng chọn ít nhất một cơ quan nhận.',
    recipientsDuplicate: 'Cơ quan nhận bị trùng: {codes}.',
    RECIPIENT_UNKNOWN: 'Cơ quan nhận chưa đăng ký trên trục: {codes}.',
    RECIPIENT_INACTIVE: 'Cơ quan nhận đã ngừng hoạt động trên trục: {codes}.',
    SENDER_AMONG_RECIPIENTS: 'Không thể gửi cho chính cơ quan mình ({codes}).',
    DUPLICATE_NUMBER: 'Số và ký hiệu {code} đã được cơ quan dùng trong năm nay; số văn bản không được trùng trong một năm.',
    PROMULGATION_IN_FUTURE: 'Ngày ban hành không được sau ngày hôm nay.',
    CLASSIFIED_REFUSED: 'Trục đã từ chối: văn bản mật không được gửi qua trục liên thông, phải chuyển qua kênh cơ yếu.',
    RELATED_DOCUMENT_INVALID: 'Văn bản liên quan không tồn tại hoặc không phải do cơ quan bạn gửi.',
  },
  en: {
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
    promulgationDateHint: 'Day/month/year (dd/mm/yyyy), not after today',
    dueDateHint: 'Day/month/year (dd/mm/yyyy)',
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
    required: 'Please fill this in.',
    chooseRequired: 'Please choose one.',
    tooLong: 'At most {n} characters.',
    badDate: 'Not a valid date: type dd/mm/yyyy, e.g. 07/12/2026.',
    future: 'The date of issue cannot be after today ({today}).',
    dueBeforeIssue: 'The reply due date cannot be before the date of issue.',
    recipientsRequired: 'Please choose at least one recipient agency.',
    recipientsDuplicate: 'Duplicate recipients: {codes}.',
    RECIPIENT_UNKNOWN: 'Recipient not registered on the axis: {codes}.',
    RECIPIENT_INACTIVE: 'Recipient no longer active on the axis: {codes}.',
    SENDER_AMONG_RECIPIENTS: 'Your own agency cannot be a recipient ({codes}).',
    DUPLICATE_NUMBER: 'Number and notation {code} were already used by your agency this year; numbers are unique per year.',
    PROMULGATION_IN_FUTURE: 'The date of issue cannot be after today.',
    CLASSIFIED_REFUSED: 'Refused by the axis: classified documents cannot travel on the axis; use the cơ yếu channel.',
    RELATED_DOCUMENT_INVALID: 'The related document does not exist or was not sent by your agency.',
  },
});

/** Limits of validate-metadata.ts. */
const MAX = { codeNumber: 11, codeNotation: 30, subject: 500, promulgationPlace: 200, signer: 200 } as const;

type Classification = Metadata['classification'];
/** The fields by the names the service uses in its field errors (and in the controls' name=). */
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
type Fields = Record<FieldName, Field>;
type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

interface Controls {
  codeNumber: HTMLInputElement;
  codeNotation: HTMLInputElement;
  documentType: HTMLSelectElement;
  subject: HTMLTextAreaElement;
  promulgationPlace: HTMLInputElement;
  promulgationDate: HTMLInputElement;
  priority: HTMLSelectElement;
  steeringType: HTMLSelectElement;
  dueDate: HTMLInputElement;
  businessType: HTMLSelectElement;
  relatedDocumentId: HTMLSelectElement;
  classification: HTMLSelectElement;
  competence: HTMLInputElement;
  position: HTMLInputElement;
  fullName: HTMLInputElement;
}

/** The parts every helper below works on. */
interface Parts {
  controls: Controls;
  fields: Fields;
  picker: RecipientPicker;
  directory: ReadonlyMap<string, PickerAgency>;
  /** The related-document list could not be loaded: its field keeps saying so. */
  relatedFailed: boolean;
}

/** Where a refusal of the service was shown. */
export interface Placement {
  /** The controls that now show it, one per message (the summary counts them). */
  targets: HTMLElement[];
  /** Part of it fits no field: the caller shows the whole refusal as well. */
  unplaced: boolean;
}

export interface MetadataFormOptions {
  /** Every agency of the axis, for the recipient picker. */
  agencies: readonly PickerAgency[];
  /** The signed-in agency (not a possible recipient). */
  ownCode: string;
  /** The documents my agency sent, newest first (for the related document); null if they could not be loaded. */
  sent: readonly ExchangeDocument[] | null;
}

export interface MetadataForm {
  /** Sections 2 (details), 3 (signer) and 4 (recipients) of the send form, in order. */
  sections: HTMLElement[];
  /** The metadata JSON of POST /documents, from the fields as they are now. */
  collect(): Metadata;
  /** The browser's checks: each problem is shown at its field; returns the controls concerned. */
  check(m: Metadata): HTMLElement[];
  /** Shows a refusal at the field(s) it concerns; null when it concerns no field of this form. */
  placeRefusal(e: ApiError, m: Metadata): Placement | null;
  clearErrors(): void;
  /** Fills the signer and the place of issue from the file's signatures (unless typed by the clerk). */
  prefillFromReport(r: VerifyResult): void;
  /** Shows or hides the classified warning; true when a protected level is chosen. */
  syncClassification(): boolean;
  /** Called (after the warning is updated) whenever the classification changes. */
  onClassificationChange(cb: (classified: boolean) => void): void;
}

export function metadataForm(opts: MetadataFormOptions): MetadataForm {
  const controls = makeControls(vietnamToday());
  const fields = makeFields(controls);
  const relatedFailed = opts.sent === null;
  countSubject(controls.subject, fields.subject);
  fillRelated(controls.relatedDocumentId, fields.relatedDocumentId, opts.sent);
  followBusinessType(controls, fields.relatedDocumentId, relatedFailed);
  const warning = classificationWarning(controls.classification, fields.classification);
  const picker = recipientPicker(opts.agencies, opts.ownCode, { legend: t('recipientSection') });
  picker.onChange(() => picker.showError(null));
  const parts: Parts = { controls, fields, picker, directory: new Map(opts.agencies.map((a) => [a.code, a])), relatedFailed };
  const prefilledHint = h('p', { class: 'hint', hidden: true, 'data-testid': 'signer-prefilled' }, t('prefilled'));

  const listeners: Array<(classified: boolean) => void> = [];
  controls.classification.addEventListener('change', () => {
    const classified = warning.sync();
    for (const cb of listeners) cb(classified);
  });

  return {
    sections: layout(fields, picker, prefilledHint),
    collect: () => collect(controls, picker),
    check: (m) => check(parts, m),
    placeRefusal: (e, m) => placeRefusal(parts, e, m),
    clearErrors: () => clearErrors(parts),
    prefillFromReport: (r) => prefillFromReport(controls, prefilledHint, r),
    syncClassification: warning.sync,
    onClassificationChange: (cb) => listeners.push(cb),
  };
}

const DATE_INPUT = { inputmode: 'numeric', placeholder: 'dd/mm/yyyy', pattern: '\\s*\\d{1,2}/\\d{1,2}/\\d{4}\\s*', maxlength: 12 } as const;

/** yyyy-mm-dd for a typed dd/mm/yyyy; the text as typed when it is no date (check() then says so). */
function isoDate(typed: string): string {
  return parseVnDate(typed) ?? typed.trim();
}

function makeControls(today: string): Controls {
  const input = (attrs: Record<string, string | number | boolean>) => h('input', { type: 'text', autocomplete: 'off', ...attrs });
  const select = (options: Array<[string, string]>, value: string) => {
    const s = h('select', {}, ...options.map(([v, label]) => h('option', { value: v }, label)));
    s.value = value;
    return s;
  };
  return {
    codeNumber: input({ maxlength: MAX.codeNumber, required: true, inputmode: 'numeric', class: 'send-short' }),
    codeNotation: input({ maxlength: MAX.codeNotation, required: true }),
    documentType: select(
      DOCUMENT_TYPES.map(([name, abbr]) => [name, abbr ? `${name} (${abbr})` : name]),
      'Công văn',
    ),
    subject: h('textarea', { rows: 3, maxlength: MAX.subject, required: true }),
    promulgationPlace: input({ maxlength: MAX.promulgationPlace, required: true }),
    // Typed dd/mm/yyyy whatever the browser's locale (an <input type=date> follows the browser's);
    // collect() turns it into yyyy-mm-dd, check() names a date that is none.
    promulgationDate: input({ ...DATE_INPUT, value: formatDate(today), required: true }),
    priority: select(Object.keys(PRIORITY).map((p) => [p, priorityLabel(Number(p))]), '0'),
    steeringType: select(Object.keys(STEERING).map((s) => [s, steeringLabel(Number(s))]), '0'),
    dueDate: input({ ...DATE_INPUT }),
    businessType: select(Object.keys(BUSINESS_TYPE).map((b) => [b, businessTypeLabel(b)]), 'new'),
    relatedDocumentId: h('select', {}, h('option', { value: '' }, t('relatedChoose'))),
    classification: select(Object.keys(CLASSIFICATION).map((c) => [c, classificationLabel(c)]), 'NONE'),
    competence: input({ maxlength: MAX.signer }),
    position: input({ maxlength: MAX.signer }),
    fullName: input({ maxlength: MAX.signer, required: true, autocomplete: 'name' }),
  };
}

/** Labels, hints and error slots, in reading order (the ids they get follow that order). */
function makeFields(c: Controls): Fields {
  const fields = {
    codeNumber: labelled('codeNumber', t('codeNumber'), c.codeNumber, t('codeNumberHint')),
    codeNotation: labelled('codeNotation', t('codeNotation'), c.codeNotation, t('codeNotationHint')),
    documentType: labelled('documentType', t('documentType'), c.documentType),
    promulgationDate: labelled('promulgationDate', t('promulgationDate'), c.promulgationDate, t('promulgationDateHint')),
    promulgationPlace: labelled('promulgationPlace', t('promulgationPlace'), c.promulgationPlace, t('promulgationPlaceHint')),
    subject: labelled('subject', t('subject'), c.subject, t('subjectHint', { n: 0 }), { wide: true }),
    priority: labelled('priority', t('priority'), c.priority),
    steeringType: labelled('steeringType', t('steeringType'), c.steeringType),
    dueDate: labelled('dueDate', t('dueDate'), c.dueDate, t('dueDateHint')),
    businessType: labelled('businessType', t('businessType'), c.businessType),
    relatedDocumentId: labelled('relatedDocumentId', t('relatedDocumentId'), c.relatedDocumentId, t('relatedHint_update')),
    classification: labelled('classification', t('classification'), c.classification, undefined, { wide: true }),
    'signer.competence': labelled('signer.competence', t('competence'), c.competence, t('competenceHint')),
    'signer.position': labelled('signer.position', t('position'), c.position, t('positionHint')),
    'signer.fullName': labelled('signer.fullName', t('fullName'), c.fullName),
  };
  for (const f of [fields.codeNumber, fields.codeNotation, fields.subject, fields.promulgationPlace, fields.promulgationDate, fields['signer.fullName']]) f.wrap.classList.add('required');
  return fields;
}

function labelled(name: FieldName, label: string, control: Control, hint?: string, extra?: { wide?: boolean }): Field {
  const f = field(label, control, { name, ...(hint ? { hint } : {}) });
  if (extra?.wide) f.wrap.classList.add('send-wide');
  // Editing a field clears the error it showed.
  control.addEventListener('input', () => showFieldError(f, null));
  control.addEventListener('change', () => showFieldError(f, null));
  return f;
}

function layout(fields: Fields, picker: RecipientPicker, prefilledHint: HTMLElement): HTMLElement[] {
  const f = fields;
  return [
    h(
      'fieldset',
      { class: 'send-section' },
      h('legend', {}, t('infoSection')),
      h(
        'div',
        { class: 'form-grid' },
        ...[f.codeNumber, f.codeNotation, f.documentType, f.promulgationDate, f.promulgationPlace, f.subject, f.priority, f.steeringType, f.dueDate, f.businessType, f.relatedDocumentId, f.classification].map((x) => x.wrap),
      ),
    ),
    h(
      'fieldset',
      { class: 'send-section' },
      h('legend', {}, t('signerSection')),
      prefilledHint,
      h('div', { class: 'form-grid' }, f['signer.competence'].wrap, f['signer.position'].wrap, f['signer.fullName'].wrap),
    ),
    h('div', { class: 'send-section send-recipients' }, picker.el),
  ];
}

/** The subject's hint counts the characters typed. */
function countSubject(subject: HTMLTextAreaElement, f: Field): void {
  const hint = f.wrap.querySelector('.hint');
  subject.addEventListener('input', () => {
    if (hint) hint.textContent = t('subjectHint', { n: subject.value.length });
  });
}

/** Related documents: my outbox, newest first. */
function fillRelated(select: HTMLSelectElement, f: Field, sent: readonly ExchangeDocument[] | null): void {
  if (sent === null) {
    showFieldError(f, t('relatedLoadFailed'));
  } else if (sent.length === 0) {
    select.append(h('option', { value: '', disabled: true }, t('relatedNone')));
  } else {
    for (const d of sent) {
      const m = d.metadata;
      const about = m.subject.length > 80 ? `${m.subject.slice(0, 79)}…` : m.subject;
      select.append(h('option', { value: d.id }, `${m.codeNumber}/${m.codeNotation} (${formatDate(m.promulgationDate)}) — ${about}`));
    }
  }
}

/** A new document has no related one; an update, a replacement or a recall names it. */
function followBusinessType(c: Controls, related: Field, relatedFailed: boolean): void {
  const hint = related.wrap.querySelector('.hint');
  const sync = () => {
    const type = c.businessType.value;
    const isNew = type === 'new';
    related.wrap.hidden = isNew;
    c.relatedDocumentId.disabled = isNew;
    if (isNew) {
      c.relatedDocumentId.value = '';
      showFieldError(related, relatedFailed ? t('relatedLoadFailed') : null);
    } else if (hint) {
      hint.textContent = t(type === 'replace' ? 'relatedHint_replace' : type === 'recall' ? 'relatedHint_recall' : 'relatedHint_update');
    }
  };
  c.businessType.addEventListener('change', sync);
  sync();
}

/** A protected level is refused at once, next to the field (the page also locks its button). */
function classificationWarning(control: HTMLSelectElement, f: Field): { sync(): boolean } {
  const warningId = uid('classified');
  const warning = h('div', { id: warningId, class: 'classification-warning', 'data-testid': 'classification-warning', hidden: true });
  control.setAttribute('aria-describedby', `${control.getAttribute('aria-describedby') ?? ''} ${warningId}`.trim());
  f.error.before(warning);
  return {
    sync() {
      const classified = (control.value as Classification) !== 'NONE';
      if (classified) {
        replace(warning, notice('error', h('p', {}, h('strong', {}, t('classifiedTitle'))), h('p', {}, t('classifiedBody'))));
        warning.hidden = false;
      } else {
        replace(warning);
        warning.hidden = true;
      }
      return classified;
    },
  };
}

function collect(c: Controls, picker: RecipientPicker): Metadata {
  const v = (control: Control) => control.value.trim();
  const type = c.businessType.value as Metadata['businessType'];
  return {
    codeNumber: v(c.codeNumber),
    codeNotation: v(c.codeNotation),
    documentType: c.documentType.value,
    subject: v(c.subject),
    promulgationPlace: v(c.promulgationPlace),
    promulgationDate: isoDate(c.promulgationDate.value),
    signer: { competence: v(c.competence) || null, position: v(c.position) || null, fullName: v(c.fullName) },
    priority: Number(c.priority.value),
    steeringType: Number(c.steeringType.value),
    dueDate: c.dueDate.value.trim() ? isoDate(c.dueDate.value) : null,
    responseFor: [],
    businessType: type,
    relatedDocumentId: type === 'new' ? null : c.relatedDocumentId.value || null,
    recipients: picker.selected(),
    classification: c.classification.value as Classification,
  };
}

function clearErrors(p: Parts): void {
  for (const f of Object.values(p.fields)) showFieldError(f, null);
  if (p.relatedFailed) showFieldError(p.fields.relatedDocumentId, t('relatedLoadFailed'));
  p.picker.showError(null);
}

function check(p: Parts, m: Metadata): HTMLElement[] {
  const f = p.fields;
  const problems: HTMLElement[] = [];
  const fail = (at: Field, message: string) => {
    showFieldError(at, message);
    problems.push(at.control);
  };
  const required: Array<[Field, string, number]> = [
    [f.codeNumber, m.codeNumber, MAX.codeNumber],
    [f.codeNotation, m.codeNotation, MAX.codeNotation],
    [f.subject, m.subject, MAX.subject],
    [f.promulgationPlace, m.promulgationPlace, MAX.promulgationPlace],
    [f['signer.fullName'], m.signer.fullName, MAX.signer],
  ];
  for (const [at, v, max] of required) {
    if (!v) fail(at, t('required'));
    else if (v.length > max) fail(at, t('tooLong', { n: max }));
  }
  if (!m.promulgationDate) fail(f.promulgationDate, t('required'));
  else if (!/^\d{4}-\d{2}-\d{2}$/.test(m.promulgationDate)) fail(f.promulgationDate, t('badDate'));
  else if (m.promulgationDate > vietnamToday()) fail(f.promulgationDate, t('future', { today: formatDate(vietnamToday()) }));
  if (m.dueDate && !/^\d{4}-\d{2}-\d{2}$/.test(m.dueDate)) fail(f.dueDate, t('badDate'));
  else if (m.dueDate && m.promulgationDate && m.dueDate < m.promulgationDate) fail(f.dueDate, t('dueBeforeIssue'));
  if (m.businessType !== 'new' && !m.relatedDocumentId) fail(f.relatedDocumentId, t('chooseRequired'));
  if (m.recipients.length === 0) {
    p.picker.showError(t('recipientsRequired'));
    problems.push(p.picker.el);
  }
  return problems;
}

/** A refusal from the service, next to what it concerns, its code after the text. */
function placeRefusal(p: Parts, e: ApiError, m: Metadata): Placement | null {
  const f = p.fields;
  const withCode = (text: string) => `${text} (${e.code})`;
  const at = (target: Field, text: string): Placement => {
    showFieldError(target, withCode(text));
    return { targets: [target.control], unplaced: false };
  };
  switch (e.code) {
    case 'METADATA_INVALID':
      return placeFieldErrors(p, e);
    case 'RECIPIENT_UNKNOWN':
    case 'RECIPIENT_INACTIVE':
    case 'SENDER_AMONG_RECIPIENTS':
      p.picker.showError(withCode(t(e.code, { codes: agencyNames(p.directory, refusedCodes(e)) })));
      return { targets: [p.picker.el], unplaced: false };
    case 'DUPLICATE_NUMBER':
      // Number and notation are unique together: both are marked, the message goes under the number.
      showFieldError(f.codeNotation, null);
      f.codeNotation.control.setAttribute('aria-invalid', 'true');
      return at(f.codeNumber, t('DUPLICATE_NUMBER', { code: `${m.codeNumber}/${m.codeNotation}` }));
    case 'PROMULGATION_IN_FUTURE':
      return at(f.promulgationDate, t('PROMULGATION_IN_FUTURE'));
    case 'CLASSIFIED_REFUSED':
      return at(f.classification, t('CLASSIFIED_REFUSED'));
    case 'RELATED_DOCUMENT_INVALID':
      return at(f.relatedDocumentId, t('RELATED_DOCUMENT_INVALID'));
    default:
      return null;
  }
}

/** METADATA_INVALID lists messages by JSON path: each goes to its field (recipients to the picker). */
function placeFieldErrors(p: Parts, e: ApiError): Placement {
  const list = Object.entries(fieldErrorsOf(e));
  const targets: HTMLElement[] = [];
  for (const [path, message] of list) {
    const text = `${serverFieldMessage(String(message))} (${e.code})`;
    if (path.startsWith('recipients')) {
      p.picker.showError(text);
      targets.push(p.picker.el);
      continue;
    }
    const name = path === 'signer' ? 'signer.fullName' : path;
    const f = Object.hasOwn(p.fields, name) ? p.fields[name as FieldName] : undefined;
    // The first message for a field is the one to fix first.
    if (f && !targets.includes(f.control)) showFieldError(f, text);
    if (f) targets.push(f.control);
  }
  return { targets, unplaced: targets.length < list.length || list.length === 0 };
}

/** The agency codes a recipient refusal names, "A, B". */
function refusedCodes(e: ApiError): string {
  return Array.isArray(e.details?.['codes']) ? (e.details['codes'] as unknown[]).map(String).join(', ') : '';
}

function agencyNames(directory: ReadonlyMap<string, PickerAgency>, codes: string): string {
  return codes
    .split(', ')
    .filter(Boolean)
    .map((c) => (directory.get(c) ? `${directory.get(c)?.name} (${c})` : c))
    .join(', ');
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

function prefillFromReport(c: Controls, prefilledHint: HTMLElement, r: VerifyResult): void {
  const sigs = r.report.signatures.filter((s) => s.type === 'signature' && s.signer);
  const seal = r.policy?.sealSignatureIndex ?? null;
  const personal = seal !== null ? sigs.find((s) => s.index < seal) : sigs.find((s) => !s.signer?.agencyCode);
  let any = false;
  any = prefill(c.fullName, personal?.signer?.commonName) || any;
  any = prefill(c.position, personal?.signer?.title) || any;
  const sealSig = seal !== null ? sigs.find((s) => s.index === seal) : sigs.find((s) => s.signer?.agencyCode);
  prefill(c.promulgationPlace, localityOf(sealSig?.signer?.subject ?? personal?.signer?.subject));
  prefilledHint.hidden = !any && !c.fullName.dataset['prefilled'];
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
