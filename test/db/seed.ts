// Test data for the store contracts: every call makes fresh codes, so tests sharing one database
// (see forEachDatabase) never collide.
import { randomBytes, randomInt } from 'node:crypto';
import type { VerificationReport } from '../../src/pades/report.js';
import type { Agency, DocumentMetadata, ExchangeDocument, Priority, Stores, User } from '../../src/db/ports.js';

export const sha = (): string => randomBytes(32).toString('hex');

export function agencyCode(): string {
  return `000.${String(randomInt(100)).padStart(2, '0')}.${String(randomInt(100)).padStart(2, '0')}.H${String(randomInt(100)).padStart(2, '0')}.${randomBytes(3).toString('hex')}`;
}

export async function seedAgency(s: Stores, over: Partial<Omit<Agency, 'id' | 'createdAt'>> = {}): Promise<Agency> {
  return s.agencies.insert({ code: agencyCode(), name: 'Sở Nội vụ', level: 'province', parentCode: null, active: true, ...over });
}

export async function seedUser(s: Stores, agencyId: string, over: Partial<Omit<User, 'id' | 'createdAt'>> = {}): Promise<User> {
  return s.users.insert({ agencyId, name: 'Nguyễn Văn A', role: 'clerk', active: true, ...over });
}

export const REPORT = {
  reportVersion: 1,
  file: { size: 3, sha256: 'ab', revisions: 2 },
  document: { verdict: 'valid', indication: 'TOTAL_PASSED', subIndication: null, summary: 'ok' },
  signatures: [],
} as unknown as VerificationReport;

export function metadata(over: Partial<DocumentMetadata> = {}): DocumentMetadata {
  return {
    codeNumber: String(randomInt(1, 1_000_000)),
    codeNotation: 'UBND-VP',
    documentType: 'Công văn',
    subject: 'Về việc triển khai văn bản điện tử',
    promulgationPlace: 'Hà Nội',
    promulgationDate: '2025-03-04',
    signer: { competence: 'TM.', position: 'Chủ tịch', fullName: 'Trần Thị B' },
    priority: 0,
    steeringType: 0,
    dueDate: null,
    responseFor: [],
    businessType: 'new',
    relatedDocumentId: null,
    recipients: ['000.00.13.H54'],
    classification: 'NONE',
    ...over,
  };
}

export function documentInput(
  sender: Agency,
  user: User,
  over: { metadata?: Partial<DocumentMetadata>; idempotencyKey?: string | null; priority?: Priority } = {},
): Omit<ExchangeDocument, 'id' | 'createdAt'> {
  const m = metadata({ ...over.metadata, ...(over.priority === undefined ? {} : { priority: over.priority }) });
  return {
    senderAgencyId: sender.id,
    senderCode: sender.code,
    metadata: m,
    edxmlDocumentId: `${sender.code},2025/03/04,${m.codeNumber}/${m.codeNotation}`,
    year: 2025,
    fileSha256: sha(),
    fileSize: 1234,
    verification: REPORT,
    createdByUserId: user.id,
    idempotencyKey: over.idempotencyKey ?? null,
  };
}
