// Verifies every signature of a PDF into a report. Bad input (not a PDF, truncated, encrypted)
// is a DocaxisError from the reader; everything about the signatures themselves is in the report.
import { PdfReader } from '../pdf/reader.js';
import { CertificateCache } from '../pki/certificate-cache.js';
import type { ParsedCrl } from '../pki/revocation.js';
import { findSignatures } from './find-signatures.js';
import { RangeHasher, type HashCheckpoints } from './range-hasher.js';
import { documentVerdict, type VerificationReport } from './report.js';
import { verifySignature } from './verify-signature.js';

export interface VerifyOptions {
  /** Trusted roots (DER). Nothing is trusted by default. */
  trustAnchors?: readonly Uint8Array[];
  /** Extra intermediate certificates (DER) for path building. */
  intermediates?: readonly Uint8Array[];
  /** CRLs (DER), parsed or not. */
  crls?: readonly (Uint8Array | ParsedCrl)[];
  /** Validation time; default now. */
  at?: Date;
  requireRevocation?: boolean;
  maxBytes?: number;
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
  const found = findSignatures(reader);
  const hasher = new RangeHasher(
    reader.bytes,
    found.map((f) => {
      const br = f.dict.get('ByteRange');
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
    at: options.at ?? new Date(),
    requireRevocation: options.requireRevocation ?? false,
    hasher,
  };
  const signatures = found.map((f, i) => verifySignature(reader, f, i, ctx));
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
