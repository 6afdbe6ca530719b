// One parse per distinct certificate or CRL for the length of a run (e.g. one verifyPdf call):
// a PDF with several signatures carries the same chain in every CMS, and every validation walks
// the same trust anchors. Keyed by content, not by buffer identity, because each CMS hands out
// its own copy of the bytes. Create one per run and drop it with the run; there is deliberately
// no module-level instance (trust anchors and CRLs differ between callers and over time).
import { DocaxisError, asDocaxisError } from '../errors.js';
import { type CertificateInfo, describeParsed } from './certificate.js';
import { type ChainCert, chainCertOf, parseChainCert } from './chain-cert.js';
import { PublicKeyCache } from './public-key-cache.js';
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
  readonly signatures: Map<string, boolean>;
  /** Per CRL and issuer: usable or why not (CRL signatures checked once per run). */
  readonly crlTrust: CrlTrustCache;
  /** OpenSSL keys by SPKI, shared with the parent: signers recur from document to document. */
  readonly keys: PublicKeyCache;
  readonly #certs = new Map<string, CertEntry>();
  readonly #crls = new Map<string, ParsedCrl | DocaxisError>();
  readonly #parent: CertificateCache | undefined;

  /**
   * With a parent (a long-lived cache of the trust store: anchors, intermediates, CRLs), lookups
   * read through to it and new entries stay here, so one document's certificates never outlive
   * its verification while the trust store is parsed, and its keys built, once. OpenSSL key
   * objects (`keys`) are the exception: pure functions of the SPKI bytes, kept in the parent's
   * bounded cache so a recurring signer's key is built once, not per document.
   */
  constructor(parent?: CertificateCache) {
    this.#parent = parent;
    this.signatures = new Map(parent?.signatures);
    this.crlTrust = parent?.crlTrust ?? new WeakMap();
    this.keys = parent?.keys ?? new PublicKeyCache();
  }

  /** A long-lived parent for per-run caches: parses everything and builds every key now. */
  static forTrustStore(p: { trustAnchors?: readonly Uint8Array[]; intermediates?: readonly Uint8Array[]; crls?: readonly Uint8Array[] }): CertificateCache {
    const cache = new CertificateCache();
    for (const der of [...(p.trustAnchors ?? []), ...(p.intermediates ?? [])]) {
      const cert = cache.tryChainCert(der);
      try {
        if (cert) void cert.publicKey;
      } catch {
        // An unusable key shows up as a chain error when the certificate is used.
      }
    }
    for (const der of p.crls ?? []) {
      try {
        cache.crl(der);
      } catch {
        // Reported by whoever passes this CRL for validation.
      }
    }
    return cache;
  }

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
      entry.chain = der[0] === 0x30 ? chainCertOf(this.#parsed(entry), (spki) => this.keys.get(spki)) : parseChainCert(der);
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
    let hit = this.#crls.get(key) ?? (this.#parent ? this.#parent.#crls.get(key) : undefined);
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
    let entry = this.#certs.get(key) ?? (this.#parent ? this.#parent.#certs.get(key) : undefined);
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
