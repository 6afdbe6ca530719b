// What the axis stores and the interfaces to reach it. The use cases in src/exchange take a
// `Stores` as an argument, so they run the same against PGlite, PostgreSQL and a test double.
// Plain records: no ORM types leak above this line.
import type { CscStore } from './ports-csc.js';
import type { VerificationReport } from '../pades/report.js';

// ---------- records ----------

export const AGENCY_LEVELS = ['central', 'province', 'district', 'commune'] as const;
export type AgencyLevel = (typeof AGENCY_LEVELS)[number];

export interface Agency {
  id: string;
  /** QCVN 102 code, e.g. 000.00.12.H54 (strict form for agencies this axis registers). */
  code: string;
  name: string;
  level: AgencyLevel;
  parentCode: string | null;
  active: boolean;
  createdAt: Date;
}

/** drafter: chuyên viên (drafts); signer: người có thẩm quyền ký (signs drafts with a personal certificate). */
export const ROLES = ['clerk', 'admin', 'auditor', 'drafter', 'signer'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  agencyId: string;
  name: string;
  /** The primary role (the first one the user was given); `roles` is what the user may do. */
  role: Role;
  /** Every role the user holds (user_roles), the primary one included; never empty. */
  roles: Role[];
  active: boolean;
  createdAt: Date;
}

