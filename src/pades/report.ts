// The verification report: a record per signature in ETSI EN 319 102-1 vocabulary (the same words
// the EU's DSS uses, so reports can be compared), and a verdict for the document. Plain data, so it
// serialises to the stable JSON of `docaxis verify --json` as it is.

export type Indication = 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';

export type SubIndication =
  // TOTAL_FAILED
  | 'FORMAT_FAILURE'
  | 'HASH_FAILURE'
  | 'SIG_CRYPTO_FAILURE'
  | 'REVOKED'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  // INDETERMINATE
  | 'NO_SIGNING_CERTIFICATE_FOUND'
  | 'NO_CERTIFICATE_CHAIN_FOUND'
  | 'REVOKED_NO_POE'
  | 'OUT_OF_BOUNDS_NO_POE'
  | 'OUT_OF_BOUNDS_NOT_REVOKED'
  | 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE'
  | 'CHAIN_CONSTRAINTS_FAILURE'
  | 'CERTIFICATE_CHAIN_GENERAL_FAILURE'
  | 'SIG_CONSTRAINTS_FAILURE'
  | 'TRY_LATER';

export type DocumentVerdict = 'valid' | 'invalid' | 'indeterminate' | 'no-signatures';

export type CoverageKind = 'entire-file' | 'entire-revision' | 'partial';

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  fingerprintSha256: string;
}

export interface SignerSummary extends CertificateSummary {
  commonName: string | null;
  organization: string | null;
  title: string | null;
  email: string | null;
  agencyCode: string | null;
  personalId: string | null;
  uids: string[];
  keyUsage: string[] | null;
  publicKeyAlgorithm: string;
}

export interface ModificationEntry {
  revision: number;
  object: number | null;
  kind: string;
  description: string;
}

export interface SignatureReport {
  /** Position in file order, from 0. */
  index: number;
  type: 'signature' | 'document-timestamp';
  /** The first field whose value is this signature (kept for compatibility: see fieldNames). */
  fieldName: string;
  /** Every field whose value is this signature dictionary (one dictionary may serve several). */
  fieldNames: string[];
  subFilter: string | null;
  indication: Indication;
  subIndication: SubIndication | null;
  signer: SignerSummary | null;
  times: {
    /** /M of the signature dictionary: what the signer claims, ISO 8601 with offset. */
    claimed: string | null;
    /** genTime of a valid signature timestamp (B-T), ISO 8601. */
    proven: string | null;
    /** The time the certificate chain was validated at. */
    validation: string;
  };
  digestAlgorithm: string | null;
  coverage: {
    kind: CoverageKind;
    byteRange: number[];
    /** Index of the revision whose bytes the signature covers (0 = original), null if none matches. */
    signedRevision: number | null;
  };
  chain: {
    status: string;
    trusted: boolean;
    certificates: CertificateSummary[];
    /** source: what decided the status; origin: the document's own data (/DSS, CMS) or the caller's; null when nothing did. */
    revocation: Array<{ subject: string; status: string; revokedAt: string | null; reason: string | null; source: 'crl' | 'ocsp' | null; origin: 'embedded' | 'given' | null }>;
  };
  timestamp: null | {
    valid: boolean;
    genTime: string | null;
    tsa: string | null;
    chainStatus: string;
    errors: string[];
  };
  modifiedAfterSigning: 'none' | 'allowed' | 'disallowed';
  /**
   * What changed after the signature; each list holds at most MAX_LISTED_MODIFICATIONS entries
   * (the report's size stays bounded whatever the file), `omitted` counts the rest.
   */
  modifications: { allowed: ModificationEntry[]; disallowed: ModificationEntry[]; omitted?: { allowed: number; disallowed: number } };
  /**
   * Other signature dictionaries that are this signature again (the same CMS and /ByteRange in
   * another field): a replay. A replayed signature makes the document invalid.
   */
  replays: Array<{ fieldName: string; revision: number }>;
  errors: string[];
  warnings: string[];
}

/** How many allowed and how many disallowed modifications a signature's record lists. */
export const MAX_LISTED_MODIFICATIONS = 50;

/** Modification kind of a replayed signature dictionary (stable: the web page translates it). */
export const REPLAY_KIND = 'signature-replayed';

export interface VerificationReport {
  /** Version of this report's JSON shape; bumped only on incompatible changes. */
  reportVersion: 1;
  file: { size: number; sha256: string; revisions: number };
  document: {
    verdict: DocumentVerdict;
    indication: Indication | null;
    subIndication: SubIndication | null;
    summary: string;
  };
  signatures: SignatureReport[];
}

/** The document verdict: valid only when every signature passed and nothing disallowed changed. */
export function documentVerdict(signatures: readonly SignatureReport[]): VerificationReport['document'] {
  if (signatures.length === 0) {
    return { verdict: 'no-signatures', indication: null, subIndication: null, summary: 'The document carries no signature' };
  }
  const replayed = signatures.find((s) => s.replays.length > 0);
  if (replayed) {
    const copies = replayed.replays.length;
    return {
      verdict: 'invalid',
      indication: 'TOTAL_FAILED',
      subIndication: replayed.subIndication,
      summary: `Signature ${replayed.index + 1} (${replayed.fieldName}) is replayed: ${copies} copied signature dictionar${copies === 1 ? 'y' : 'ies'} (${replayed.replays
        .slice(0, 3)
        .map((r) => r.fieldName)
        .join(', ')}${copies > 3 ? ', ...' : ''}) sign nothing of their own`,
    };
  }
  const failed = signatures.find((s) => s.indication === 'TOTAL_FAILED');
  if (failed) {
    return {
      verdict: 'invalid',
      indication: 'TOTAL_FAILED',
      subIndication: failed.subIndication,
      summary: `Signature ${failed.index + 1} (${failed.fieldName}) failed: ${failed.subIndication ?? 'unknown'}`,
    };
  }
  const modified = signatures.find((s) => s.modifiedAfterSigning === 'disallowed');
  if (modified) {
    return {
      verdict: 'invalid',
      indication: 'TOTAL_FAILED',
      subIndication: modified.subIndication,
      summary: `The document was changed after signature ${modified.index + 1} (${modified.fieldName}) in a way signing does not allow`,
    };
  }
  const indeterminate = signatures.find((s) => s.indication === 'INDETERMINATE');
  if (indeterminate) {
    return {
      verdict: 'indeterminate',
      indication: 'INDETERMINATE',
      subIndication: indeterminate.subIndication,
      summary: `Signature ${indeterminate.index + 1} (${indeterminate.fieldName}) could not be confirmed: ${indeterminate.subIndication ?? 'unknown'}`,
    };
  }
  return {
    verdict: 'valid',
    indication: 'TOTAL_PASSED',
    subIndication: null,
    summary: `All ${signatures.length} signature(s) are valid and nothing disallowed changed after them`,
  };
}
