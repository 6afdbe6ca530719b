// The edXML records (QCVN 102:2016/BTTTT and Amendment 1:2022) as plain data: what the builders
// write and the parsers return. Dates are yyyy-mm-dd, timestamps are Dates; the XML forms live in
// dates.ts. Nothing here knows HTTP, SQL or our database records (to-metadata.ts maps those).

export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** An agency as edXML names it: OrganId is the QCVN 102 code (or a national identifier). */
export interface Organ {
  organId: string;
  organName?: string;
  organizationInCharge?: string;
  organAdd?: string;
  email?: string;
  telephone?: string;
  fax?: string;
  website?: string;
}

export const ORGAN_FIELDS = [
  ['organId', 'OrganId'],
  ['organizationInCharge', 'OrganizationInCharge'],
  ['organName', 'OrganName'],
  ['organAdd', 'OrganAdd'],
  ['email', 'Email'],
  ['telephone', 'Telephone'],
  ['fax', 'Fax'],
  ['website', 'Website'],
] as const satisfies ReadonlyArray<readonly [keyof Organ, string]>;

export interface ResponseForRef {
  organId: string;
  code: string;
  /** yyyy-mm-dd */
  promulgationDate: string;
  documentId: string;
}

export interface OtherInfo {
  /** 0 Thường, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc, 4 Hỏa tốc hẹn giờ. */
  priority: number;
  sphereOfPromulgation?: string;
  typerNotation?: string;
  promulgationAmount?: number;
  pageAmount?: number;
  appendixes: string[];
  /**
   * Độ mật. Not in the QCVN 102 sample files (classified documents never travel on an axis): an
   * element this axis writes as NONE so that a peer can refuse a classified one by the same rule.
   */
  classification?: string;
}

export interface MessageHeader {
  from: Organ;
  to: Organ[];
  code: { codeNumber: string; codeNotation: string };
  promulgationInfo: { place: string; date: string };
  documentType: { type?: string; typeName: string };
  subject: string;
  content?: string;
  signerInfo: { competence?: string; position?: string; fullName: string };
  /** yyyy-mm-dd */
  dueDate?: string;
  toPlaces: string[];
  otherInfo: OtherInfo;
  responseFor: ResponseForRef[];
  /** 0 none, 1 directive, 2 report on a directive. */
  steeringType: number;
  /** {senderCode},{yyyy/MM/dd},{number}/{notation} */
  documentId: string;
}

export interface TraceHeader {
  organId: string;
  timestamp: Date;
}

/** 0 new, 1 revocation (thu hồi), 2 update (cập nhật), 3 replacement (thay thế). */
export type BusinessDocType = 0 | 1 | 2 | 3;

export interface Business {
  docType: BusinessDocType;
  reason?: string;
  /** For revocation / update: the DocumentId of the earlier document it concerns. */
  documentId?: string;
  /** For update: the fields changed (free text per QCVN practice). */
  updatedInfo?: string;
  /** For replacement: the DocumentIds this one replaces. */
  replaces: string[];
}

export interface Attachment {
  contentId: string;
  name: string;
  description?: string;
  contentType: string;
  content: Uint8Array;
}

export interface Envelope {
  header: MessageHeader;
  traces: TraceHeader[];
  business: Business;
  attachments: Attachment[];
}

/** 01-06 delivery, 13 recall asked, 15 recall/update agreed, 16 refused. */
export const EDXML_STATUS_CODES = ['01', '02', '03', '04', '05', '06', '13', '15', '16'] as const;
export type EdxmlStatusCode = (typeof EDXML_STATUS_CODES)[number];

export interface StatusPacket {
  responseFor: ResponseForRef;
  from: Organ;
  statusCode: EdxmlStatusCode;
  description?: string;
  timestamp: Date;
  staffInfo?: { department?: string; staff?: string; mobile?: string; email?: string };
}
