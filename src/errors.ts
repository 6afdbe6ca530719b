// The one catalogue of docaxis error codes. Every failure a caller can act on is a
// DocaxisError with a stable code from here; messages are one line, no stack for users.
// Only the entry points (cli/, http/) map a category to an exit code or HTTP status.

export type ErrorCategory =
  | 'input' // the caller's data is bad (malformed PDF, wrong password, ...)
  | 'usage' // the caller asked for something impossible (bad flag, missing field)
  | 'policy' // refused by a rule of the axis (classified document, missing seal, ...)
  | 'auth' // no valid credentials
  | 'forbidden' // valid credentials, but this role may not do this
  | 'not-found' // does not exist, or is not visible to the caller (ids leak nothing)
  | 'conflict' // clashes with the current state (duplicate number, illegal status change)
  | 'unavailable' // a dependency did not answer (TSA, database)
  | 'timeout' // the caller was too slow (an upload below the floor rate)
  | 'rate-limited' // too many attempts or uploads in flight from the caller; retry later
  | 'internal'; // a bug of ours

interface ErrorSpec {
  readonly category: ErrorCategory;
  readonly message: string;
}

export const ERROR_CATALOGUE = {
  // --- PDF syntax and structure (src/pdf) ---
  PDF_EMPTY: { category: 'input', message: 'The file is empty' },
  PDF_NOT_PDF: { category: 'input', message: 'The file is not a PDF (no %PDF- header)' },
  PDF_TOO_LARGE: { category: 'input', message: 'The PDF is larger than the configured limit' },
  PDF_TRUNCATED: { category: 'input', message: 'The PDF is truncated (no startxref / %%EOF at the end)' },
  PDF_XREF_BROKEN: { category: 'input', message: 'The PDF cross-reference data is broken' },
  PDF_OBJECT_MALFORMED: { category: 'input', message: 'A PDF object is malformed' },
  PDF_OBJECT_NOT_FOUND: { category: 'input', message: 'A referenced PDF object does not exist' },
  PDF_STREAM_UNSUPPORTED: { category: 'input', message: 'A PDF stream uses an unsupported filter' },
  PDF_ENCRYPTED: { category: 'input', message: 'The PDF is encrypted; docaxis handles unencrypted PDFs only' },
  PDF_PAGE_NOT_FOUND: { category: 'usage', message: 'The requested page does not exist' },
  PDF_FIELD_NOT_FOUND: { category: 'usage', message: 'The requested form field does not exist' },
  PDF_FIELD_EXISTS: { category: 'usage', message: 'A form field with that name already exists' },
  PDF_TOO_MANY_SIGNATURES: { category: 'input', message: 'The PDF carries more signatures than the verifier accepts' },
  // Structural budgets (PdfLimits in src/pdf/limits.ts): hostile files end here, cheaply.
  PDF_LIMIT_XREF_ENTRIES: { category: 'input', message: 'The PDF cross-reference data lists more entries than a file of its size can hold' },
  PDF_LIMIT_OBJECTS: { category: 'input', message: 'The PDF holds more objects than the configured limit' },
  PDF_LIMIT_REVISIONS: { category: 'input', message: 'The PDF has more revisions (incremental updates) than the configured limit' },
  PDF_LIMIT_NESTING: { category: 'input', message: 'PDF arrays or dictionaries are nested deeper than the configured limit' },
  PDF_LIMIT_DECOMPRESSED: { category: 'input', message: 'A PDF stream decompresses to more bytes than the configured limit' },
  PDF_LIMIT_DECOMPRESSION_RATIO: { category: 'input', message: 'A PDF stream decompresses to far more than its stored size allows (a compression bomb)' },
  PDF_LIMIT_DECOMPRESSED_TOTAL: { category: 'input', message: 'The PDF streams decompress to more bytes in total than the configured limit' },
  PDF_LIMIT_REFERENCE_CHAIN: { category: 'input', message: 'A chain of PDF object references is longer than the configured limit' },
  PDF_REFERENCE_LOOP: { category: 'input', message: 'PDF object references form a loop' },

  // --- PKI: keys, certificates, CRLs, CMS, timestamps (src/pki) ---
  PEM_MALFORMED: { category: 'input', message: 'The PEM/DER data could not be decoded' },
  CERT_MALFORMED: { category: 'input', message: 'The certificate could not be parsed' },
  CRL_MALFORMED: { category: 'input', message: 'The CRL could not be parsed' },
  OCSP_MALFORMED: { category: 'input', message: 'The OCSP response could not be parsed' },
  PKCS12_MALFORMED: { category: 'input', message: 'The PKCS#12 file could not be parsed' },
  PKCS12_BAD_PASSWORD: { category: 'input', message: 'The PKCS#12 password is wrong' },
  PKCS12_NO_KEY: { category: 'input', message: 'The PKCS#12 file holds no private key with a matching certificate' },
  KEY_UNSUPPORTED: { category: 'input', message: 'The key algorithm is not supported (RSA or ECDSA P-256/P-384 only)' },
  DIGEST_UNSUPPORTED: { category: 'usage', message: 'The digest algorithm is not supported (SHA-256, SHA-384, SHA-512)' },
  CMS_MALFORMED: { category: 'input', message: 'The CMS signature could not be parsed' },
  TSA_UNREACHABLE: { category: 'unavailable', message: 'The timestamp authority did not answer' },
  TSA_BAD_RESPONSE: { category: 'unavailable', message: 'The timestamp authority sent a malformed response' },
  TSA_REJECTED: { category: 'unavailable', message: 'The timestamp authority refused the request' },
  TIMESTAMP_INVALID: { category: 'input', message: 'The timestamp token does not match the request or does not verify' },
  OCSP_TRY_LATER: { category: 'unavailable', message: 'The OCSP responder asked to try later (tryLater)' },
  OCSP_RESPONDER_ERROR: { category: 'unavailable', message: 'The OCSP responder reported an internal error' },
  OCSP_REQUEST_REFUSED: { category: 'unavailable', message: 'The OCSP responder refused the request (malformedRequest, sigRequired or unauthorized)' },
  OCSP_BAD_RESPONSE: { category: 'unavailable', message: 'The OCSP response does not answer the request (nonce, certificate, responder or freshness)' },
  REVOCATION_UNREACHABLE: { category: 'unavailable', message: 'The revocation server (OCSP responder or CRL distribution point) did not answer' },
  REVOCATION_URL_REFUSED: { category: 'policy', message: 'The revocation URL is not fetched (not http(s), a redirect, or a loopback/private address)' },
  REVOCATION_TOO_LARGE: { category: 'unavailable', message: 'The revocation server sent more bytes than the configured limit' },
  REVOCATION_FETCH_OFF: { category: 'policy', message: 'Fetching revocation data over the network is switched off (REVOCATION_FETCH=off)' },

  // PKCS#11 (HSM, token): src/pki/pkcs11-*.ts. Nothing is changed when one of these is raised.
  HSM_MODULE_UNAVAILABLE: { category: 'unavailable', message: 'The PKCS#11 module could not be loaded or initialised' },
  HSM_MODULE_NOT_ALLOWED: { category: 'usage', message: 'The PKCS#11 module is not in the allow-list (PKCS11_MODULES)' },
  HSM_TOKEN_NOT_FOUND: { category: 'usage', message: 'No token with that label is present in the PKCS#11 module' },
  HSM_PIN_INCORRECT: { category: 'usage', message: 'The token refused the PIN' },
  HSM_PIN_LOCKED: { category: 'usage', message: 'The token PIN is locked or expired; unlock it with the token tool' },
  HSM_KEY_NOT_FOUND: { category: 'usage', message: 'No (single) private key with that label or id on the token' },
  HSM_CERT_NOT_FOUND: { category: 'usage', message: 'No certificate for the key on the token, and none was given' },
  HSM_KEY_CERT_MISMATCH: { category: 'usage', message: 'The token key and the certificate do not belong together' },
  HSM_SIGN_FAILED: { category: 'unavailable', message: 'The PKCS#11 module failed to sign' },
  HSM_TIMEOUT: { category: 'unavailable', message: 'The PKCS#11 module did not answer in time' },
  HSM_UNAVAILABLE: { category: 'unavailable', message: 'The PKCS#11 thread is not available' },

  // --- PAdES signing (src/pades) ---
  SIG_PLACEHOLDER_TOO_SMALL: { category: 'usage', message: 'The signature does not fit the reserved /Contents placeholder' },
  SIG_PREPARED_MISMATCH: { category: 'usage', message: 'The prepared signature record does not match the document bytes' },
  SIG_APPEARANCE_INVALID: { category: 'usage', message: 'The visible signature placement is invalid' },
  IMAGE_UNSUPPORTED: { category: 'input', message: 'The image could not be used (PNG or JPEG expected)' },
  SIGNER_CERT_INVALID: { category: 'usage', message: 'The signing certificate is not valid now (expired or not yet valid)' },
  SIG_DOCMDP_LOCKED: { category: 'usage', message: 'The document is certified with no changes permitted (DocMDP P=1); it cannot be signed again' },
  LTV_NO_SIGNATURE: { category: 'usage', message: 'The document has no signature to extend to B-LT or B-LTA' },

  // --- Entry points (src/cli, later src/http) ---
  USAGE: { category: 'usage', message: 'Invalid command-line usage' },
  FILE_UNREADABLE: { category: 'input', message: 'A file could not be read' },
  FILE_UNWRITABLE: { category: 'usage', message: 'A file could not be written' },
  ENV_VAR_MISSING: { category: 'usage', message: 'A required environment variable is not set' },

  // --- Exchange service (src/exchange, src/http) ---
  CLASSIFIED_REFUSED: { category: 'policy', message: 'Classified documents (Mật, Tối mật, Tuyệt mật) cannot travel on the axis; use the cơ yếu channel' },
  CLASSIFICATION_STAMP_SUSPECTED: { category: 'policy', message: 'The document text carries a classification stamp although its declared level is none; held for a human' },
  CLASSIFICATION_MARK_FOUND: { category: 'policy', message: 'The PDF carries a classification stamp (Mật, Tối mật, Tuyệt mật): classified documents cannot travel on the axis; use the cơ yếu channel' },
  METADATA_INVALID: { category: 'input', message: 'The document metadata is invalid' },
  RECIPIENT_UNKNOWN: { category: 'input', message: 'A recipient agency is not registered on the axis' },
  RECIPIENT_INACTIVE: { category: 'input', message: 'A recipient agency is inactive' },
  SENDER_AMONG_RECIPIENTS: { category: 'input', message: 'The sender cannot be one of the recipients' },
  DUPLICATE_NUMBER: { category: 'conflict', message: 'This number and notation were already used by the sender this year' },
  PROMULGATION_IN_FUTURE: { category: 'input', message: 'The promulgation date is in the future' },
  FILE_MISSING: { category: 'input', message: 'The request carries no PDF file' },
  FILE_TOO_LARGE: { category: 'input', message: 'The PDF is larger than the upload limit' },
  SIGNATURE_INVALID: { category: 'policy', message: 'The PDF does not verify: every signature must be valid and nothing disallowed changed' },
  SEAL_MISSING: { category: 'policy', message: 'The PDF carries no valid signature by a certificate bound to the sending agency (the seal)' },
  SIGNER_SIGNATURE_MISSING: { category: 'policy', message: 'The agency seal must follow the competent signer’s signature (Decree 30/2020, art. 32)' },
  IDEMPOTENCY_KEY_REUSED: { category: 'conflict', message: 'This Idempotency-Key was used for a different document' },
  STATUS_TRANSITION_INVALID: { category: 'conflict', message: 'This status change is not allowed from the current status' },
  REASON_REQUIRED: { category: 'input', message: 'A reason is required for this status' },
  RECALL_NOT_ALLOWED: { category: 'conflict', message: 'The document can no longer be recalled' },
  RELATED_DOCUMENT_INVALID: { category: 'input', message: 'The referenced earlier document does not exist or is not the sender’s' },
  UNAUTHENTICATED: { category: 'auth', message: 'A valid bearer token or a signed-in session is required' },
  AUTH_RATE_LIMITED: { category: 'rate-limited', message: 'Too many failed authentications from this address; retry after the time in Retry-After' },
  AUTH_BAD_CREDENTIALS: { category: 'auth', message: 'The user name or the password is wrong' },
  AUTH_LOCKED: { category: 'rate-limited', message: 'Too many wrong passwords for this user name; sign-in is locked for the time in Retry-After' },
  SESSION_EXPIRED: { category: 'auth', message: 'The session has expired or was ended; sign in again' },
  CSRF_MISSING: { category: 'forbidden', message: 'A state-changing request with the session cookie must carry the X-CSRF-Token header' },
  CSRF_INVALID: { category: 'forbidden', message: 'The CSRF token or the request’s origin does not match the session' },
  PASSWORD_TOO_WEAK: { category: 'input', message: 'The password is too short or too long (at least 12 characters, at most 256)' },
  PASSWORD_WRONG: { category: 'input', message: 'The current password is wrong' },
  SET_PASSWORD_LINK_INVALID: { category: 'input', message: 'The set-password link is unknown, expired or already used; ask an administrator for a new one' },
  USERNAME_INVALID: { category: 'input', message: 'The user name must be 3 to 64 characters: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit' },
  USERNAME_TAKEN: { category: 'conflict', message: 'This user name is already in use' },
  ACCOUNT_NO_USERNAME: { category: 'conflict', message: 'This user has no user name, so cannot sign in with a password; give one when creating the link' },
  FORBIDDEN: { category: 'forbidden', message: 'Your role does not allow this' },
  NOT_FOUND: { category: 'not-found', message: 'Not found' },
  AGENCY_CODE_INVALID: { category: 'input', message: 'The agency code does not have the form 000.00.00.A00 (QCVN 102:2016)' },
  AGENCY_EXISTS: { category: 'conflict', message: 'An agency with this code already exists' },
  VERIFY_TIMEOUT: { category: 'input', message: 'The PDF took too long to verify and was not accepted' },
  VERIFY_MEMORY_LIMIT: { category: 'input', message: 'The PDF needed more memory to verify than allowed and was not accepted' },
  UPLOAD_TOO_SLOW: { category: 'timeout', message: 'The upload arrived too slowly and was cut' },
  REQUEST_TIMEOUT: { category: 'timeout', message: 'The request did not arrive in time and was cut' },
  UPLOADS_PER_USER_LIMIT: { category: 'rate-limited', message: 'You already have as many uploads in progress as allowed; retry after the Retry-After delay' },
  UPLOAD_SLOTS_FULL: { category: 'unavailable', message: 'The service is receiving as many uploads as it can; retry after the Retry-After delay' },
  DB_UNAVAILABLE: { category: 'unavailable', message: 'The database is unavailable; nothing was stored, try again' },
  LOG_SEAL_CONFLICT: { category: 'conflict', message: 'These log entries were sealed meanwhile by another sealer' },
  LOG_SEALING_OFF: { category: 'unavailable', message: 'Log sealing is not configured (no timestamp authority)' },
  CURSOR_INVALID: { category: 'input', message: 'The pagination cursor is invalid' },
  CONFIG_INVALID: { category: 'usage', message: 'The configuration is invalid' },
  MULTIPART_INVALID: { category: 'input', message: 'The multipart/form-data body is malformed or holds parts it should not' },
  TEXT_INVALID: { category: 'input', message: 'A text field holds U+0000 or a lone surrogate, which cannot be stored' },
  TEXT_INVISIBLE_CHARACTER: { category: 'input', message: 'A text field holds an invisible or direction-changing character (a bidi control or a zero-width character)' },
  DATE_OUT_OF_RANGE: { category: 'input', message: 'A date lies outside the years 0001 to 9999' },
  REGISTER_INPUT_INVALID: { category: 'input', message: 'The registration is invalid (document type, subject, signer name or document SHA-256)' },
  EDXML_INVALID: { category: 'input', message: 'The edXML package is invalid (QCVN 102:2016)' },
  EDXML_UNSAFE: { category: 'input', message: 'The edXML package uses XML features the axis refuses (DOCTYPE, entities, processing instructions) or exceeds a size, depth or element limit' },
  EDXML_SIGNATURE_INVALID: { category: 'policy', message: 'The edXML package’s XML signature does not verify against the trusted certificates' },
  EDXML_FROM_MISMATCH: { category: 'forbidden', message: 'The edXML package’s sender (From) is not your agency' },
  EDXML_SIGNER_MISSING: { category: 'unavailable', message: 'The axis has no signing key (AXIS_P12): it cannot sign an edXML package' },
  REQUEST_ABORTED: { category: 'input', message: 'The client closed the request before its body was read' },
  LIVE_CONNECTIONS_PER_USER_LIMIT: { category: 'rate-limited', message: 'You already have as many live event streams open as allowed (close a tab); retry after the Retry-After delay' },
  LIVE_CONNECTIONS_FULL: { category: 'rate-limited', message: 'The service holds as many live event streams as it can; retry after the Retry-After delay' },
  SEAL_KEY_MISSING: { category: 'unavailable', message: 'No seal key is bound to this agency (an admin binds an HSM key; the demo uses the TEST-ONLY fixture keys)' },
  SEAL_KEY_INVALID: { category: 'input', message: 'The seal key binding is invalid' },

  // --- Drafts and the signer's staged signature (src/exchange/drafts*.ts, staged-signing*.ts) ---
  DRAFT_STATE_INVALID: { category: 'conflict', message: 'The draft is not in a state that allows this step' },
  DRAFT_SIGNER_INVALID: { category: 'input', message: 'The named signer is not an active signer of the draft’s agency' },
  COMMENT_REQUIRED: { category: 'input', message: 'A comment is required to return a draft' },
  ROLES_INVALID: { category: 'input', message: 'The roles are invalid (a non-empty list of clerk, admin, auditor, drafter, signer)' },
  SIGNER_CERT_UNTRUSTED: { category: 'policy', message: 'The signer’s certificate does not chain to a trust anchor of the axis, or is revoked' },
  SIGNING_REQUEST_INVALID: { category: 'input', message: 'The signing request is malformed (certificates, placement or signature value)' },
  PREPARED_SIGNATURE_EXPIRED: { category: 'conflict', message: 'The prepared signature has expired; prepare it again' },
  PREPARED_SIGNATURE_USED: { category: 'conflict', message: 'The prepared signature was already used; prepare a new one' },
  PREPARED_SIGNATURE_WRONG_USER: { category: 'forbidden', message: 'The prepared signature belongs to another user' },
  PREPARED_SIGNATURE_VERSION_CHANGED: { category: 'conflict', message: 'The draft changed since the signature was prepared; prepare it again' },
  SIGNATURE_VALUE_MISMATCH: { category: 'input', message: 'The signature value does not verify over the prepared data with the bound certificate' },
  // --- Remote signing through a Cloud Signature Consortium service (src/csc, exchange/remote-signing*.ts) ---
  // The message is what the signer reads on the web page (Vietnamese); the code is what programs test.
  CSC_PROVIDER_UNAVAILABLE: { category: 'unavailable', message: 'Dịch vụ ký số từ xa không phản hồi; chưa có gì thay đổi, hãy thử lại sau' },
  CSC_PROVIDER_TIMEOUT: { category: 'unavailable', message: 'Dịch vụ ký số từ xa phản hồi quá chậm; chưa có gì thay đổi, hãy thử lại sau' },
  CSC_PROVIDER_ERROR: { category: 'unavailable', message: 'Dịch vụ ký số từ xa báo lỗi' },
  CSC_PROVIDER_AUTH_FAILED: { category: 'unavailable', message: 'Dịch vụ ký số từ xa từ chối tài khoản kết nối của hệ thống (OAuth client); báo quản trị viên' },
  CSC_PROVIDER_NOT_FOUND: { category: 'not-found', message: 'Không có nhà cung cấp ký số từ xa này, hoặc cơ quan của bạn không được dùng' },
  CSC_PROVIDER_INVALID: { category: 'input', message: 'Cấu hình nhà cung cấp ký số từ xa không hợp lệ (địa chỉ, OAuth client, biến môi trường chứa secret, cơ quan)' },
  CSC_CREDENTIAL_NOT_FOUND: { category: 'not-found', message: 'Không tìm thấy chứng thư số này tại dịch vụ ký số từ xa, hoặc chưa liên kết với tài khoản của bạn' },
  CSC_CREDENTIAL_DISABLED: { category: 'conflict', message: 'Chứng thư số tại dịch vụ ký số từ xa đang bị khóa hoặc chưa kích hoạt' },
  CSC_CREDENTIAL_NOT_YOURS: { category: 'forbidden', message: 'Chứng thư số này không mang tên của bạn' },
  CSC_INVALID_OTP: { category: 'input', message: 'Mã OTP không đúng hoặc đã hết hạn' },
  CSC_INVALID_PIN: { category: 'input', message: 'Mã PIN không đúng' },
  CSC_SAD_EXPIRED: { category: 'conflict', message: 'Phiên xác thực ký (SAD) đã hết hạn hoặc đã dùng; hãy ký lại' },
  CSC_SIGNATURE_PENDING_EXPIRED: { category: 'conflict', message: 'Yêu cầu ký từ xa đã hết hạn mà chưa được xác nhận; hãy ký lại' },
  CSC_SIGNATURE_REJECTED: { category: 'conflict', message: 'Người ký đã từ chối yêu cầu ký trên điện thoại' },
  CSC_PENDING_STATE_INVALID: { category: 'conflict', message: 'Yêu cầu ký từ xa không ở bước cho phép thao tác này' },
  CSC_CALLBACK_INVALID: { category: 'auth', message: 'Lời gọi lại (callback) từ dịch vụ ký số từ xa không hợp lệ' },
  SERVER_UNREACHABLE: { category: 'unavailable', message: 'The docaxis server did not answer' },
  // --- the archive (exchange/archive.ts) ---
  ARCHIVE_NOT_READY: { category: 'conflict', message: 'This document has no archival copy yet (it is made after a recipient accepts it); retry later' },
  SEAL_PLACEMENT_REQUIRED: { category: 'input', message: 'The signed draft has no visible signer signature to place the seal over; give sealPlacement' },

  INTERNAL: { category: 'internal', message: 'Internal error' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class DocaxisError extends Error {
  readonly code: ErrorCode;
  readonly category: ErrorCategory;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  /** `detail` refines the catalogue message for this occurrence (one line). */
  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    const spec = ERROR_CATALOGUE[code];
    super(detail ? `${spec.message}: ${detail}` : spec.message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'DocaxisError';
    this.code = code;
    this.category = spec.category;
    this.details = options?.details;
  }
}

export function isDocaxisError(e: unknown, code?: ErrorCode): e is DocaxisError {
  return e instanceof DocaxisError && (code === undefined || e.code === code);
}

/** Wraps anything thrown by a third-party parser into a typed error, keeping typed ones. */
export function asDocaxisError(e: unknown, code: ErrorCode, detail?: string): DocaxisError {
  if (e instanceof DocaxisError) return e;
  const why = e instanceof Error ? e.message : String(e);
  return new DocaxisError(code, detail ?? firstLine(why), { cause: e });
}

/** What a DocaxisError is as plain data: the shape in which it crosses a thread boundary. */
export interface ErrorData {
  code?: string;
  message: string;
  details?: Record<string, unknown>;
}

export function errorToData(e: unknown): ErrorData {
  if (e instanceof DocaxisError) return { code: e.code, message: e.message, ...(e.details ? { details: { ...e.details } } : {}) };
  return { message: e instanceof Error ? e.message : String(e) };
}

/** The same code, message and details again; anything not from the catalogue becomes INTERNAL. */
export function errorFromData(d: ErrorData): DocaxisError {
  if (d.code === undefined || !Object.hasOwn(ERROR_CATALOGUE, d.code)) return new DocaxisError('INTERNAL', firstLine(d.message));
  const e = new DocaxisError(d.code as ErrorCode, undefined, d.details ? { details: d.details } : undefined);
  e.message = d.message;
  return e;
}

function firstLine(s: string): string {
  const line = s.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
