// The tables behind ports.ts. Timestamps are timestamptz(3): JavaScript Dates carry milliseconds,
// so a value read back equals the value written (the log hash and the cursors depend on that).
// Enumerations are text with CHECK constraints: adding a value later is a one-line migration.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { VerificationReport } from '../pades/report.js';
import { bytea } from './bytea.js';
import { AGENCY_LEVELS, CSC_API_VERSIONS, CSC_AUTH_MODES, CSC_PENDING_STATUSES, DRAFT_EVENT_KINDS, DRAFT_STATUSES, DRAFT_VERSION_KINDS, ROLES, STATUS_CODES, type DocumentMetadata, type DraftMetadata } from './ports.js';

const id = () => uuid('id').primaryKey().defaultRandom();
const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();
const oneOf = (column: string, values: readonly string[]) =>
  sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);

export const agencies = pgTable(
  'agencies',
  {
    id: id(),
    code: text('code').notNull().unique('agencies_code_unique'),
    name: text('name').notNull(),
    level: text('level').notNull(),
    parentCode: text('parent_code'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  () => [check('agencies_level_check', oneOf('level', AGENCY_LEVELS))],
);

export const users = pgTable(
  'users',
  {
    id: id(),
    agencyId: uuid('agency_id').notNull().references(() => agencies.id),
    name: text('name').notNull(),
    role: text('role').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [index('users_agency_idx').on(t.agencyId), check('users_role_check', oneOf('role', ROLES))],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: id(),
    userId: uuid('user_id').notNull().references(() => users.id),
    tokenHash: text('token_hash').notNull().unique('api_tokens_token_hash_unique'),
    label: text('label').notNull(),
    createdAt: createdAt(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);

export const agencyCertificates = pgTable(
  'agency_certificates',
  {
    id: id(),
    agencyId: uuid('agency_id').notNull().references(() => agencies.id),
    der: bytea('der').notNull(),
    fingerprintSha256: text('fingerprint_sha256').notNull(),
    subject: text('subject').notNull(),
    notBefore: ts('not_before').notNull(),
    notAfter: ts('not_after').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('agency_certificates_agency_fingerprint_unique').on(t.agencyId, t.fingerprintSha256)],
);

export const trustAnchors = pgTable('trust_anchors', {
  id: id(),
  der: bytea('der').notNull(),
  fingerprintSha256: text('fingerprint_sha256').notNull().unique('trust_anchors_fingerprint_unique'),
  subject: text('subject').notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
});

export const crls = pgTable(
  'crls',
  {
    id: id(),
    der: bytea('der').notNull(),
    issuer: text('issuer').notNull(),
    thisUpdate: ts('this_update').notNull(),
    nextUpdate: ts('next_update'),
    createdAt: createdAt(),
  },
  (t) => [index('crls_issuer_idx').on(t.issuer)],
);

/** Content-addressed document bytes. No foreign key points here: an object store may replace it. */
export const blobs = pgTable('blobs', {
  sha256: text('sha256').primaryKey(),
  bytes: bytea('bytes').notNull(),
  size: integer('size').notNull(),
  createdAt: createdAt(),
});

export const documents = pgTable(
  'documents',
  {
    id: id(),
    senderAgencyId: uuid('sender_agency_id').notNull().references(() => agencies.id),
    senderCode: text('sender_code').notNull(),
    // Copied out of the metadata for the unique number rule, filters and ordering.
    year: integer('year').notNull(),
    codeNumber: text('code_number').notNull(),
    codeNotation: text('code_notation').notNull(),
    documentType: text('document_type').notNull(),
    priority: smallint('priority').notNull(),
    metadata: jsonb('metadata').$type<DocumentMetadata>().notNull(),
    edxmlDocumentId: text('edxml_document_id').notNull(),
    fileSha256: text('file_sha256').notNull(),
    fileSize: integer('file_size').notNull(),
    verification: jsonb('verification').$type<VerificationReport>().notNull(),
    createdByUserId: uuid('created_by_user_id').notNull().references(() => users.id),
    idempotencyKey: text('idempotency_key'),
    createdAt: createdAt(),
    // The archival copy (0010; exchange/archive.ts): null until the archive job has run.
    archivalSha256: text('archival_sha256'),
    archivedAt: ts('archived_at'),
    nextRenewalAt: ts('next_renewal_at'),
    archivalDigest: text('archival_digest'),
  },
  (t) => [
    uniqueIndex('documents_sender_number_unique').on(t.senderAgencyId, t.year, t.codeNumber, t.codeNotation),
    uniqueIndex('documents_sender_idempotency_unique')
      .on(t.senderAgencyId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
    index('documents_sender_created_idx').on(t.senderAgencyId, t.createdAt),
    index('documents_created_idx').on(t.createdAt, t.id),
    index('documents_next_renewal_idx')
      .on(t.nextRenewalAt)
      .where(sql`${t.nextRenewalAt} is not null`),
  ],
);

export const deliveries = pgTable(
  'deliveries',
  {
    id: id(),
    documentId: uuid('document_id').notNull().references(() => documents.id),
    recipientAgencyId: uuid('recipient_agency_id').notNull().references(() => agencies.id),
    recipientCode: text('recipient_code').notNull(),
    status: text('status').notNull(),
    statusUpdatedAt: ts('status_updated_at').notNull(),
    withdrawn: boolean('withdrawn').notNull().default(false),
  },
  (t) => [
    uniqueIndex('deliveries_document_recipient_unique').on(t.documentId, t.recipientAgencyId),
    index('deliveries_recipient_status_idx').on(t.recipientAgencyId, t.status),
    check('deliveries_status_check', oneOf('status', STATUS_CODES)),
  ],
);

export const statusEvents = pgTable(
  'status_events',
  {
    id: id(),
    // Insertion order: events of one delivery can share a millisecond, and uuids do not sort.
    ord: bigint('ord', { mode: 'number' }).generatedAlwaysAsIdentity(),
    deliveryId: uuid('delivery_id').notNull().references(() => deliveries.id),
    status: text('status').notNull(),
    reason: text('reason'),
    actorUserId: uuid('actor_user_id').references(() => users.id),
    at: ts('at').notNull(),
    receipt: bytea('receipt'),
  },
  (t) => [
    index('status_events_delivery_idx').on(t.deliveryId, t.ord),
    check('status_events_status_check', oneOf('status', STATUS_CODES)),
  ],
);

/**
 * The hash-chained exchange log. `seq` is assigned by LogStore.append under an advisory lock (no
 * sequence: a rolled-back sequence value would leave a gap). No foreign keys: the log records
 * refusals and failed logins that reference nothing, and must never be blocked by other tables.
 * A trigger (migration exchange_log_append_only) refuses UPDATE, DELETE and TRUNCATE.
 */
export const exchangeLog = pgTable(
  'exchange_log',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull(),
    event: text('event').notNull(),
    actorUserId: uuid('actor_user_id'),
    agencyId: uuid('agency_id'),
    documentId: uuid('document_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('exchange_log_agency_idx').on(t.agencyId),
    index('exchange_log_event_idx').on(t.event),
    index('exchange_log_document_idx').on(t.documentId),
    index('exchange_log_at_idx').on(t.at),
  ],
);

/**
 * Seals over batches of the exchange log (exchange/seal-log.ts): a Merkle root over the entries
 * from_seq..to_seq and an RFC 3161 token over it. from_seq is unique, so two sealers racing over
 * the same entries cannot both commit. Append-only by trigger (migration log_seals_append_only);
 * a seal removed or changed behind it is caught by its own token, the next seal, and the
 * log.sealed entry that recorded it.
 */
export const logSeals = pgTable(
  'log_seals',
  {
    id: id(),
    fromSeq: bigint('from_seq', { mode: 'number' }).notNull(),
    toSeq: bigint('to_seq', { mode: 'number' }).notNull(),
    merkleRoot: text('merkle_root').notNull(),
    timestampToken: bytea('timestamp_token').notNull(),
    sealedAt: ts('sealed_at').notNull(),
  },
  (t) => [uniqueIndex('log_seals_from_seq_unique').on(t.fromSeq), index('log_seals_to_seq_idx').on(t.toSeq), check('log_seals_range_check', sql`${t.fromSeq} <= ${t.toSeq}`)],
);

/**
 * The outgoing register (sổ đăng ký văn bản đi): one gapless number sequence per agency per
 * calendar year in Vietnam time. The counter row is bumped in the same transaction as the entry
 * that uses its number (db/stores/register.ts), so a failed registration rolls both back.
 */
export const registerCounters = pgTable(
  'register_counters',
  {
    agencyId: uuid('agency_id').notNull().references(() => agencies.id),
    year: integer('year').notNull(),
    lastNumber: integer('last_number').notNull(),
  },
  (t) => [primaryKey({ name: 'register_counters_pk', columns: [t.agencyId, t.year] }), check('register_counters_number_check', sql`${t.lastNumber} >= 1`)],
);

export const registerEntries = pgTable(
  'register_entries',
  {
    id: id(),
    agencyId: uuid('agency_id').notNull().references(() => agencies.id),
    year: integer('year').notNull(),
    number: integer('number').notNull(),
    notation: text('notation').notNull(),
    documentType: text('document_type').notNull(),
    subject: text('subject').notNull(),
    signerName: text('signer_name').notNull(),
    registeredAt: ts('registered_at').notNull(),
    registeredBy: uuid('registered_by').notNull().references(() => users.id),
    /** Hex SHA-256 of the signed document before the agency seal went on. */
    documentSha256: text('document_sha256').notNull(),
    /** The sent document, once the sealed file went through the send path. */
    documentId: uuid('document_id').references(() => documents.id),
  },
  (t) => [
    uniqueIndex('register_entries_agency_year_number_unique').on(t.agencyId, t.year, t.number),
    index('register_entries_agency_registered_idx').on(t.agencyId, t.registeredAt, t.id),
    check('register_entries_number_check', sql`${t.number} >= 1`),
    check('register_entries_sha256_check', sql`${t.documentSha256} ~ '^[0-9a-f]{64}$'`),
  ],
);

/** The agency part of a notation when the rule deriving it from the name is not what the agency uses. */
export const registerAbbreviations = pgTable(
  'register_abbreviations',
  {
    agencyId: uuid('agency_id').primaryKey().references(() => agencies.id),
    abbreviation: text('abbreviation').notNull(),
  },
  (t) => [check('register_abbreviations_length_check', sql`char_length(${t.abbreviation}) between 1 and 20`)],
);
/** Migration 0006: the agency seal's PKCS#11 key (see drizzle/0006_agency_seal_keys.sql). */
export const agencySealKeys = pgTable(
  'agency_seal_keys',
  {
    id: id(),
    agencyId: uuid('agency_id').notNull().references(() => agencies.id),
    modulePath: text('module_path').notNull(),
    tokenLabel: text('token_label').notNull(),
    keyLabel: text('key_label'),
    keyId: text('key_id'),
    certificateDer: bytea('certificate_der').notNull(),
    fingerprintSha256: text('fingerprint_sha256').notNull(),
    pinEnv: text('pin_env').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    createdBy: uuid('created_by').references(() => users.id),
  },
  (t) => [
    uniqueIndex('agency_seal_keys_one_active').on(t.agencyId).where(sql`${t.active}`),
    check('agency_seal_keys_key_check', sql`${t.keyLabel} IS NOT NULL OR ${t.keyId} IS NOT NULL`),
  ],
);

/**
 * Sign-in credentials, one row per user who may sign in with a password (programs use bearer
 * tokens instead). Kept out of `users` so a user record never carries a hash. `password_hash`
 * holds the KDF's parameters with the salt and digest (exchange/passwords.ts), so the cost can be
 * raised later; null until the user follows the set-password link.
 */
export const userCredentials = pgTable(
  'user_credentials',
  {
    userId: uuid('user_id').primaryKey().references(() => users.id),
    username: text('username').notNull().unique('user_credentials_username_unique'),
    passwordHash: text('password_hash'),
    passwordChangedAt: ts('password_changed_at'),
    createdAt: createdAt(),
  },
  () => [check('user_credentials_username_check', sql.raw(`username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'`))],
);

/**
 * Failed sign-ins per user NAME, known or not, so a locked name answers the same whether or not
 * such a user exists. `lock_count` makes each lock longer than the last; a sign-in clears the row.
 */
export const signInThrottle = pgTable('sign_in_throttle', {
  username: text('username').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lockCount: integer('lock_count').notNull().default(0),
  lockedUntil: ts('locked_until'),
  updatedAt: ts('updated_at').notNull(),
});

/** Browser sessions: the cookie's random secret is stored only as its SHA-256. */
export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    userId: uuid('user_id').notNull().references(() => users.id),
    secretHash: text('secret_hash').notNull().unique('sessions_secret_hash_unique'),
    createdAt: createdAt(),
    lastSeenAt: ts('last_seen_at').notNull(),
    /** The absolute cap: no use of the session extends it. */
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** One-time set-password links: the token is stored only as its SHA-256; single use, expiring. */
export const passwordLinks = pgTable(
  'password_links',
  {
    id: id(),
    userId: uuid('user_id').notNull().references(() => users.id),
    tokenHash: text('token_hash').notNull().unique('password_links_token_hash_unique'),
    createdAt: createdAt(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [index('password_links_user_idx').on(t.userId)],
);

/** Every role a user holds (users.role stays the primary one). Backfilled from users.role (migration 0008). */
export const userRoles = pgTable(
  'user_roles',
  {
    userId: uuid('user_id').notNull().references(() => users.id),
    role: text('role').notNull(),
  },
  (t) => [uniqueIndex('user_roles_user_role_unique').on(t.userId, t.role), check('user_roles_role_check', oneOf('role', ROLES))],
);

/** A drafter's document before it is signed, registered and sealed (exchange/drafts.ts). */
export const drafts = pgTable(
  'drafts',
  {
    id: id(),
    agencyId: uuid('agency_id').notNull().references(() => agencies.id),
    drafterUserId: uuid('drafter_user_id').notNull().references(() => users.id),
    signerUserId: uuid('signer_user_id').references(() => users.id),
    status: text('status').notNull(),
    metadata: jsonb('metadata').$type<DraftMetadata>().notNull(),
    currentVersion: integer('current_version').notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    index('drafts_agency_updated_idx').on(t.agencyId, t.updatedAt),
    index('drafts_drafter_idx').on(t.drafterUserId),
    index('drafts_signer_idx').on(t.signerUserId),
    check('drafts_status_check', oneOf('status', DRAFT_STATUSES)),
  ],
);

/** Each version's bytes are a blob (content-addressed); versions are never rewritten. */
export const draftVersions = pgTable(
  'draft_versions',
  {
    draftId: uuid('draft_id').notNull().references(() => drafts.id),
    version: integer('version').notNull(),
    kind: text('kind').notNull(),
    fileSha256: text('file_sha256').notNull(),
    fileSize: integer('file_size').notNull(),
    createdByUserId: uuid('created_by_user_id').notNull().references(() => users.id),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [uniqueIndex('draft_versions_draft_version_unique').on(t.draftId, t.version), check('draft_versions_kind_check', oneOf('kind', DRAFT_VERSION_KINDS))],
);

/** The draft's own history (the exchange log has the same steps, hash-chained). */
export const draftEvents = pgTable(
  'draft_events',
  {
    id: id(),
    ord: bigint('ord', { mode: 'number' }).generatedAlwaysAsIdentity(),
    draftId: uuid('draft_id').notNull().references(() => drafts.id),
    kind: text('kind').notNull(),
    actorUserId: uuid('actor_user_id').notNull().references(() => users.id),
    version: integer('version').notNull(),
    comment: text('comment'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    at: ts('at').notNull(),
  },
  (t) => [index('draft_events_draft_idx').on(t.draftId, t.ord), check('draft_events_kind_check', oneOf('kind', DRAFT_EVENT_KINDS))],
);

/** Staged signatures waiting for their raw value (exchange/staged-signing.ts): single use, short-lived. */
export const preparedSignatures = pgTable(
  'prepared_signatures',
  {
    id: id(),
    draftId: uuid('draft_id').notNull().references(() => drafts.id),
    version: integer('version').notNull(),
    userId: uuid('user_id').notNull().references(() => users.id),
    certificateSha256: text('certificate_sha256').notNull(),
    /** base64 DER, signer's certificate first. */
    certificates: jsonb('certificates').$type<string[]>().notNull(),
    record: jsonb('record').$type<Record<string, unknown>>().notNull(),
    update: bytea('update').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [index('prepared_signatures_draft_idx').on(t.draftId)],
);

// ---------- remote signing through a CSC service (issue 13) ----------

/** The OAuth client secret is not here: only the NAME of the variable holding it. */
export const cscProviders = pgTable(
  'csc_providers',
  {
    id: id(),
    name: text('name').notNull(),
    baseUrl: text('base_url').notNull(),
    apiVersion: text('api_version').notNull(),
    oauthTokenUrl: text('oauth_token_url').notNull(),
    clientId: text('client_id').notNull(),
    clientSecretEnv: text('client_secret_env').notNull(),
    agencyIds: jsonb('agency_ids').$type<string[]>().notNull(),
    active: boolean('active').notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('csc_providers_name_unique').on(t.name), check('csc_providers_api_version_check', oneOf('api_version', CSC_API_VERSIONS))],
);

export const cscCredentials = pgTable(
  'csc_credentials',
  {
    id: id(),
    userId: uuid('user_id').notNull().references(() => users.id),
    providerId: uuid('provider_id').notNull().references(() => cscProviders.id),
    credentialId: text('credential_id').notNull(),
    certificateSha256: text('certificate_sha256').notNull(),
    /** base64 DER, signer's certificate first. */
    certificates: jsonb('certificates').$type<string[]>().notNull(),
    keyAlgorithm: text('key_algorithm').notNull(),
    authMode: text('auth_mode').notNull(),
    scal: text('scal').notNull(),
    subject: text('subject').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('csc_credentials_user_provider_credential_unique').on(t.userId, t.providerId, t.credentialId),
    check('csc_credentials_auth_mode_check', oneOf('auth_mode', CSC_AUTH_MODES)),
    check('csc_credentials_scal_check', oneOf('scal', ['1', '2'])),
  ],
);

/** A remote signature in flight; no SAD, no token, only a hash of the callback secret. */
export const cscPending = pgTable(
  'csc_pending',
  {
    id: id(),
    draftId: uuid('draft_id').notNull().references(() => drafts.id),
    userId: uuid('user_id').notNull().references(() => users.id),
    credentialRef: uuid('credential_ref').notNull().references(() => cscCredentials.id),
    preparedId: uuid('prepared_id').notNull().references(() => preparedSignatures.id),
    digest: text('digest').notNull(),
    status: text('status').notNull(),
    transactionId: text('transaction_id'),
    callbackSecretSha256: text('callback_secret_sha256'),
    errorCode: text('error_code'),
    expiresAt: ts('expires_at').notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('csc_pending_status_idx').on(t.status, t.expiresAt), check('csc_pending_status_check', oneOf('status', CSC_PENDING_STATUSES))],
);
