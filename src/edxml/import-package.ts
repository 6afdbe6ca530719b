// Use case: a clerk imports an edXML package produced by another system as a send from their own
// agency. Order: 1. the XML is read safely (no DTD, bounded); 2. a classified level declared in the
// package refuses it, whatever else is wrong, before anything is stored (the same refusal as a
// form send: refuseClassified); 3. the package must be well-formed edXML; 4. its From must be the
// clerk's agency (a clerk cannot send in another agency's name); 5. exactly one PDF attachment,
// which then takes the send path unchanged (send-document.ts: metadata validation, recipients,
// numbering, the stamp scan, signatures, one transaction). An XML signature on the package is not
// required here: the PDF's own signatures carry the legal value and are checked by the send path;
// axis-to-axis receipt (verifyEnvelope against a peer's pinned certificate) is the peer module's.
import { DocaxisError, isDocaxisError } from '../errors.js';
import type { Principal } from '../db/ports.js';
import type { ExchangeDeps } from '../exchange/deps.js';
import { ensureRole } from '../exchange/guard.js';
import { codeOf, logSendRefused } from '../exchange/refusal-log.js';
import { refuseClassified } from '../exchange/refuse-classified.js';
import { sendDocument, type SendResult } from '../exchange/send-document.js';
import { classificationOf } from '../exchange/validate-metadata.js';
import { EDXML_NS } from './model.js';
import { readEnvelope } from './parse.js';
import { childrenNamed, parseSafeXml, type XmlLimits } from './safe-xml.js';
import { metadataInputOf } from './to-metadata.js';
import type { Document } from '@xmldom/xmldom';

/** The elements at `path` under edXMLHeader (every match), read before (and whatever) the rest validates. */
function headerTexts(doc: Document, path: readonly string[]): string[] {
  let level = doc.documentElement ? childrenNamed(doc.documentElement, EDXML_NS, 'edXMLHeader') : [];
  for (const local of path) level = level.flatMap((e) => childrenNamed(e, EDXML_NS, local));
  return level.map((e) => (e.textContent ?? '').trim());
}

/** Number and notation as the package gives them, for the refusal log (never the subject or the file). */
function declaredCode(doc: Document): { codeNumber?: string; codeNotation?: string } {
  return codeOf({ codeNumber: headerTexts(doc, ['MessageHeader', 'Code', 'CodeNumber'])[0], codeNotation: headerTexts(doc, ['MessageHeader', 'Code', 'CodeNotation'])[0] });
}

export async function importPackage(deps: ExchangeDeps, p: Principal, xml: Uint8Array, opts: { limits: XmlLimits; uploadLimitBytes: number; idempotencyKey?: string }): Promise<SendResult> {
  await ensureRole(deps, p, 'import an edXML package', 'clerk');
  let code: { codeNumber?: string; codeNotation?: string } = {};
  try {
    const doc = parseSafeXml(xml, opts.limits);
    code = declaredCode(doc);
    for (const level of headerTexts(doc, ['MessageHeader', 'OtherInfo', 'Classification'])) {
      let found;
      try {
        found = classificationOf({ classification: level });
      } catch {
        continue; // not a level: reported with the other fields below
      }
      if (found !== 'NONE') return await refuseClassified(deps, p, code, found);
    }
    const envelope = readEnvelope(doc);
    if (envelope.header.from.organId !== p.agency.code) {
      throw new DocaxisError('EDXML_FROM_MISMATCH', `From is ${envelope.header.from.organId}, you are ${p.agency.code}`);
    }
    const pdfs = envelope.attachments.filter((a) => a.contentType.toLowerCase() === 'application/pdf');
    if (pdfs.length !== 1 || envelope.attachments.length !== 1) {
      throw new DocaxisError('EDXML_INVALID', 'exactly one attachment, of type application/pdf', { details: { fields: { 'edXMLBody.Attachment': 'exactly one attachment, of type application/pdf' } } });
    }
    // The PDF inside a package is held to the same limit as one uploaded by form.
    if (pdfs[0]!.content.length > opts.uploadLimitBytes) throw new DocaxisError('FILE_TOO_LARGE', `at most ${opts.uploadLimitBytes} bytes (UPLOAD_LIMIT_BYTES)`);
    return await sendDocument(deps, p, { metadata: metadataInputOf(envelope), pdf: pdfs[0]!.content, ...(opts.idempotencyKey !== undefined ? { idempotencyKey: opts.idempotencyKey } : {}) });
  } catch (e) {
    // The send path logs its own refusals; the package's are logged here, never with its content.
    if (isDocaxisError(e) && (e.code.startsWith('EDXML_') || e.code === 'FILE_TOO_LARGE')) await logSendRefused(deps, p, { ...code, code: e.code, via: 'edxml' }).catch(() => undefined);
    throw e;
  }
}
