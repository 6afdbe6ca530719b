// A document's metadata as a clerk reads it: the edXML fields (number, type, subject, signer,
// urgency…), the recipients, the file's SHA-256 and size, when it was sent and, for a recipient,
// when it arrived. One <dl> under its own heading.
import { formatBytes, h } from '../dom.js';
import { currentLang, defineMessages, formatDate, formatDateTime } from '../i18n.js';
import { businessTypeLabel, classificationLabel, steeringLabel } from '../labels.js';
import type { DocumentDetail, Metadata, PickerAgency } from '../types.js';
import { agencyName, priorityBadge } from './badges.js';
import type { DeliveryWithEvents } from './status-history.js';

const t = defineMessages({
  vi: {
    metaHeading: 'Thông tin văn bản',
    number: 'Số/ký hiệu',
    type: 'Loại văn bản',
    subject: 'Trích yếu',
    sender: 'Cơ quan ban hành',
    issued: 'Nơi, ngày ban hành',
    signer: 'Người ký',
    priority: 'Độ khẩn',
    classification: 'Độ mật',
    dueDate: 'Hạn xử lý',
    none: 'Không có',
    steering: 'Chỉ đạo',
    businessType: 'Nghiệp vụ',
    related: 'Văn bản liên quan',
    responseFor: 'Trả lời văn bản',
    edxmlId: 'Mã văn bản (edXML)',
    recipients: 'Nơi nhận',
    sha256: 'SHA-256 của tệp',
    size: 'Kích thước tệp',
    sentAt: 'Thời gian gửi lên trục',
    arrivedAt: 'Thời gian đến cơ quan bạn',
  },
  en: {
    metaHeading: 'Document details',
    number: 'Number/notation',
    type: 'Document type',
    subject: 'Subject',
    sender: 'Issuing agency',
    issued: 'Place and date of issue',
    signer: 'Signed by',
    priority: 'Urgency',
    classification: 'Classification',
    dueDate: 'Due date',
    none: 'None',
    steering: 'Steering',
    businessType: 'Business type',
    related: 'Related document',
    responseFor: 'In reply to',
    edxmlId: 'Document id (edXML)',
    recipients: 'Recipients',
    sha256: 'File SHA-256',
    size: 'File size',
    sentAt: 'Sent to the axis',
    arrivedAt: 'Arrived at your agency',
  },
});

/** A label and what follows it in the <dl>. */
type Row = [string, ...Array<Node | string>];

/**
 * The "Document details" section. `mine` is the signed-in agency's delivery when it is a
 * recipient (its arrival time is shown), undefined for the sender.
 */
export function documentMeta(detail: DocumentDetail, directory: ReadonlyMap<string, PickerAgency>, mine: DeliveryWithEvents | undefined): HTMLElement {
  return h('section', { 'aria-labelledby': 'doc-meta-title' }, h('h2', { id: 'doc-meta-title' }, t('metaHeading')), metadataList(detail, directory, mine));
}

function metadataList(detail: DocumentDetail, directory: ReadonlyMap<string, PickerAgency>, mine: DeliveryWithEvents | undefined): HTMLElement {
  const rows = [...edxmlRows(detail.document.metadata, detail.document.senderCode, directory), ...axisRows(detail, directory)];
  const arrived = mine?.events.find((e) => e.status === '01')?.at;
  if (arrived) rows.push([t('arrivedAt'), h('time', { datetime: arrived }, formatDateTime(arrived))]);
  return h('dl', { class: 'meta', 'data-testid': 'document-meta' }, ...rows.flatMap(([label, ...value]) => [h('dt', {}, label), h('dd', {}, ...value)]));
}

/** What the sender wrote: the edXML header of the document. */
function edxmlRows(m: Metadata, senderCode: string, directory: ReadonlyMap<string, PickerAgency>): Row[] {
  const rows: Row[] = [
    [t('number'), h('strong', {}, `${m.codeNumber}/${m.codeNotation}`)],
    [t('type'), m.documentType],
    [t('subject'), m.subject],
    [t('sender'), agencyName(directory, senderCode)],
    [t('issued'), `${m.promulgationPlace}, ${formatDate(m.promulgationDate)}`],
    [t('signer'), [m.signer.competence, m.signer.position, m.signer.fullName].filter((x): x is string => !!x).join(' — ')],
    [t('priority'), priorityBadge(m.priority)],
    [t('classification'), classificationLabel(m.classification)],
    [t('dueDate'), m.dueDate ? formatDate(m.dueDate) : t('none')],
    [t('steering'), steeringLabel(m.steeringType)],
    [t('businessType'), businessTypeLabel(m.businessType)],
  ];
  if (m.relatedDocumentId) rows.push([t('related'), relatedLink(m.relatedDocumentId)]);
  if (m.responseFor.length) rows.push([t('responseFor'), h('ul', { class: 'plain' }, ...m.responseFor.map((r) => h('li', { class: 'mono' }, r)))]);
  return rows;
}

/** A related document is a link when it is one of the axis's ids, plain text otherwise. */
function relatedLink(related: string): HTMLElement {
  return /^[0-9a-f-]{36}$/i.test(related) ? h('a', { href: `#/documents/${encodeURIComponent(related)}`, class: 'mono' }, related) : h('span', { class: 'mono' }, related);
}

/** What the axis recorded: ids, recipients, the file's hash and size, the time it was sent. */
function axisRows(detail: DocumentDetail, directory: ReadonlyMap<string, PickerAgency>): Row[] {
  const doc = detail.document;
  return [
    [t('edxmlId'), h('span', { class: 'mono' }, doc.edxmlDocumentId)],
    [t('recipients'), h('ul', { class: 'plain' }, ...doc.metadata.recipients.map((c) => h('li', { 'data-recipient': c }, agencyName(directory, c))))],
    [t('sha256'), h('code', { 'data-sha256': doc.fileSha256 }, doc.fileSha256)],
    [t('size'), `${formatBytes(doc.fileSize)} (${doc.fileSize.toLocaleString(currentLang() === 'vi' ? 'vi-VN' : 'en-GB')} byte)`],
    [t('sentAt'), h('time', { datetime: doc.createdAt }, formatDateTime(doc.createdAt))],
  ];
}
