// The JSON shapes the UI reads from /api/v1 (src/http/schemas/records.ts is the source of truth;
// only the fields the screens use are listed).
import type { Report } from './components/report-view.js';

export interface Metadata {
  codeNumber: string;
  codeNotation: string;
  documentType: string;
  subject: string;
  promulgationPlace: string;
  promulgationDate: string;
  signer: { competence: string | null; position: string | null; fullName: string };
  priority: number;
  steeringType: number;
  dueDate: string | null;
  responseFor: string[];
  businessType: 'new' | 'update' | 'replace' | 'recall';
  relatedDocumentId: string | null;
  recipients: string[];
  classification: 'NONE' | 'MAT' | 'TOI_MAT' | 'TUYET_MAT';
}

export interface ExchangeDocument {
  id: string;
  senderCode: string;
  metadata: Metadata;
  edxmlDocumentId: string;
  year: number;
  fileSha256: string;
  fileSize: number;
  createdAt: string;
}

export interface Delivery {
  id: string;
  documentId: string;
  recipientCode: string;
  status: string;
  statusUpdatedAt: string;
  withdrawn: boolean;
}

export interface StatusEvent {
  id: string;
  status: string;
  reason: string | null;
  actorUserId: string | null;
  /** Who acted, by name and agency (GET /documents/:id and the answers of status changes). */
  actor?: { name: string; agencyCode: string; agencyName: string } | null;
  at: string;
  /** base64 DER CMS signed by the axis. */
  receipt: string | null;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

/** GET /inbox: my agency's delivery with each document. */
export interface MailboxItem {
  document: ExchangeDocument;
  delivery?: Delivery;
}

/** GET /outbox: every recipient's delivery with each document. */
export interface OutboxItem {
  document: ExchangeDocument;
  deliveries: Delivery[];
}

export interface DocumentDetail {
  document: ExchangeDocument & { verification: Report };
  deliveries: Array<Delivery & { events: StatusEvent[] }>;
}

export interface PickerAgency {
  id: string;
  code: string;
  name: string;
  level: 'central' | 'province' | 'district' | 'commune';
  parentCode: string | null;
}

export interface Agency extends PickerAgency {
  active: boolean;
  createdAt: string;
}

export interface LogEntry {
  seq: number;
  at: string;
  event: string;
  actorUserId: string | null;
  agencyId: string | null;
  documentId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** A draft (GET /drafts/:id): the send form's metadata without the number. */
export type DraftMetadata = Omit<Metadata, 'codeNumber'>;
export type DraftStatus = 'draft' | 'submitted' | 'returned' | 'signed';

export interface Draft {
  id: string;
  agencyId: string;
  drafterUserId: string;
  signerUserId: string | null;
  status: DraftStatus;
  metadata: DraftMetadata;
  currentVersion: number;
  createdAt: string;
  updatedAt: string;
}

export interface DraftVersion {
  draftId: string;
  version: number;
  kind: 'upload' | 'revision' | 'signed';
  fileSha256: string;
  fileSize: number;
  createdByUserId: string;
  createdAt: string;
}

export interface DraftEvent {
  id: string;
  draftId: string;
  kind: string;
  actorUserId: string;
  version: number;
  comment: string | null;
  details: Record<string, unknown>;
  at: string;
}

export interface DraftDetail {
  draft: Draft;
  versions: DraftVersion[];
  events: DraftEvent[];
}

/** Where a widget goes, in PDF points from the page's lower-left corner (page 1-based). */
export interface PagePlacement {
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** POST /drafts/:id/seal-and-send's answer. */
export interface SealAndSendResult {
  registerEntry: { number: number; year: number; notation: string; registeredAt: string };
  documentId: string;
}

/** GET /register: one entry of the outgoing register. */
export interface RegisterEntry {
  id: string;
  year: number;
  number: number;
  notation: string;
  documentType: string;
  subject: string;
  signerName: string;
  registeredAt: string;
  documentId: string | null;
}
