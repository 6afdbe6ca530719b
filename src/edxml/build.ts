// Writes edXML packages and Status packets. Element order follows the QCVN 102 structure:
// edXMLEnvelope > edXMLHeader (MessageHeader, TraceHeaderList, [Signature]) + edXMLBody
// (Manifest > Reference per attachment, then the attachments). The attachments sit in the body,
// base64, so that the package is one file and the enveloped signature covers the PDF too
// (MIME-packaged deployments keep them outside; parse.ts reads what this file writes).
import { formatEdxmlDate, formatEdxmlTimestamp } from './dates.js';
import { EDXML_NS, ORGAN_FIELDS, type Envelope, type Organ, type ResponseForRef, type StatusPacket } from './model.js';
import { escapeXml } from './safe-xml.js';

type Node = string | number | undefined | null | Node[];

/** `<edXML:name>…</edXML:name>`; undefined/null content writes nothing (optional field). */
function el(name: string, content: Node): string {
  if (content === undefined || content === null) return '';
  const inner = Array.isArray(content) ? content.map((c) => (typeof c === 'string' ? c : '')).join('') : escapeXml(String(content));
  return `<edXML:${name}>${inner}</edXML:${name}>`;
}

function organ(name: string, o: Organ): string {
  return el(name, ORGAN_FIELDS.map(([key, tag]) => el(tag, o[key])));
}

function responseFor(r: ResponseForRef): string {
  return el('ResponseFor', [el('OrganId', r.organId), el('Code', r.code), el('PromulgationDate', formatEdxmlDate(r.promulgationDate)), el('DocumentId', r.documentId)]);
}

function base64Lines(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function buildEnvelope(e: Envelope): string {
  const h = e.header;
  const o = h.otherInfo;
  const messageHeader = el('MessageHeader', [
    organ('From', h.from),
    ...h.to.map((t) => organ('To', t)),
    el('Code', [el('CodeNumber', h.code.codeNumber), el('CodeNotation', h.code.codeNotation)]),
    el('PromulgationInfo', [el('Place', h.promulgationInfo.place), el('PromulgationDate', formatEdxmlDate(h.promulgationInfo.date))]),
    el('DocumentType', [el('Type', h.documentType.type), el('TypeName', h.documentType.typeName)]),
    el('Subject', h.subject),
    el('Content', h.content),
    el('SignerInfo', [el('Competence', h.signerInfo.competence), el('Position', h.signerInfo.position), el('FullName', h.signerInfo.fullName)]),
    el('DueDate', h.dueDate === undefined ? undefined : formatEdxmlDate(h.dueDate)),
    el('ToPlaces', h.toPlaces.map((p) => el('Place', p))),
    el('OtherInfo', [
      el('Priority', o.priority),
      el('SphereOfPromulgation', o.sphereOfPromulgation),
      el('TyperNotation', o.typerNotation),
      el('PromulgationAmount', o.promulgationAmount),
      el('PageAmount', o.pageAmount),
      o.appendixes.length > 0 ? el('Appendixes', o.appendixes.map((a) => el('Appendix', a))) : '',
      el('Classification', o.classification),
    ]),
    ...h.responseFor.map(responseFor),
    el('SteeringType', h.steeringType),
    el('DocumentId', h.documentId),
  ]);
  const b = e.business;
  const traces = el('TraceHeaderList', [
    ...e.traces.map((t) => el('TraceHeader', [el('OrganId', t.organId), el('Timestamp', formatEdxmlTimestamp(t.timestamp))])),
    // "Bussiness" is the spelling of the QCVN 102 schema and of the systems that implement it.
    el('Bussiness', [
      el('BussinessDocType', b.docType),
      el('BussinessDocReason', b.reason),
      b.documentId !== undefined || b.updatedInfo !== undefined ? el('BussinessDocumentInfo', [el('DocumentId', b.documentId), el('UpdatedInfo', b.updatedInfo)]) : '',
      b.replaces.length > 0 ? el('ReplacementInfoList', b.replaces.map((id) => el('ReplacementInfo', [el('DocumentId', id)]))) : '',
    ]),
  ]);
  const manifest = el(
    'Manifest',
    e.attachments.map((a) => el('Reference', [el('ContentId', a.contentId), el('AttachmentName', a.name), el('Description', a.description), el('ContentType', a.contentType)])),
  );
  const attachments = e.attachments.map((a) =>
    el('Attachment', [el('ContentId', a.contentId), el('ContentType', a.contentType), el('ContentTransferEncoded', 'base64'), el('AttachmentName', a.name), el('Description', a.description), `<edXML:Content>${base64Lines(a.content)}</edXML:Content>`]),
  );
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<edXML:edXMLEnvelope xmlns:edXML="${EDXML_NS}">` +
    el('edXMLHeader', [messageHeader, traces]) +
    el('edXMLBody', [manifest, ...attachments]) +
    '</edXML:edXMLEnvelope>'
  );
}

export function buildStatus(s: StatusPacket): string {
  const staff = s.staffInfo;
  const body = el('Status', [
    responseFor(s.responseFor),
    organ('From', s.from),
    el('StatusCode', s.statusCode),
    el('Description', s.description),
    el('Timestamp', formatEdxmlTimestamp(s.timestamp)),
    staff ? el('StaffInfo', [el('Department', staff.department), el('Staff', staff.staff), el('Mobile', staff.mobile), el('Email', staff.email)]) : '',
  ]);
  return '<?xml version="1.0" encoding="UTF-8"?>' + `<edXML:edXMLEnvelope xmlns:edXML="${EDXML_NS}">` + el('edXMLHeader', [body]) + '</edXML:edXMLEnvelope>';
}
