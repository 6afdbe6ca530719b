// The one catalogue of docaxis error codes. Every failure a caller can act on is a
// DocaxisError with a stable code from here; messages are one line, no stack for users.
// Only the entry points (cli/, http/) map a category to an exit code or HTTP status.

export type ErrorCategory =
  | 'input' // the caller's data is bad (malformed PDF, wrong password, ...)
  | 'usage' // the caller asked for something impossible (bad flag, missing field)
  | 'unavailable' // a dependency did not answer (TSA, database)
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

  // --- PKI: keys, certificates, CRLs, CMS, timestamps (src/pki) ---
  PEM_MALFORMED: { category: 'input', message: 'The PEM/DER data could not be decoded' },
  CERT_MALFORMED: { category: 'input', message: 'The certificate could not be parsed' },
  CRL_MALFORMED: { category: 'input', message: 'The CRL could not be parsed' },
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

  // --- PAdES signing (src/pades) ---
  SIG_PLACEHOLDER_TOO_SMALL: { category: 'usage', message: 'The signature does not fit the reserved /Contents placeholder' },
  SIG_PREPARED_MISMATCH: { category: 'usage', message: 'The prepared signature record does not match the document bytes' },
  SIG_APPEARANCE_INVALID: { category: 'usage', message: 'The visible signature placement is invalid' },
  IMAGE_UNSUPPORTED: { category: 'input', message: 'The image could not be used (PNG or JPEG expected)' },
  SIGNER_CERT_INVALID: { category: 'usage', message: 'The signing certificate is not valid now (expired or not yet valid)' },

  // --- Entry points (src/cli, later src/http) ---
  USAGE: { category: 'usage', message: 'Invalid command-line usage' },
  FILE_UNREADABLE: { category: 'input', message: 'A file could not be read' },
  FILE_UNWRITABLE: { category: 'usage', message: 'A file could not be written' },
  ENV_VAR_MISSING: { category: 'usage', message: 'A required environment variable is not set' },

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

function firstLine(s: string): string {
  const line = s.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
