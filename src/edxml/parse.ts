// Reads edXML packages and Status packets, from untrusted bytes, into the records of model.ts, or
// one EDXML_INVALID listing every bad field ({ fields: { 'MessageHeader.Code.CodeNumber': 'required' } }).
// The XML itself goes through safe-xml.ts first (no DTD, bounded size, depth and count).
// Lenient where real systems differ: dates in three forms, "Business" or "Bussiness", elements of
// other namespaces and edXML elements this axis does not use are ignored. Strict on structure:
// a field given twice, a missing required field, a number or date that does not parse.
import type { Document, Element } from '@xmldom/xmldom';
import { DocaxisError } from '../errors.js';
import { parseEdxmlDate, parseEdxmlTimestamp } from './dates.js';
import {
  EDXML_NS,
  EDXML_STATUS_CODES,
  ORGAN_FIELDS,
  type Attachment,
  type Business,
  type BusinessDocType,
  type EdxmlStatusCode,
  type Envelope,
  type MessageHeader,
  type Organ,
  type ResponseForRef,
  type StatusPacket,
  type TraceHeader,
} from './model.js';
import { childElements, childrenNamed, DEFAULT_XML_LIMITS, parseSafeXml, type XmlLimits } from './safe-xml.js';

const MAX_TEXT = 100_000;

class Reader {
  readonly errors: Record<string, string> = Object.create(null) as Record<string, string>;

  fail(path: string, message: string): undefined {
    this.errors[path] ??= message;
    return undefined;
  }

  /** The one child element `local`; two is an error, none is an error when required. */
  one(parent: Element | undefined, local: string, path: string, required: boolean, alt?: string): Element | undefined {
    if (!parent) return undefined;
    const found = [...childrenNamed(parent, EDXML_NS, local), ...(alt ? childrenNamed(parent, EDXML_NS, alt) : [])];
    if (found.length > 1) return this.fail(path, 'given more than once');
    if (found.length === 0) return required ? this.fail(path, 'required') : undefined;
    return found[0];
  }

  /** The text of an element that must hold text only. */
  textOf(e: Element, path: string, max = MAX_TEXT): string | undefined {
    if (childElements(e).length > 0) return this.fail(path, 'must hold text, not elements');
    const s = (e.textContent ?? '').trim();
    if (s.length > max) return this.fail(path, `at most ${max} characters`);
    return s;
  }

  text(parent: Element | undefined, local: string, path: string, required: boolean, max = MAX_TEXT): string | undefined {
    const e = this.one(parent, local, path, required);
    if (!e) return undefined;
    const s = this.textOf(e, path, max);
    if (s === '' && required) return this.fail(path, 'required');
    return s === '' ? undefined : s;
  }

  date(parent: Element | undefined, local: string, path: string, required: boolean): string | undefined {
    const s = this.text(parent, local, path, required, 32);
    if (s === undefined) return undefined;
    return parseEdxmlDate(s) ?? this.fail(path, 'a date as yyyy/MM/dd (or dd/MM/yyyy)');
  }

  timestamp(parent: Element | undefined, local: string, path: string): Date | undefined {
    const s = this.text(parent, local, path, true, 40);
    if (s === undefined) return undefined;
    return parseEdxmlTimestamp(s) ?? this.fail(path, 'a timestamp as yyyy/MM/dd HH:mm:ss');
  }

  integer(parent: Element | undefined, local: string, path: string, opts: { required: boolean; min: number; max: number; fallback?: number }): number | undefined {
    const s = this.text(parent, local, path, opts.required && opts.fallback === undefined, 12);
    if (s === undefined) return opts.fallback;
    const n = /^\d+$/.test(s) ? Number(s) : NaN;
    return Number.isInteger(n) && n >= opts.min && n <= opts.max ? n : this.fail(path, `an integer from ${opts.min} to ${opts.max}`);
  }

  organ(e: Element | undefined, path: string): Organ | undefined {
    if (!e) return undefined;
    const o: Partial<Organ> = {};
    for (const [key, tag] of ORGAN_FIELDS) {
      const v = this.text(e, tag, `${path}.${tag}`, key === 'organId', 500);
      if (v !== undefined) o[key] = v;
    }
    return o.organId === undefined ? undefined : (o as Organ);
  }

  responseFor(e: Element, path: string): ResponseForRef | undefined {
    const organId = this.text(e, 'OrganId', `${path}.OrganId`, true, 200);
    const code = this.text(e, 'Code', `${path}.Code`, true, 100);
    const promulgationDate = this.date(e, 'PromulgationDate', `${path}.PromulgationDate`, true);
    const documentId = this.text(e, 'DocumentId', `${path}.DocumentId`, true, 300);
    return organId && code && promulgationDate && documentId ? { organId, code, promulgationDate, documentId } : undefined;
  }

