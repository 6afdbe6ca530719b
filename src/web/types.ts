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
