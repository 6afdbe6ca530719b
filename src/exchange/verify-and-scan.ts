// A send and a preview need the same two readings of an uploaded file: the verification against
// what the axis trusts today (trust-material.ts) and, once our verifier has parsed the file, its
// classification stamps. A verifier that can do both in one pass (the worker pool: one job, the
// bytes sent once) is asked once; any other is asked twice, in that order.
import { InProcessVerifier, type VerifiedAndScanned } from '../pades/verifier.js';
import type { ExchangeDeps } from './deps.js';
import { trustSnapshot } from './trust-material.js';

/** Rejects as the verification does (a file it cannot parse is never scanned). */
export async function verifyAndScanWithStores(deps: ExchangeDeps, pdf: Uint8Array, at: Date): Promise<VerifiedAndScanned> {
  const verifier = deps.verifier ?? new InProcessVerifier();
  const trust = await trustSnapshot(deps);
  if (verifier.verifyAndScan) return verifier.verifyAndScan(pdf, trust, at);
  const report = await verifier.verify(pdf, trust, at);
  return { report, marks: await verifier.scanMarks(pdf) };
}
