// Verification against a trust store that changes rarely (an admin adds an anchor or a CRL) and is
// used for every document: the caller names the store's version (`key`) and says how to load it;
// a verifier parses it once per key. Two implementations: in this thread (below) and a pool of
// workers (verify-pool.ts: child processes) that keeps the event loop free while a document is checked.
// The same port reads a PDF's text for classification stamps: it parses the same untrusted bytes,
// so it runs where verification runs, under the same budgets.
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

/** A verification and the classification stamps found after it (a send needs both). */
export interface VerifiedAndScanned {
  report: VerificationReport;
  marks: ClassificationMark[];
}

export interface PdfVerifier {
  verify(pdf: Uint8Array, trust: TrustSnapshot, at: Date): Promise<VerificationReport>;
  /** The classification stamps in the PDF's own text (content/classification-marks.ts); [] when none. */
  scanMarks(pdf: Uint8Array): Promise<ClassificationMark[]>;
  /**
   * verify, then (only if it did not throw: the file parsed) scanMarks, in one pass: the pool sends
   * the bytes to one worker once. Optional: without it, callers make the two calls (verify-and-scan.ts).
   */
  verifyAndScan?(pdf: Uint8Array, trust: TrustSnapshot, at: Date): Promise<VerifiedAndScanned>;
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

  verify(pdf: Uint8Array, at: Date, maxSignatures?: number): VerificationReport {
    if (!this.#material || !this.#cache) throw new Error('no trust material set');
    return verifyPdf(pdf, { ...this.#material, at, trustStoreCache: this.#cache, ...(maxSignatures !== undefined ? { maxSignatures } : {}) });
  }
}

/** Verifies on the calling thread: for the CLI and tests. The service always uses the worker pool. */
export class InProcessVerifier implements PdfVerifier {
  readonly #parsed = new TrustStoreParsed();

  /** `maxSignatures`: more signatures than this refuse a document (PDF_TOO_MANY_SIGNATURES); default verifyPdf's. */
  constructor(private readonly options: { maxSignatures?: number } = {}) {}

  async verify(pdf: Uint8Array, trust: TrustSnapshot, at: Date): Promise<VerificationReport> {
    if (!this.#parsed.has(trust.key)) this.#parsed.set(trust.key, await trust.load());
    return this.#parsed.verify(pdf, at, this.options.maxSignatures);
  }

  scanMarks(pdf: Uint8Array): Promise<ClassificationMark[]> {
    return scanClassificationMarks(pdf);
  }

  async verifyAndScan(pdf: Uint8Array, trust: TrustSnapshot, at: Date): Promise<VerifiedAndScanned> {
    const report = await this.verify(pdf, trust, at);
    return { report, marks: await this.scanMarks(pdf) };
  }

  async close(): Promise<void> {}
}
