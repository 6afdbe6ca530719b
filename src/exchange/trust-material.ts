// Verification against what the axis trusts today: active anchors and every stored CRL from the
// stores, plus the configured intermediates. Read per call, so an admin's change applies at once;
// parsed once per trust-store version (the set of anchor and CRL ids), because parsing the anchors
// and checking the CRLs' signatures on every send cost more than the verification itself.
import { verifyPdf } from '../pades/verify.js';
import type { VerificationReport } from '../pades/report.js';
import { CertificateCache } from '../pki/certificate-cache.js';
import type { ExchangeDeps } from './deps.js';

/** Holds the parsed trust store between calls; one per app, created by whoever builds the deps. */
export class TrustStoreCacheSlot {
  key = '';
  cache: CertificateCache | undefined;
}

export async function verifyWithStores(deps: ExchangeDeps, pdf: Uint8Array, at: Date): Promise<VerificationReport> {
  const [anchors, crls] = await Promise.all([deps.stores.trust.anchors(true), deps.stores.trust.crls()]);
  const store = {
    trustAnchors: anchors.map((a) => a.der),
    intermediates: deps.intermediates ?? [],
    crls: crls.map((c) => c.der),
  };
  const slot = deps.trustCache;
  let trustStoreCache: CertificateCache | undefined;
  if (slot) {
    const key = `${anchors.map((a) => a.id).join(',')}|${crls.map((c) => c.id).join(',')}|${store.intermediates.length}`;
    if (slot.key !== key || !slot.cache) {
      slot.cache = CertificateCache.forTrustStore(store);
      slot.key = key;
    }
    trustStoreCache = slot.cache;
  }
  return verifyPdf(pdf, { ...store, at, ...(trustStoreCache ? { trustStoreCache } : {}) });
}