  throwIfAny(what: string): void {
    const entries = Object.entries(this.errors);
    if (entries.length > 0) {
      throw new DocaxisError('EDXML_INVALID', `${what}: ${entries.map(([k, v]) => `${k}: ${v}`).join('; ')}`, { details: { fields: { ...this.errors } } });
    }
  }
}

function rootOf(doc: Document, r: Reader): Element {
  const root = doc.documentElement!;
  if (root.namespaceURI !== EDXML_NS || root.localName !== 'edXMLEnvelope') {
    r.fail('edXMLEnvelope', `the root must be edXML:edXMLEnvelope in ${EDXML_NS}`);
    r.throwIfAny('not an edXML package');
  }
  return root;
}

function messageHeader(r: Reader, header: Element | undefined): MessageHeader | undefined {
  const P = 'MessageHeader';
  const m = r.one(header, 'MessageHeader', P, true);
  if (!m) return undefined;
  const from = r.organ(r.one(m, 'From', `${P}.From`, true), `${P}.From`);
  const toEls = childrenNamed(m, EDXML_NS, 'To');
  if (toEls.length === 0) r.fail(`${P}.To`, 'at least one recipient');
  const to = toEls.map((e, i) => r.organ(e, `${P}.To[${i}]`));
  const code = r.one(m, 'Code', `${P}.Code`, true);
  const codeNumber = r.text(code, 'CodeNumber', `${P}.Code.CodeNumber`, true, 11);
  const codeNotation = r.text(code, 'CodeNotation', `${P}.Code.CodeNotation`, true, 30);
  const pi = r.one(m, 'PromulgationInfo', `${P}.PromulgationInfo`, true);
  const place = r.text(pi, 'Place', `${P}.PromulgationInfo.Place`, true, 200);
  const date = r.date(pi, 'PromulgationDate', `${P}.PromulgationInfo.PromulgationDate`, true);
  const dt = r.one(m, 'DocumentType', `${P}.DocumentType`, true);
  const type = r.text(dt, 'Type', `${P}.DocumentType.Type`, false, 20);
  const typeName = r.text(dt, 'TypeName', `${P}.DocumentType.TypeName`, true, 100);
  const subject = r.text(m, 'Subject', `${P}.Subject`, true, 500);
  const content = r.text(m, 'Content', `${P}.Content`, false);
  const si = r.one(m, 'SignerInfo', `${P}.SignerInfo`, true);
  const competence = r.text(si, 'Competence', `${P}.SignerInfo.Competence`, false, 200);
  const position = r.text(si, 'Position', `${P}.SignerInfo.Position`, false, 200);
  const fullName = r.text(si, 'FullName', `${P}.SignerInfo.FullName`, true, 200);
  const dueDate = r.date(m, 'DueDate', `${P}.DueDate`, false);
  const tp = r.one(m, 'ToPlaces', `${P}.ToPlaces`, false);
  const toPlaces = tp ? childrenNamed(tp, EDXML_NS, 'Place').map((e, i) => r.textOf(e, `${P}.ToPlaces.Place[${i}]`, 500) ?? '') : [];
  const oi = r.one(m, 'OtherInfo', `${P}.OtherInfo`, false);
  const OI = `${P}.OtherInfo`;
  const priority = r.integer(oi, 'Priority', `${OI}.Priority`, { required: false, min: 0, max: 4, fallback: 0 });
  const sphereOfPromulgation = r.text(oi, 'SphereOfPromulgation', `${OI}.SphereOfPromulgation`, false, 500);
  const typerNotation = r.text(oi, 'TyperNotation', `${OI}.TyperNotation`, false, 100);
  const promulgationAmount = r.integer(oi, 'PromulgationAmount', `${OI}.PromulgationAmount`, { required: false, min: 0, max: 1_000_000 });
  const pageAmount = r.integer(oi, 'PageAmount', `${OI}.PageAmount`, { required: false, min: 0, max: 1_000_000 });
  const ap = r.one(oi, 'Appendixes', `${OI}.Appendixes`, false);
  const appendixes = ap ? childrenNamed(ap, EDXML_NS, 'Appendix').map((e, i) => r.textOf(e, `${OI}.Appendixes.Appendix[${i}]`, 500) ?? '') : [];
  const classification = r.text(oi, 'Classification', `${OI}.Classification`, false, 50);
  const responseFor = childrenNamed(m, EDXML_NS, 'ResponseFor').map((e, i) => r.responseFor(e, `${P}.ResponseFor[${i}]`));
  const steeringType = r.integer(m, 'SteeringType', `${P}.SteeringType`, { required: false, min: 0, max: 2, fallback: 0 });
  const documentId = r.text(m, 'DocumentId', `${P}.DocumentId`, true, 300);
  if (Object.keys(r.errors).length > 0) return undefined;
  return {
    from: from!,
    to: to as Organ[],
    code: { codeNumber: codeNumber!, codeNotation: codeNotation! },
    promulgationInfo: { place: place!, date: date! },
    documentType: { ...(type !== undefined ? { type } : {}), typeName: typeName! },
    subject: subject!,
    ...(content !== undefined ? { content } : {}),
    signerInfo: { ...(competence !== undefined ? { competence } : {}), ...(position !== undefined ? { position } : {}), fullName: fullName! },
    ...(dueDate !== undefined ? { dueDate } : {}),
    toPlaces,
    otherInfo: {
      priority: priority!,
      ...(sphereOfPromulgation !== undefined ? { sphereOfPromulgation } : {}),
      ...(typerNotation !== undefined ? { typerNotation } : {}),
      ...(promulgationAmount !== undefined ? { promulgationAmount } : {}),
      ...(pageAmount !== undefined ? { pageAmount } : {}),
      appendixes,
      ...(classification !== undefined ? { classification } : {}),
    },
    responseFor: responseFor as ResponseForRef[],
    steeringType: steeringType!,
    documentId: documentId!,
  };
}

