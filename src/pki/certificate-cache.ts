// One parse per distinct certificate or CRL for the length of a run (e.g. one verifyPdf call):
// a PDF with several signatures carries the same chain in every CMS, and every validation walks
// the same trust anchors. Keyed by content, not by buffer identity, because each CMS hands out
// its own copy of the bytes. Create one per run and drop it with the run; there is deliberately
// no module-level instance (trust anchors and CRLs differ between callers and over time).
import { DocaxisError, asDocaxisError } from '../errors.js';
import { type CertificateInfo, describeParsed } from './certificate.js';
import { type ChainCert, chainCertOf, parseChainCert } from './chain-cert.js';
import { type CrlTrustCache, type ParsedCrl, parseCrl } from './revocation.js';
import { type ParsedCertificate, parseCertificate } from './x509.js';

interface CertEntry {
  parsed?: ParsedCertificate;
  error?: DocaxisError;
  info?: CertificateInfo;
  chain?: ChainCert;
}

export class CertificateCache {
  /** Signature checks by "issuer fingerprint>child fingerprint" (see chain-build.ts). */
  readonly signatures = new Map<string, boolean>();
  /** Per CRL and issuer: usable or why not (CRL signatures checked once per run). */
  readonly crlTrust: CrlTrustCache = new WeakMap();
  readonly #certs = new Map<string, CertEntry>();
  readonly #crls = new Map<string, ParsedCrl | DocaxisError>();

  /** describeCertificate, memoised. @throws DocaxisError CERT_MALFORMED */
  describe(der: Uint8Array): CertificateInfo {
    const entry = this.#cert(der);
    return (entry.info ??= describeParsed(this.#parsed(entry)));
  }

  /** parseChainCert, memoised. @throws DocaxisError CERT_MALFORMED */
  chainCert(der: Uint8Array): ChainCert {
    const entry = this.#cert(der);
    if (entry.chain === undefined) {
      // Not DER (PEM, junk): parseChainCert's own handling and error; the bytes stay the key.
      entry.chain = der[0] === 0x30 ? chainCertOf(this.#parsed(entry)) : parseChainCert(der);
    }
    return entry.chain;
  }

  /** Like chainCert, but undefined for junk. */
  tryChainCert(der: Uint8Array): ChainCert | undefined {
    try {
      return this.chainCert(der);
    } catch {
      return undefined;
    }
  }

  /** parseCrl, memoised (failures too). @throws DocaxisError CRL_MALFORMED */
  crl(der: Uint8Array): ParsedCrl {
    const key = keyOf(der);
    let hit = this.#crls.get(key);
    if (hit === undefined) {
      try {
        hit = parseCrl(der);
      } catch (e) {
        hit = asDocaxisError(e, 'CRL_MALFORMED');
      }
      this.#crls.set(key, hit);
    }
    if (hit instanceof DocaxisError) throw hit;
    return hit;
  }

  #cert(der: Uint8Array): CertEntry {
    const key = keyOf(der);
    let entry = this.#certs.get(key);
    if (entry === undefined) {
      entry = {};
      try {
        // Our own copy: the cached views must not change when the caller reuses its buffer.
        entry.parsed = parseCertificate(Uint8Array.prototype.slice.call(der));
      } catch (e) {
        entry.error = asDocaxisError(e, 'CERT_MALFORMED');
      }
      this.#certs.set(key, entry);
    }
    return entry;
  }

  #parsed(entry: CertEntry): ParsedCertificate {
    if (entry.parsed === undefined) throw entry.error ?? new DocaxisError('CERT_MALFORMED');
    return entry.parsed;
  }
}

/** The bytes themselves as the key: exact, and for 1-2 KB cheaper than hashing them first. */
function keyOf(der: Uint8Array): string {
  return Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1');
}
