// Verification against a trust store that changes rarely (an admin adds an anchor or a CRL) and is
// used for every document: the caller names the store's version (`key`) and says how to load it;
// a verifier parses it once per key. Two implementations: in this thread (below) and a pool of
// worker threads (verify-pool.ts) that keeps the event loop free while a document is checked.
import { scanClassificationMarks, type ClassificationMark } from '../content/classification-marks.js';
import { CertificateCache } from '../pki/certificate-cache.js';
import type { VerificationReport } from './report.js';
import { verifyPdf } from './verify.js';

export interface TrustMaterial {
  trustAnchors: Uint8Array[];
  intermediates: Uint8Array[];
  crls: Uint8Array[];
}

export interface TrustSnapshot {
  /** Changes whenever the material does (e.g. the ids of the anchors and CRLs in use). */
  key: string;
  /** Called only when the verifier has nothing parsed for this key. */
  load(): Promise<TrustMaterial>;
}

export interface PdfVerifier {
  verify(pdf: Uint8Array, trust: TrustSnapshot, at: Date): Promise<VerificationReport>;
  scanMarks(pdf: Uint8Array): Promise<ClassificationMark[]>;
  close(): Promise<void>;
}

/** The parsed trust store for one key; the same logic serves this thread and each worker. */
export class TrustStoreParsed {
  #key: string | undefined;
  #material: TrustMaterial | undefined;
  #cache: CertificateCache | undefined;

  has(key: string): boolean {
    return this.#key === key;
  }

  /** All or nothing: material that does not parse leaves the previous store and key in place. */
  set(key: string, material: TrustMaterial): void {
    const cache = CertificateCache.forTrustStore(material);
    this.#key = key;
    this.#material = material;
    this.#cache = cache;
  }

  verify(pdf: Uint8Array, at: Date): VerificationReport {
    if (!this.#material || !this.#cache) throw new Error('no trust material set');
    return verifyPdf(pdf, { ...this.#material, at, trustStoreCache: this.#cache });
  }
}

/** Verifies on the calling thread: for tests, tools and a service configured without workers. */
export class InProcessVerifier implements PdfVerifier {
  readonly #parsed = new TrustStoreParsed();

  async verify(pdf: Uint8Array, trust: TrustSnapshot, at: Date): Promise<VerificationReport> {
    if (!this.#parsed.has(trust.key)) this.#parsed.set(trust.key, await trust.load());
    return this.#parsed.verify(pdf, at);
  }

  scanMarks(pdf: Uint8Array): Promise<ClassificationMark[]> {
    return scanClassificationMarks(pdf);
  }

  async close(): Promise<void> {}
}
