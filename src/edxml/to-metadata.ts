// Between edXML and our records. Outbound: a stored document (and its file) as an Envelope.
// Inbound: an Envelope as the raw metadata object the send path takes, so that an imported package
// meets exactly the validation of a form send (validate-metadata.ts: closed shape, classification
// first and fail-closed, field limits, agency codes checked against the directory by the policy).
import type { BusinessType, ExchangeDocument } from '../db/ports.js';
import { documentTypeName } from '../exchange/document-types.js';
import type { Attachment, BusinessDocType, Envelope, Organ, ResponseForRef } from './model.js';

const BUSINESS_TO_EDXML: Readonly<Record<BusinessType, BusinessDocType>> = { new: 0, recall: 1, update: 2, replace: 3 };

export interface OutboundContext {
  senderName: string;
  recipientNames: ReadonlyMap<string, string>;
  /** The documents named by responseFor / relatedDocumentId, by our id, when the caller found them. */
  related: ReadonlyMap<string, ExchangeDocument>;
  pdf: Uint8Array;
  fileName: string;
  axisCode: string | undefined;
  now: Date;
}

/** How edXML names one of our documents when answering or referring to it. */
export function refOf(d: ExchangeDocument): ResponseForRef {
  return { organId: d.senderCode, code: `${d.metadata.codeNumber}/${d.metadata.codeNotation}`, promulgationDate: d.metadata.promulgationDate, documentId: d.edxmlDocumentId };
}

export function envelopeOf(d: ExchangeDocument, c: OutboundContext): Envelope {
  const m = d.metadata;
  const organ = (code: string, name: string | undefined): Organ => ({ organId: code, ...(name ? { organName: name } : {}) });
  const related = m.relatedDocumentId ? c.related.get(m.relatedDocumentId) : undefined;
  const attachment: Attachment = { contentId: `${d.fileSha256.slice(0, 32)}@docaxis`, name: c.fileName, description: m.subject.slice(0, 200), contentType: 'application/pdf', content: c.pdf };
  return {
    header: {
      from: organ(d.senderCode, c.senderName),
      to: m.recipients.map((code) => organ(code, c.recipientNames.get(code))),
      code: { codeNumber: m.codeNumber, codeNotation: m.codeNotation },
      promulgationInfo: { place: m.promulgationPlace, date: m.promulgationDate },
      documentType: { typeName: m.documentType },
      subject: m.subject,
      signerInfo: { ...(m.signer.competence ? { competence: m.signer.competence } : {}), ...(m.signer.position ? { position: m.signer.position } : {}), fullName: m.signer.fullName },
      ...(m.dueDate ? { dueDate: m.dueDate } : {}),
      toPlaces: m.recipients.map((code) => c.recipientNames.get(code) ?? code),
      otherInfo: { priority: m.priority, appendixes: [], classification: m.classification },
      responseFor: m.responseFor.flatMap((id) => {
        const r = c.related.get(id);
        return r ? [refOf(r)] : [];
      }),
      steeringType: m.steeringType,
      documentId: d.edxmlDocumentId,
    },
    traces: [{ organId: d.senderCode, timestamp: d.createdAt }, ...(c.axisCode ? [{ organId: c.axisCode, timestamp: c.now }] : [])],
    business: { docType: BUSINESS_TO_EDXML[m.businessType], ...(related ? { documentId: related.edxmlDocumentId } : {}), replaces: m.businessType === 'replace' && related ? [related.edxmlDocumentId] : [] },
    attachments: [attachment],
  };
}

/**
 * The raw metadata (the send's input shape) an envelope declares. Nothing is defaulted that the
 * form send requires: a package without a classification is refused like a form without one.
 */
export function metadataInputOf(e: Envelope): Record<string, unknown> {
  const h = e.header;
  const raw: Record<string, unknown> = {
    codeNumber: h.code.codeNumber,
    codeNotation: h.code.codeNotation,
    // By name first (numeric codes differ between systems), the abbreviation as the notation's hint.
    documentType: documentTypeName(h.documentType.typeName) ?? h.documentType.typeName,
    subject: h.subject,
    promulgationPlace: h.promulgationInfo.place,
    promulgationDate: h.promulgationInfo.date,
    signer: { fullName: h.signerInfo.fullName, ...(h.signerInfo.competence ? { competence: h.signerInfo.competence } : {}), ...(h.signerInfo.position ? { position: h.signerInfo.position } : {}) },
    priority: h.otherInfo.priority,
    steeringType: h.steeringType,
    businessType: String(e.business.docType),
    recipients: h.to.map((t) => t.organId),
  };
  if (h.dueDate) raw['dueDate'] = h.dueDate;
  const related = e.business.documentId ?? e.business.replaces[0];
  if (e.business.docType !== 0 && related) raw['relatedDocumentId'] = related;
  if (h.otherInfo.classification !== undefined) raw['classification'] = h.otherInfo.classification;
  return raw;
}