function traceList(r: Reader, header: Element | undefined): { traces: TraceHeader[]; business: Business } {
  const P = 'TraceHeaderList';
  const list = r.one(header, 'TraceHeaderList', P, false);
  const traces = list
    ? childrenNamed(list, EDXML_NS, 'TraceHeader').map((t, i) => ({ organId: r.text(t, 'OrganId', `${P}.TraceHeader[${i}].OrganId`, true, 200), timestamp: r.timestamp(t, 'Timestamp', `${P}.TraceHeader[${i}].Timestamp`) }))
    : [];
  const b = r.one(list, 'Bussiness', `${P}.Bussiness`, false, 'Business');
  const B = `${P}.Bussiness`;
  const docType = (r.integer(b, 'BussinessDocType', `${B}.BussinessDocType`, { required: false, min: 0, max: 3 }) ?? r.integer(b, 'BusinessDocType', `${B}.BussinessDocType`, { required: false, min: 0, max: 3, fallback: 0 })) as BusinessDocType;
  const reason = r.text(b, 'BussinessDocReason', `${B}.BussinessDocReason`, false, 2000) ?? r.text(b, 'BusinessDocReason', `${B}.BussinessDocReason`, false, 2000);
  const info = r.one(b, 'BussinessDocumentInfo', `${B}.BussinessDocumentInfo`, false, 'BusinessDocumentInfo');
  const documentId = r.text(info, 'DocumentId', `${B}.BussinessDocumentInfo.DocumentId`, false, 300);
  const updatedInfo = r.text(info, 'UpdatedInfo', `${B}.BussinessDocumentInfo.UpdatedInfo`, false, 2000);
  const rl = r.one(b, 'ReplacementInfoList', `${B}.ReplacementInfoList`, false);
  const replaces = rl ? childrenNamed(rl, EDXML_NS, 'ReplacementInfo').map((e, i) => r.text(e, 'DocumentId', `${B}.ReplacementInfoList.ReplacementInfo[${i}].DocumentId`, true, 300) ?? '') : [];
  if (docType !== 0 && docType !== undefined && documentId === undefined && replaces.length === 0) r.fail(`${B}.BussinessDocumentInfo.DocumentId`, 'required for a revocation, update or replacement');
  return {
    traces: traces as TraceHeader[],
    business: { docType: docType ?? 0, ...(reason !== undefined ? { reason } : {}), ...(documentId !== undefined ? { documentId } : {}), ...(updatedInfo !== undefined ? { updatedInfo } : {}), replaces },
  };
}

/**
 * Strict base64 (padded, no stray characters), checked in linear time: a grouped repetition
 * regex overflows the stack on a multi-megabyte attachment.
 */
function isBase64(s: string): boolean {
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
}