export interface ApiToken {
  id: string;
  userId: string;
  label: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/**
 * Who is calling: resolved from a bearer token (programs) or a session cookie (the browser), only
 * for active users of active agencies. Exactly one of `tokenId` and `sessionId` is set.
 */
export interface Principal {
  user: User;
  agency: Agency;
  /** The bearer token used; null when the caller came with a session cookie. */
  tokenId: string | null;
  /** The browser session used (absent or null for a bearer token). */
  sessionId?: string | null;
}

/** A user's sign-in name and password hash (never leaves exchange/: no route returns it). */
export interface Credentials {
  userId: string;
  username: string;
  /** The encoded KDF output with its parameters (exchange/passwords.ts); null until first set. */
  passwordHash: string | null;
  passwordChangedAt: Date | null;
}

/** Failed sign-ins of one user name, known or not. */
export interface SignInThrottle {
  username: string;
  failures: number;
  lockCount: number;
  lockedUntil: Date | null;
}

export interface Session {
  id: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  ip: string | null;
  userAgent: string | null;
}

export interface PasswordLink {
  id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface AgencyCertificate {
  id: string;
  agencyId: string;
  der: Uint8Array;
  fingerprintSha256: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  active: boolean;
  createdAt: Date;
}

export interface TrustAnchor {
  id: string;
  der: Uint8Array;
  fingerprintSha256: string;
  subject: string;
  active: boolean;
  createdAt: Date;
}

export interface StoredCrl {
  id: string;
  der: Uint8Array;
  issuer: string;
  thisUpdate: Date;
  nextUpdate: Date | null;
  createdAt: Date;
}

export const CLASSIFICATIONS = ['NONE', 'MAT', 'TOI_MAT', 'TUYET_MAT'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** 0 Thường, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc, 4 Hỏa tốc hẹn giờ. */
export type Priority = 0 | 1 | 2 | 3 | 4;
/** 0 none, 1 directive, 2 report on a directive. */
export type SteeringType = 0 | 1 | 2;
export const BUSINESS_TYPES = ['new', 'recall', 'update', 'replace'] as const;
export type BusinessType = (typeof BUSINESS_TYPES)[number];

export interface DocumentMetadata {
  /** Số: at most 11 characters. */
  codeNumber: string;
  /** Ký hiệu: at most 30 characters, e.g. "UBND-VP". */
  codeNotation: string;
  /** Decree 30 type name, e.g. "Công văn", "Quyết định". */
  documentType: string;
  /** Trích yếu, at most 500 characters. */
  subject: string;
  promulgationPlace: string;
  /** yyyy-mm-dd, not in the future. */
  promulgationDate: string;
  signer: { competence: string | null; position: string | null; fullName: string };
  priority: Priority;
  steeringType: SteeringType;
  /** yyyy-mm-dd or null. */
  dueDate: string | null;
  /** Ids of the documents this one answers. */
  responseFor: string[];
  businessType: BusinessType;
  /** For update / replace / recall: the earlier document. */
  relatedDocumentId: string | null;
  /** Recipient agency codes: at least one, no duplicates, not the sender. */
  recipients: string[];
  classification: Classification;
}

export interface ExchangeDocument {
  id: string;
  senderAgencyId: string;
  senderCode: string;
  metadata: DocumentMetadata;
  /** edXML DocumentId: {senderCode},{yyyy/MM/dd},{number}/{notation}. */
  edxmlDocumentId: string;
  /** Year of promulgation: numbering restarts every 1 January. */
  year: number;
  fileSha256: string;
  fileSize: number;
  verification: VerificationReport;
  createdByUserId: string;
  idempotencyKey: string | null;
  createdAt: Date;
}

export const STATUS_CODES = ['01', '02', '03', '04', '05', '06', '13', '15', '16'] as const;
export type StatusCode = (typeof STATUS_CODES)[number];

export interface Delivery {
  id: string;
  documentId: string;
  recipientAgencyId: string;
  recipientCode: string;
  status: StatusCode;
  statusUpdatedAt: Date;
  /** True once a recall was accepted (15): gone from the recipient's inbox. */
  withdrawn: boolean;
}

export interface StatusEvent {
  id: string;
  deliveryId: string;
  status: StatusCode;
  reason: string | null;
  actorUserId: string | null;
  at: Date;
  /** DER CMS signed by the axis over the event's canonical JSON, when receipts are on. */
  receipt: Uint8Array | null;
}

export const LOG_EVENTS = [
  'document.sent',
  'register.entry',
  'document.delivered',
  'delivery.status',
  'document.recall-requested',
  'send.refused',
  'access.denied',
  'auth.failed',
  'auth.signed-in',
  'auth.sign-in-failed',
  'auth.locked',
  'auth.signed-out',
  'auth.password-set',
  'admin.session',
  'admin.password-link',
  'admin.agency',
  'admin.user',
  'admin.token',
  'admin.certificate',
  'admin.trust-anchor',
  'admin.crl',
  'admin.seal-key',
  'document.sealed',
  'log.sealed',
  'draft.created',
  'draft.revised',
  'draft.submitted',
  'draft.returned',
  'draft.signature-prepared',
  'draft.signed',
  'draft.refused',
  'draft.sent',
] as const;
export type LogEvent = (typeof LOG_EVENTS)[number];

export interface LogEntryInput {
  event: LogEvent;
  actorUserId: string | null;
  agencyId: string | null;
  documentId: string | null;
  /** Never document bytes, tokens or passwords. */
  details: Record<string, unknown>;
}

export interface LogEntry extends LogEntryInput {
  seq: number;
  at: Date;
  /** Hex SHA-256 of the previous entry (64 zeros for the first). */
  prevHash: string;
  /** Hex SHA-256 over prevHash and this entry's canonical form (see db/log-chain.ts). */
  hash: string;
}

/**
 * One sealed batch of the log: entries fromSeq..toSeq (inclusive) reduced to a Merkle root
 * (exchange/merkle.ts) and that root timestamped by an RFC 3161 TSA.
 */
export interface LogSeal {
  id: string;
  fromSeq: number;
  toSeq: number;
  /** Hex SHA-256 Merkle root over the entries' hashes. */
  merkleRoot: string;
  /** DER TimeStampToken whose imprint is SHA-256 of the root's 32 bytes. */
  timestampToken: Uint8Array;
  sealedAt: Date;
}

/** One line of the outgoing register (sổ đăng ký văn bản đi). */
export interface RegisterEntry {
  id: string;
  agencyId: string;
  /** Calendar year in Vietnam time: numbering restarts at 1 every 1 January. */
  year: number;
  /** Gapless from 1 within (agency, year); never reused. */
  number: number;
  /** Ký hiệu after the number, e.g. "QĐ-UBND" (the document shows "Số: 123/QĐ-UBND"). */
  notation: string;
  documentType: string;
  subject: string;
  signerName: string;
  registeredAt: Date;
  registeredBy: string;
  /** Hex SHA-256 of the signed document before the agency seal. */
  documentSha256: string;
  /** The sent document, once linked. */
  documentId: string | null;
}

export type RegisterEntryInput = Omit<RegisterEntry, 'id' | 'number' | 'documentId'>;

export interface RegisterFilter {
  agencyId: string;
  year?: number;
  number?: number;
  /** Case-insensitive text in the subject or the notation. */
  text?: string;
  /** registeredAt: from inclusive, to exclusive. */
  from?: Date;
  to?: Date;
}

// ---------- drafts and staged signatures ----------

/** A draft's metadata: what the send form takes, minus the number (given at registration). */
export type DraftMetadata = Omit<DocumentMetadata, 'codeNumber'>;

/** draft: being written; submitted: waiting for the named signer; returned: sent back with a comment; signed; sent: registered, sealed and sent (seal-and-send.ts). */
export const DRAFT_STATUSES = ['draft', 'submitted', 'returned', 'signed', 'sent'] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

export interface Draft {
  id: string;
  agencyId: string;
  drafterUserId: string;
  /** The signer it was (last) submitted to; null until the first submission. */
  signerUserId: string | null;
  status: DraftStatus;
  metadata: DraftMetadata;
  /** Number of the newest version (1 for the upload). */
  currentVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export const DRAFT_VERSION_KINDS = ['upload', 'revision', 'signed'] as const;
export type DraftVersionKind = (typeof DRAFT_VERSION_KINDS)[number];

export interface DraftVersion {
  draftId: string;
  version: number;
  kind: DraftVersionKind;
  /** The bytes are in the BlobStore under this hash. */
  fileSha256: string;
  fileSize: number;
  createdByUserId: string;
  createdAt: Date;
}

export const DRAFT_EVENT_KINDS = ['created', 'revised', 'submitted', 'returned', 'signature-prepared', 'signed', 'sent'] as const;
export type DraftEventKind = (typeof DRAFT_EVENT_KINDS)[number];

export interface DraftEvent {
  id: string;
  draftId: string;
  kind: DraftEventKind;
  actorUserId: string;
  /** The version the step concerns. */
  version: number;
  /** The signer's comment on a return; null otherwise. */
  comment: string | null;
  /** Free details: the signer a draft was submitted to, the certificate fingerprint, hashes. */
  details: Record<string, unknown>;
  at: Date;
}

/**
 * A signature prepared over one draft version for one user and one certificate, waiting for its
 * raw signature value. Kept in the database (not in a promise): a restart does not lose it.
 */
export interface PreparedSignature {
  id: string;
  draftId: string;
  version: number;
  userId: string;
  /** Lowercase hex SHA-256 of the signer's certificate. */
  certificateSha256: string;
  /** The signer's certificate then its chain (issuer first), DER. */
  certificates: Uint8Array[];
  /** pades/prepare.ts's PreparedSignatureRecord, as JSON. */
  record: Record<string, unknown>;
  /** The appended revision (the original is the version's blob). */
  update: Uint8Array;
  expiresAt: Date;
  usedAt: Date | null;
  createdAt: Date;
}

export interface DraftFilter {
  agencyId: string;
  /** Only drafts this user wrote or is named signer of (a drafter's or signer's own list). */
  involvingUserId?: string;
  status?: DraftStatus;
}

// ---------- queries ----------

export interface Page {
  limit: number;
  /** Opaque cursor from a previous page. */
  after?: string;
}

export interface PageOf<T> {
  items: T[];
  next: string | null;
}

export interface DocumentFilter {
  /** Inbox: documents delivered to this agency and not withdrawn. */
  recipientAgencyId?: string;
  /** Outbox: documents sent by this agency. */
  senderAgencyId?: string;
  status?: StatusCode;
  priority?: Priority;
  documentType?: string;
  senderCode?: string;
  /** Case-insensitive text in the number/notation ("55/NQ-TU" or either part) or the subject. */
  text?: string;
  from?: Date;
  to?: Date;
  /** Hỏa tốc, Thượng khẩn, Khẩn first, then newest. */
  urgentFirst?: boolean;
}

export interface LogFilter {
  agencyId?: string;
  event?: LogEvent;
  documentId?: string;
  /** Matches details.codeNumber / details.codeNotation. */
  documentNumber?: string;
  status?: StatusCode;
  from?: Date;
  to?: Date;
}

// ---------- stores ----------

export interface AgencyStore {
  byCode(code: string): Promise<Agency | undefined>;
  byId(id: string): Promise<Agency | undefined>;
  list(): Promise<Agency[]>;
  insert(a: Omit<Agency, 'id' | 'createdAt'>): Promise<Agency>;
  setActive(id: string, active: boolean): Promise<void>;
}

export interface UserStore {
  byId(id: string): Promise<User | undefined>;
  list(agencyId?: string): Promise<User[]>;
  /** `roles` defaults to [role]; the primary role is always among them. */
  insert(u: Omit<User, 'id' | 'createdAt' | 'roles'> & { roles?: Role[] }): Promise<User>;
  setActive(id: string, active: boolean): Promise<void>;
  /** Replaces the user's roles (non-empty); the primary role stays if kept, else becomes roles[0]. */
  setRoles(id: string, roles: readonly Role[]): Promise<User | undefined>;
}

export interface TokenStore {
  /** `tokenHash` is the hex SHA-256 of the secret; the secret itself is never stored. */
  insert(t: { userId: string; tokenHash: string; label: string }): Promise<ApiToken>;
  /** Active token of an active user in an active agency, or undefined. */
  findPrincipal(tokenHash: string): Promise<Principal | undefined>;
  revoke(tokenId: string, at: Date): Promise<void>;
  listForUser(userId: string): Promise<ApiToken[]>;
}

export interface CredentialStore {
  /** Lower-case user name, as stored. */
  byUsername(username: string): Promise<Credentials | undefined>;
  byUserId(userId: string): Promise<Credentials | undefined>;
  /** The sign-in names of these users (users without one are absent), in one query. */
  usernamesOf(userIds: readonly string[]): Promise<Map<string, string>>;
  /** USERNAME_TAKEN when the name is in use. */
  insert(c: { userId: string; username: string }): Promise<Credentials>;
  setPassword(userId: string, passwordHash: string, at: Date): Promise<void>;
  throttle(username: string): Promise<SignInThrottle | undefined>;
  /** Counts one more attempt of this name, atomically (parallel guesses cannot share a count). */
  addFailure(username: string, at: Date): Promise<SignInThrottle>;
  /** Locks the name until `until`: the count restarts at 0, lockCount grows by one. */
  lock(username: string, until: Date, at: Date): Promise<SignInThrottle>;
  clearThrottle(username: string): Promise<void>;
  /**
   * Deletes at most `limit` throttle rows untouched since `staleBefore` whose lock (if any) is over
   * at `at`; the number deleted. A forgotten name's count starts again from zero.
   */
  pruneThrottle(staleBefore: Date, at: Date, limit: number): Promise<number>;
  /** `tokenHash`: hex SHA-256 of the link's token. */
  insertLink(l: { userId: string; tokenHash: string; expiresAt: Date }): Promise<PasswordLink>;
  /** The link if unused and not expired at `at`. */
  usableLink(tokenHash: string, at: Date): Promise<PasswordLink | undefined>;
  /** Marks it used; false when it was used meanwhile (a race lost). */
  useLink(id: string, at: Date): Promise<boolean>;
  /** Every unused link of the user ends (a new link replaces the old ones). */
  endLinks(userId: string, at: Date): Promise<void>;
}

export interface SessionStore {
  insert(s: { userId: string; secretHash: string; at: Date; expiresAt: Date; ip: string | null; userAgent: string | null }): Promise<Session>;
  /**
   * The session of this secret hash with its principal (active user and agency), whatever its
   * state: the caller decides expiry so it can say SESSION_EXPIRED rather than "unknown".
   */
  findBySecret(secretHash: string): Promise<{ session: Session; principal: Principal } | undefined>;
  touch(id: string, at: Date): Promise<void>;
  revoke(id: string, at: Date): Promise<void>;
  /** Revokes every open session of the user except `exceptId`; the number revoked. */
  revokeAllForUser(userId: string, at: Date, exceptId?: string): Promise<number>;
  /** Open (not revoked, not past the absolute cap at `at`) sessions, newest first. */
  listOpenForUser(userId: string, at: Date): Promise<Session[]>;
  byId(id: string): Promise<Session | undefined>;
  /**
   * Deletes at most `limit` sessions that ended before `endedBefore` (revoked, or past the absolute
   * cap) or were last seen before `idleBefore`; the number deleted.
   */
  pruneEnded(endedBefore: Date, idleBefore: Date, limit: number): Promise<number>;
}

export interface CertificateBinding {
  fingerprintSha256: string;
  agencyId: string;
  active: boolean;
}

export interface CertificateStore {
  insert(c: Omit<AgencyCertificate, 'id' | 'createdAt' | 'active'>): Promise<AgencyCertificate>;
  listForAgency(agencyId: string, activeOnly?: boolean): Promise<AgencyCertificate[]>;
  /**
   * Every binding of these SHA-256 fingerprints (hex, any case) to an agency, active or not, with
   * the fingerprint in lowercase: one query for all the signature rules (whose seal, who is personal).
   */
  bindingsAmong(fingerprints: readonly string[]): Promise<CertificateBinding[]>;
  setActive(id: string, active: boolean): Promise<void>;
}

/** An agency seal key in an HSM or token (PKCS#11): where it is, never its PIN (only the variable's name). */
export interface SealKeyBinding {
  id: string;
  agencyId: string;
  modulePath: string;
  tokenLabel: string;
  keyLabel: string | null;
  /** CKA_ID, lowercase hex. */
  keyId: string | null;
  /** The certificate read from the token when it was bound, DER. */
  certificateDer: Uint8Array;
  fingerprintSha256: string;
  pinEnv: string;
  active: boolean;
  createdAt: Date;
  createdBy: string | null;
}

export interface SealKeyStore {
  /** The new binding becomes the agency's active one (the caller deactivates the previous one first, in the same transaction). */
  insert(b: Omit<SealKeyBinding, 'id' | 'createdAt' | 'active'>): Promise<SealKeyBinding>;
  activeFor(agencyId: string): Promise<SealKeyBinding | undefined>;
  /** Every binding of the agency, newest first. */
  listFor(agencyId: string): Promise<SealKeyBinding[]>;
  /** Deactivates the agency's active binding; the number of rows changed (0 or 1). */
  deactivate(agencyId: string): Promise<number>;
}

export interface TrustStore {
  anchors(activeOnly?: boolean): Promise<TrustAnchor[]>;
  addAnchor(a: Omit<TrustAnchor, 'id' | 'createdAt' | 'active'>): Promise<TrustAnchor>;
  setAnchorActive(id: string, active: boolean): Promise<void>;
  crls(): Promise<StoredCrl[]>;
  /** Changes whenever the active anchors or the CRLs do: one small query instead of reading their bytes. */
  version(): Promise<string>;
  addCrl(c: Omit<StoredCrl, 'id' | 'createdAt'>): Promise<StoredCrl>;
}

/** Content-addressed bytes: written once, never rewritten (an object store can replace it). */
export interface BlobStore {
  /** No-op when the hash is already stored. The caller has checked sha256(bytes) === sha256. */
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  get(sha256: string): Promise<Uint8Array | undefined>;
}

export interface DocumentStore {
  /** `id`: chosen by the caller (a send signs its receipts before writing), else by the database. */
  insert(d: Omit<ExchangeDocument, 'id' | 'createdAt'> & { id?: string }): Promise<ExchangeDocument>;
  byId(id: string): Promise<ExchangeDocument | undefined>;
  byIdempotencyKey(senderAgencyId: string, key: string): Promise<ExchangeDocument | undefined>;
  /** Number + notation already used by this sender in this year. */
  numberTaken(senderAgencyId: string, year: number, codeNumber: string, codeNotation: string): Promise<boolean>;
  list(filter: DocumentFilter, page: Page): Promise<PageOf<ExchangeDocument>>;
}

export interface DeliveryStore {
  insertMany(ds: Array<Omit<Delivery, 'id'> & { id?: string }>): Promise<Delivery[]>;
  forDocument(documentId: string): Promise<Delivery[]>;
  byDocumentAndRecipient(documentId: string, recipientAgencyId: string): Promise<Delivery | undefined>;
  /** Compare-and-set: updates only when the current status is `from`; false otherwise (a race lost). */
  updateStatus(id: string, from: StatusCode, to: StatusCode, at: Date, withdrawn?: boolean): Promise<boolean>;
  addEvent(e: Omit<StatusEvent, 'id'>): Promise<StatusEvent>;
  /** Like addEvent for each event in order, in one write. */
  addEvents(es: ReadonlyArray<Omit<StatusEvent, 'id'>>): Promise<StatusEvent[]>;
  events(deliveryId: string): Promise<StatusEvent[]>;
  /** The agency's inbox documents nobody has acted on yet (status 01, not withdrawn): the live "not handled" count. */
  notHandledCount(recipientAgencyId: string, statuses: readonly StatusCode[]): Promise<number>;
}

export interface LogStore {
  /** Appends with the hash chain computed under a lock, in the caller's transaction. */
  append(e: LogEntryInput, at: Date): Promise<LogEntry>;
  /** Like append for each entry in order, under one lock and in one write (none when `es` is empty). */
  appendMany(es: readonly LogEntryInput[], at: Date): Promise<LogEntry[]>;
  range(fromSeq: number, toSeq: number): Promise<LogEntry[]>;
  search(filter: LogFilter, page: Page): Promise<PageOf<LogEntry>>;
  head(): Promise<LogEntry | undefined>;
}

export interface SealStore {
  /** fromSeq is unique: two sealers racing over the same entries cannot both commit (SEAL_CONFLICT). */
  insert(s: Omit<LogSeal, 'id'>): Promise<LogSeal>;
  /** Oldest first. */
  list(): Promise<LogSeal[]>;
  /** The seal with the highest toSeq. */
  last(): Promise<LogSeal | undefined>;
}

export interface RegisterStore {
  /**
   * Takes the next number of (agency, year) and writes the entry with it, atomically: the counter
   * row is locked until the caller's transaction ends, so concurrent registrations queue, and a
   * rollback returns the number (no gap, no reuse).
   */
  register(e: RegisterEntryInput): Promise<RegisterEntry>;
  /** Newest first (registeredAt desc, id desc), keyset-paged. */
  search(filter: RegisterFilter, page: Page): Promise<PageOf<RegisterEntry>>;
  /** Links an entry to its sent document; false when it is not this agency's or already linked. */
  linkDocument(agencyId: string, entryId: string, documentId: string): Promise<boolean>;
  /** The agency's notation abbreviation if one was set (else the rule derives it from the name). */
  abbreviation(agencyId: string): Promise<string | undefined>;
  setAbbreviation(agencyId: string, abbreviation: string): Promise<void>;
}

/** A time window for the statistics: from inclusive, to exclusive (either may be open). */
export interface StatisticsRange {
  from?: Date;
  to?: Date;
}

/**
 * Raw figures of one group (an agency, a level, the province). Documents count for their sender,
 * deliveries (and what became of them) for their recipient, classified refusals for the clerk's
 * agency. The shares are derived from these by the use case.
 */
export interface ExchangeCounts {
  sent: number;
  /** Sent documents whose stored report shows a personal signature before the sender's seal. */
  signedByBoth: number;
  received: number;
  /** Deliveries now at 03, 04, 05 or 06 (not 16: kept after a recall, not accepted yet). */
  accepted: number;
  /** Deliveries now at 02. */
  rejected: number;
  /** Median of (first 03 event - the 01 arrival event), in seconds; null when none was accepted. */
  medianSecondsToAcceptance: number | null;
  classifiedRefusals: number;
}

export interface ExchangeCountsByGroup {
  /** Every registered agency, active or not, ordered by code. */
  agencies: Array<ExchangeCounts & { agency: Pick<Agency, 'id' | 'code' | 'name' | 'level'> }>;
  /** Only levels that have at least one agency. */
  levels: Array<ExchangeCounts & { level: AgencyLevel }>;
  total: ExchangeCounts;
}

export interface DraftStore {
  insert(d: Omit<Draft, 'id' | 'createdAt' | 'updatedAt'>, at: Date): Promise<Draft>;
  byId(id: string): Promise<Draft | undefined>;
  /** Newest first. */
  list(filter: DraftFilter, page: Page): Promise<PageOf<Draft>>;
  /**
   * Compare-and-set on (status, currentVersion): applies `to` only when the draft is still at
   * `from`; false otherwise (a race lost, or the draft moved on).
   */
  update(id: string, from: { status: DraftStatus; currentVersion: number }, to: Partial<Pick<Draft, 'status' | 'currentVersion' | 'signerUserId' | 'metadata'>>, at: Date): Promise<boolean>;
  addVersion(v: Omit<DraftVersion, 'createdAt'>, at: Date): Promise<DraftVersion>;
  versions(draftId: string): Promise<DraftVersion[]>;
  addEvent(e: Omit<DraftEvent, 'id'>): Promise<DraftEvent>;
  /** Oldest first. */
  events(draftId: string): Promise<DraftEvent[]>;
  insertPrepared(p: Omit<PreparedSignature, 'id' | 'createdAt' | 'usedAt'>, at: Date): Promise<PreparedSignature>;
  preparedById(id: string): Promise<PreparedSignature | undefined>;
  /** Single use: marks it used only if it was not; false when someone used it first. */
  markPreparedUsed(id: string, at: Date): Promise<boolean>;
}

export interface StatisticsStore {
  /** Aggregated in the store (SQL), never by loading the documents. Documents and their deliveries by the document's createdAt, refusals by the log entry's time. */
  counts(range: StatisticsRange): Promise<ExchangeCountsByGroup>;
}

/** The archival copy of one accepted document (exchange/archive.ts). */
export interface ArchiveState {
  documentId: string;
  /** The blob holding the bytes as received plus the axis's DSS and document timestamp(s). */
  archivalSha256: string;
  /** When the last document timestamp was added. */
  archivedAt: Date;
  /** When that timestamp must be renewed (its TSA certificate's expiry minus the margin). */
  nextRenewalAt: Date;
  /** That timestamp's imprint digest (e.g. sha256): once on the weak list, the copy is due whatever the date. */
  digest: string;
}

export interface ArchiveStore {
  /** Undefined until the document has an archival copy. */
  state(documentId: string): Promise<ArchiveState | undefined>;
  /**
   * Compare-and-set: records `next` only when the document's archival copy is still `expected`
   * (null: none yet). False when another run got there first (the caller's work is dropped).
   */
  record(expected: string | null, next: ArchiveState): Promise<boolean>;
  /**
   * Documents the archive must act on at `now`, oldest first: accepted by a recipient (a delivery
   * in status 03 or later) without an archival copy, or whose renewal date has come, or whose last
   * timestamp's digest is one of `weakDigests`.
   */
  due(now: Date, limit: number, weakDigests: readonly string[]): Promise<string[]>;
}

export interface Stores {
  /** Runs `fn` in one transaction; the stores handed to it are bound to that transaction. */
  transaction<T>(fn: (tx: Stores) => Promise<T>): Promise<T>;
  agencies: AgencyStore;
  users: UserStore;
  tokens: TokenStore;
  credentials: CredentialStore;
  sessions: SessionStore;
  certificates: CertificateStore;
  trust: TrustStore;
  blobs: BlobStore;
  documents: DocumentStore;
  deliveries: DeliveryStore;
  log: LogStore;
  seals: SealStore;
  statistics: StatisticsStore;
  register: RegisterStore;
  sealKeys: SealKeyStore;
  drafts: DraftStore;
  archives: ArchiveStore;
  csc: CscStore;
}

export * from './ports-csc.js';
