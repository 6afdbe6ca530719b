// Verification against what the axis trusts today: active anchors and every stored CRL from the
// stores, plus the configured intermediates. Read per call, so an admin's change applies at once.
import { verifyPdf } from '../pades/verify.js';
import type { VerificationReport } from '../pades/report.js';
import type { ExchangeDeps } from './deps.js';

export async function verifyWithStores(deps: ExchangeDeps, pdf: Uint8Array, at: Date): Promise<VerificationReport> {
  const [anchors, crls] = await Promise.all([deps.stores.trust.anchors(true), deps.stores.trust.crls()]);
  return verifyPdf(pdf, {
    trustAnchors: anchors.map((a) => a.der),
    intermediates: deps.intermediates ?? [],
    crls: crls.map((c) => c.der),
    at,
  });
}
