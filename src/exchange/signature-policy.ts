// Step 3 of the send policy: Decree 30/2020 signatures.
//
// The rule, on the verification report (signatures in file order, document timestamps ignored):
// 1. the document verdict is 'valid' (every signature passed, nothing disallowed changed after
//    any of them), else SIGNATURE_INVALID with the report;
// 2. the seal: at least one TOTAL_PASSED signature whose signer certificate (SHA-256 fingerprint)
//    is an ACTIVE certificate bound to the sending agency, else SEAL_MISSING (so another agency's
//    seal, or a personal signature only, does not do);
// 3. the competent signer: before the first seal signature, a TOTAL_PASSED signature by a
//    certificate bound to NO agency (active or not: a retired seal is still a seal, not a person),
//    else SIGNER_SIGNATURE_MISSING (Decree 30 art. 32: the clerk seals a document already signed).
// A certificate's binding is what the admins registered, not what its subject claims: real
// Government CA certificates carry no agency code.
import { DocaxisError } from '../errors.js';
import type { Principal } from '../db/ports.js';
import type { SignatureReport, VerificationReport } from '../pades/report.js';
import type { ExchangeDeps } from './deps.js';

const who = (s: SignatureReport) => s.signer?.commonName ?? s.signer?.subject ?? s.fieldName;

export async function checkSignatures(deps: ExchangeDeps, p: Principal, report: VerificationReport): Promise<void> {
  if (report.document.verdict !== 'valid') {
    throw new DocaxisError('SIGNATURE_INVALID', report.document.summary, { details: { report } });
  }
  const passed = report.signatures.filter((s) => s.type === 'signature' && s.indication === 'TOTAL_PASSED' && s.signer);
  const own = new Set((await deps.stores.certificates.listForAgency(p.agency.id, true)).map((c) => c.fingerprintSha256.toLowerCase()));
  const seal = passed.find((s) => own.has(s.signer!.fingerprintSha256.toLowerCase()));
  if (!seal) {
    const signers = passed.map(who);
    throw new DocaxisError('SEAL_MISSING', `none of ${p.agency.code}'s certificates signed (signed by: ${signers.join(', ') || 'nobody'})`, { details: { signers } });
  }
  const earlier = passed.filter((s) => s.index < seal.index);
  const bound = earlier.length > 0 ? await boundFingerprints(deps) : new Set<string>();
  if (!earlier.some((s) => !bound.has(s.signer!.fingerprintSha256.toLowerCase()))) {
    throw new DocaxisError('SIGNER_SIGNATURE_MISSING', `no personal signature before the seal of ${who(seal)}`);
  }
}

/**
 * Fingerprints of every certificate bound to any agency. The ports offer no lookup by
 * fingerprint, so this reads them agency by agency; it only runs when a signature precedes the
 * seal, i.e. once per well-formed send.
 */
async function boundFingerprints(deps: ExchangeDeps): Promise<Set<string>> {
  const agencies = await deps.stores.agencies.list();
  const lists = await Promise.all(agencies.map((a) => deps.stores.certificates.listForAgency(a.id, false)));
  return new Set(lists.flat().map((c) => c.fingerprintSha256.toLowerCase()));
}
