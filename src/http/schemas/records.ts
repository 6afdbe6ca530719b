// Response shapes of the records in db/ports.ts. Explicit fields only: fast-json-stringify drops
// anything else, so a DER blob, a token hash or an internal column can never slip into an answer.
import { Type } from 'typebox';
import { AGENCY_LEVELS, BUSINESS_TYPES, CLASSIFICATIONS, LOG_EVENTS, ROLES, STATUS_CODES, type Priority, type SteeringType } from '../../db/ports.js';
import { DateTime, Uuid } from './common.js';

// Unsafe<T>: the JSON Schema is a plain enum, the static type is the ports.ts union.
const literals = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const StatusCodeSchema = literals(STATUS_CODES);
export const LogEventSchema = literals(LOG_EVENTS);
export const RoleSchema = literals(ROLES);
export const LevelSchema = literals(AGENCY_LEVELS);
export const PrioritySchema = Type.Unsafe<Priority>({ type: 'integer', enum: [0, 1, 2, 3, 4] });

export const AgencySchema = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  level: LevelSchema,
  parentCode: Nullable(Type.String()),
  active: Type.Boolean(),
  createdAt: DateTime,
});

export const UserSchema = Type.Object({
  id: Uuid,
  agencyId: Uuid,
  name: Type.String(),
  role: RoleSchema,
  roles: Type.Optional(Type.Array(RoleSchema, { description: 'Every role the user holds, the primary `role` included' })),
  active: Type.Boolean(),
  createdAt: DateTime,
});

export const TokenSchema = Type.Object({
  id: Uuid,
  userId: Uuid,
  label: Type.String(),
  createdAt: DateTime,
  revokedAt: Nullable(DateTime),
});

export const CertificateSchema = Type.Object({
  id: Uuid,
  agencyId: Uuid,
  fingerprintSha256: Type.String(),
  subject: Type.String(),
  notBefore: DateTime,
  notAfter: DateTime,
  active: Type.Boolean(),
  createdAt: DateTime,
});

export const TrustAnchorSchema = Type.Object({
  id: Uuid,
  fingerprintSha256: Type.String(),
  subject: Type.String(),
  active: Type.Boolean(),
  createdAt: DateTime,
});

export const CrlSchema = Type.Object({
  id: Uuid,
  issuer: Type.String(),
  thisUpdate: DateTime,
  nextUpdate: Nullable(DateTime),
  createdAt: DateTime,
});

export const MetadataSchema = Type.Object(
  {
    codeNumber: Type.String({ maxLength: 11 }),
    codeNotation: Type.String({ maxLength: 30 }),
    documentType: Type.String(),
    subject: Type.String({ maxLength: 500 }),
    promulgationPlace: Type.String(),
    promulgationDate: Type.String({ description: 'yyyy-mm-dd' }),
    signer: Type.Object({ competence: Nullable(Type.String()), position: Nullable(Type.String()), fullName: Type.String() }),
    priority: PrioritySchema,
    steeringType: Type.Unsafe<SteeringType>({ type: 'integer', enum: [0, 1, 2] }),
    dueDate: Nullable(Type.String()),
    responseFor: Type.Array(Type.String()),
    businessType: literals(BUSINESS_TYPES),
    relatedDocumentId: Nullable(Type.String()),
    recipients: Type.Array(Type.String(), { minItems: 1 }),
    classification: literals(CLASSIFICATIONS),
  },
  { description: 'edXML / QCVN 102 document metadata (docs/domain.md)' },
);

export const DocumentSchema = Type.Object({
  id: Uuid,
  senderCode: Type.String(),
  metadata: MetadataSchema,
  edxmlDocumentId: Type.String(),
  year: Type.Integer(),
  fileSha256: Type.String(),
  fileSize: Type.Integer(),
  createdAt: DateTime,
});

export const DeliverySchema = Type.Object({
  id: Uuid,
  documentId: Uuid,
  recipientCode: Type.String(),
  status: StatusCodeSchema,
  statusUpdatedAt: DateTime,
  withdrawn: Type.Boolean(),
});

export const StatusEventSchema = Type.Object({
  id: Uuid,
  status: StatusCodeSchema,
  reason: Nullable(Type.String()),
  actorUserId: Nullable(Uuid),
  actor: Type.Optional(
    Nullable(
      Type.Object(
        { name: Type.String({ description: 'Full name' }), agencyCode: Type.String(), agencyName: Type.String() },
        { description: 'Who acted (null: the axis itself, or a user no longer known)' },
      ),
    ),
  ),
  at: DateTime,
  /** Base64 DER CMS: the axis's signed receipt for this event. */
  receipt: Nullable(Type.String({ description: 'base64 DER CMS SignedData over the event (axis receipt)' })),
});

export const LogEntrySchema = Type.Object({
  seq: Type.Integer(),
  at: DateTime,
  event: LogEventSchema,
  actorUserId: Nullable(Type.String()),
  agencyId: Nullable(Type.String()),
  documentId: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
  prevHash: Type.String(),
  hash: Type.String(),
});

/** The stored or fresh verification report (src/pades/report.ts), passed through as JSON. */
export const ReportSchema = Type.Unknown({ description: 'Verification report (ETSI EN 319 102-1 indications per signature)' });
