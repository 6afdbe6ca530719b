// Verification against what the axis trusts today: active anchors and every stored CRL from the
// stores, plus the configured intermediates. Their version (the ids in use) is read per call, so an
// admin's change applies at once; the material itself is read and parsed once per version by the
// verifier (deps.verifier: this thread or the worker pool), because parsing the anchors and
// checking the CRLs' signatures on every send cost more than the verification itself.
import { InProcessVerifier, type TrustSnapshot } from '../pades/verifier.js';
import type { VerificationReport } from '../pades/report.js';
import type { ExchangeDeps } from './deps.js';

export async function verifyWithStores(deps: ExchangeDeps, pdf: Uint8Array, at: Date): Promise<VerificationReport> {
  const verifier = deps.verifier ?? new InProcessVerifier();
  return verifier.verify(pdf, await trustSnapshot(deps), at);
}

export async function trustSnapshot(deps: Pick<ExchangeDeps, 'stores' | 'intermediates'>): Promise<TrustSnapshot> {
  const intermediates = deps.intermediates ?? [];
  const version = await deps.stores.trust.version();
  return {
    key: `${version}|${intermediates.length}`,
    load: async () => {
      const [anchors, crls] = await Promise.all([deps.stores.trust.anchors(true), deps.stores.trust.crls()]);
      return { trustAnchors: anchors.map((a) => a.der), intermediates, crls: crls.map((c) => c.der) };
    },
  };
}
