// Certificate facts as they appear in the report: strings, ISO dates, no bytes. Parsing goes
// through the per-verification cache: the same certificates recur in every signature's chain.
import type { CertificateInfo } from '../pki/certificate.js';
import type { CertificateCache } from '../pki/certificate-cache.js';
import type { CertificateSummary, SignerSummary } from './report.js';

export function summariseCertificate(der: Uint8Array, cache: CertificateCache): CertificateSummary {
  return fromInfo(cache.describe(der));
}

export function summariseSigner(der: Uint8Array, cache: CertificateCache): SignerSummary {
  const info = cache.describe(der);
  return {
    ...fromInfo(info),
    commonName: info.commonName ?? null,
    organization: info.organization ?? null,
    title: info.title ?? null,
    email: info.email ?? null,
    agencyCode: info.agencyCode ?? null,
    personalId: info.personalId ?? null,
    uids: info.uids,
    keyUsage: info.keyUsage ?? null,
    publicKeyAlgorithm: info.publicKeyAlgorithm,
  };
}

/** Never throws: a certificate we cannot describe is still worth naming in the report. */
export function safeCommonName(der: Uint8Array, cache: CertificateCache): string {
  try {
    const info = cache.describe(der);
    return info.commonName ?? info.subject.text;
  } catch {
    return '(unparsable certificate)';
  }
}

function fromInfo(info: CertificateInfo): CertificateSummary {
  return {
    subject: info.subject.text,
    issuer: info.issuer.text,
    serialNumber: info.serialNumber,
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
    fingerprintSha256: info.fingerprintSha256,
  };
}
