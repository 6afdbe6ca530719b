// Verifies every signature of a PDF into a report. Bad input (not a PDF, truncated, encrypted,
// more signatures than allowed) is a DocaxisError; everything about the signatures themselves is
// in the report.
import { PdfReader } from '../pdf/reader.js';
import { CertificateCache } from '../pki/certificate-cache.js';
import { type ParsedOcspResponse, parseOcspResponse } from '../pki/ocsp.js';
import type { ParsedCrl } from '../pki/revocation.js';
import { dssSource } from './dss-read.js';
import { findSignatures } from './find-signatures.js';
import { RangeHasher, type HashCheckpoints } from './range-hasher.js';
import { groupReplays, recordReplays } from './replays.js';
import { MAX_LISTED_MODIFICATIONS, documentVerdict, type SignatureReport, type VerificationReport } from './report.js';
import { verifySignature, type ProofOfExistence } from './verify-signature.js';

/** Real documents carry a handful of signatures; hundreds are an attack on the verifier's time. */
export const DEFAULT_MAX_SIGNATURES = 20;

export interface VerifyOptions {
  /** Trusted roots (DER). Nothing is trusted by default. */
  trustAnchors?: readonly Uint8Array[];
  /** Extra intermediate certificates (DER) for path building. */
  intermediates?: readonly Uint8Array[];
  /** CRLs (DER), parsed or not. */
  crls?: readonly (Uint8Array | ParsedCrl)[];
  /** OCSP responses (DER OCSPResponse or BasicOCSPResponse) given by the caller or fetched, beside `crls`. */
  ocspResponses?: readonly (Uint8Array | ParsedOcspResponse)[];
  /** Validation time; default now. */
  at?: Date;
  requireRevocation?: boolean;
  maxBytes?: number;
  /**
   * More signature dictionaries than this (DEFAULT_MAX_SIGNATURES) and the document is refused
   * (PDF_TOO_MANY_SIGNATURES) before any of them is verified.
   */
  maxSignatures?: number;
  /**
   * A long-lived cache of the trust store (`CertificateCache.forTrustStore`), for callers that
   * verify many documents against the same anchors: they are then parsed once, not per document.
   */
  trustStoreCache?: CertificateCache;
  /** Hash states taken while reading `pdf` (the CLI hashes as it reads): spares the hashing pass. */
  hashCheckpoints?: HashCheckpoints;
}

export function verifyPdf(pdf: Uint8Array | PdfReader, options: VerifyOptions = {}): VerificationReport {
  const reader = pdf instanceof PdfReader ? pdf : PdfReader.open(pdf, options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : undefined);
  const groups = groupReplays(reader, findSignatures(reader, { maxSignatures: options.maxSignatures ?? DEFAULT_MAX_SIGNATURES }));
  const hasher = new RangeHasher(
    reader.bytes,
    groups.map(({ signature }) => {
      const br = signature.dict.get('ByteRange');
      return Array.isArray(br) ? br.map((n) => (typeof n === 'number' ? n : -1)) : [];
    }),
    options.hashCheckpoints,
  );
  const cache = new CertificateCache(options.trustStoreCache);
  const ctx = {
    cache,
    trustAnchors: options.trustAnchors ?? [],
    intermediates: options.intermediates ?? [],
    crls: (options.crls ?? []).map((c) => (c instanceof Uint8Array ? cache.crl(c) : c)),
    ocspResponses: (options.ocspResponses ?? []).map((r) => (r instanceof Uint8Array ? parseOcspResponse(r) : r)),
    at: options.at ?? new Date(),
    requireRevocation: options.requireRevocation ?? false,
    dss: dssSource(reader),
    hasher,
  };
  // Latest first: a valid document timestamp is a proof of existence for everything before it,
  // which past validation of the earlier signatures and timestamps may need (verify-signature.ts).
  const proofs: ProofOfExistence[] = [];
  const signatures: SignatureReport[] = new Array<SignatureReport>(groups.length);
  for (let i = groups.length - 1; i >= 0; i--) {
    const { signature, copies } = groups[i]!;
    const report = verifySignature(reader, signature, i, { ...ctx, proofs });
    recordReplays(report, copies);
    if (reader.brokenPrevChain) revisionsUnknown(report);
    const proof = proofOf(report);
    if (proof) proofs.push(proof);
    signatures[i] = capModifications(report);
  }
  return {
    reportVersion: 1,
    file: {
      size: reader.bytes.length,
      sha256: Buffer.from(hasher.fileDigest('sha256')).toString('hex'),
      revisions: reader.revisions.length,
    },
    document: documentVerdict(signatures),
    signatures,
  };
}

/** What a passed document timestamp proves: the bytes before its /Contents existed at its time. */
function proofOf(report: SignatureReport): ProofOfExistence | undefined {
  if (report.type !== 'document-timestamp' || report.indication !== 'TOTAL_PASSED' || !report.times.proven) return undefined;
  const before = report.coverage.byteRange[1];
  return before === undefined ? undefined : { time: new Date(report.times.proven), before };
}

/**
 * A /Prev chain that cannot be followed to its end leaves the earlier revisions unknown: what a
 * signature signed and what changed after it cannot be established. The signature's own
 * cryptographic failure stays a fact; anything else is INDETERMINATE, never TOTAL_PASSED or a
 * failure the missing revisions might explain.
 */
function revisionsUnknown(report: SignatureReport): void {
  report.errors.push('the chain of cross-reference sections (/Prev) is broken: the earlier revisions of the file cannot be established');
  if (report.indication === 'TOTAL_FAILED' && (report.subIndication === 'HASH_FAILURE' || report.subIndication === 'SIG_CRYPTO_FAILURE')) return;
  report.indication = 'INDETERMINATE';
  report.subIndication = 'FORMAT_FAILURE';
}

/** Keeps the report's size bounded: the first entries of each list, and a count of the rest. */
function capModifications(report: SignatureReport): SignatureReport {
  const { allowed, disallowed } = report.modifications;
  if (allowed.length <= MAX_LISTED_MODIFICATIONS && disallowed.length <= MAX_LISTED_MODIFICATIONS) return report;
  report.modifications = {
    allowed: allowed.slice(0, MAX_LISTED_MODIFICATIONS),
    disallowed: disallowed.slice(0, MAX_LISTED_MODIFICATIONS),
    omitted: { allowed: Math.max(0, allowed.length - MAX_LISTED_MODIFICATIONS), disallowed: Math.max(0, disallowed.length - MAX_LISTED_MODIFICATIONS) },
  };
  return report;
}