function attachmentsOf(r: Reader, body: Element | undefined): Attachment[] {
  if (!body) return [];
  const out: Attachment[] = [];
  childrenNamed(body, EDXML_NS, 'Attachment').forEach((a, i) => {
    const A = `edXMLBody.Attachment[${i}]`;
    const contentId = r.text(a, 'ContentId', `${A}.ContentId`, true, 200);
    const contentType = r.text(a, 'ContentType', `${A}.ContentType`, true, 200);
    const encoding = r.text(a, 'ContentTransferEncoded', `${A}.ContentTransferEncoded`, false, 20);
    if (encoding !== undefined && encoding.toLowerCase() !== 'base64') r.fail(`${A}.ContentTransferEncoded`, 'only base64');
    const name = r.text(a, 'AttachmentName', `${A}.AttachmentName`, true, 300);
    const description = r.text(a, 'Description', `${A}.Description`, false, 2000);
    const c = r.one(a, 'Content', `${A}.Content`, true);
    const b64 = c ? (r.textOf(c, `${A}.Content`, Number.MAX_SAFE_INTEGER) ?? '').replace(/\s+/g, '') : '';
    if (c && !isBase64(b64)) r.fail(`${A}.Content`, 'not base64');
    if (contentId && contentType && name) out.push({ contentId, name, ...(description !== undefined ? { description } : {}), contentType, content: new Uint8Array(Buffer.from(b64, 'base64')) });
  });
  const ids = out.map((a) => a.contentId);
  const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dupes.length > 0) r.fail('edXMLBody.Attachment', `duplicate ContentId: ${[...new Set(dupes)].join(', ')}`);
  // The manifest, when present, must list exactly the attachments carried.
  const manifest = r.one(body, 'Manifest', 'edXMLBody.Manifest', false);
  if (manifest) {
    const listed = childrenNamed(manifest, EDXML_NS, 'Reference').map((ref, i) => r.text(ref, 'ContentId', `edXMLBody.Manifest.Reference[${i}].ContentId`, true, 200));
    const missing = ids.filter((id) => !listed.includes(id));
    const extra = listed.filter((id) => id !== undefined && !ids.includes(id));
    if (missing.length > 0 || extra.length > 0) r.fail('edXMLBody.Manifest', `must list exactly the attachments carried (${[...missing, ...extra].join(', ')})`);
  }
  return out;
}

/** An edXML package from a Document already parsed by parseSafeXml (xml-signature.ts hands its signed copy). */
export function readEnvelope(doc: Document): Envelope {
  const r = new Reader();
  const root = rootOf(doc, r);
  const header = r.one(root, 'edXMLHeader', 'edXMLHeader', true);
  const body = r.one(root, 'edXMLBody', 'edXMLBody', false);
  const h = messageHeader(r, header);
  const { traces, business } = traceList(r, header);
  const attachments = attachmentsOf(r, body);
  r.throwIfAny('invalid edXML package');
  return { header: h!, traces, business, attachments };
}

export function parseEnvelope(xml: Uint8Array | string, limits: XmlLimits = DEFAULT_XML_LIMITS): Envelope {
  return readEnvelope(parseSafeXml(xml, limits));
}

export function parseStatus(xml: Uint8Array | string, limits: XmlLimits = DEFAULT_XML_LIMITS): StatusPacket {
  const doc = parseSafeXml(xml, limits);
  const r = new Reader();
  const root = rootOf(doc, r);
  const header = r.one(root, 'edXMLHeader', 'edXMLHeader', true);
  const s = r.one(header, 'Status', 'Status', true);
  const rfEl = r.one(s, 'ResponseFor', 'Status.ResponseFor', true);
  const responseFor = rfEl ? r.responseFor(rfEl, 'Status.ResponseFor') : undefined;
  const from = r.organ(r.one(s, 'From', 'Status.From', true), 'Status.From');
  const code = r.text(s, 'StatusCode', 'Status.StatusCode', true, 2);
  const statusCode = code === undefined ? undefined : (EDXML_STATUS_CODES.find((c) => c === code) ?? r.fail('Status.StatusCode', `one of ${EDXML_STATUS_CODES.join(', ')}`));
  const description = r.text(s, 'Description', 'Status.Description', false, 2000);
  if ((statusCode === '02' || statusCode === '16') && description === undefined) r.fail('Status.Description', `required for status ${statusCode} (the reason)`);
  const timestamp = r.timestamp(s, 'Timestamp', 'Status.Timestamp');
  const si = r.one(s, 'StaffInfo', 'Status.StaffInfo', false);
  const staff = si
    ? Object.fromEntries(
        (['Department', 'Staff', 'Mobile', 'Email'] as const).flatMap((tag) => {
          const v = r.text(si, tag, `Status.StaffInfo.${tag}`, false, 300);
          return v === undefined ? [] : [[tag.charAt(0).toLowerCase() + tag.slice(1), v]];
        }),
      )
    : undefined;
  r.throwIfAny('invalid edXML Status');
  return { responseFor: responseFor!, from: from!, statusCode: statusCode as EdxmlStatusCode, ...(description !== undefined ? { description } : {}), timestamp: timestamp!, ...(staff ? { staffInfo: staff } : {}) };
}
