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
//
// evaluateSignatures() answers the three questions without throwing (POST /verify shows them to a
// clerk before sending); checkSignatures() is the send's gate on the same answers.
import { DocaxisError, type ErrorCode } from '../errors.js';
import type { Agency, Principal } from '../db/ports.js';
import type { SignatureReport, VerificationReport } from '../pades/report.js';
import type { ExchangeDeps } from './deps.js';

/** The codes of this step, in the order the rules apply. */
export const SIGNATURE_REFUSALS = ['SIGNATURE_INVALID', 'SEAL_MISSING', 'SIGNER_SIGNATURE_MISSING'] as const satisfies readonly ErrorCode[];
export type SignatureRefusal = (typeof SIGNATURE_REFUSALS)[number];

export interface SignatureEvaluation {
  /** Rule 1: the document verdict is 'valid'. */
  documentValid: boolean;
  /** Rule 2: a passed signature by an active certificate bound to the agency; null when none. */
  seal: SignatureReport | null;
  /** Rule 3: a passed personal signature before that seal (false without a seal). */
  signerBeforeSeal: boolean;
  /** What a send by this agency would be refused with, in the rules' order; null: it would pass. */
  refusal: SignatureRefusal | null;
}

const who = (s: SignatureReport) => s.signer?.commonName ?? s.signer?.subject ?? s.fieldName;

export async function evaluateSignatures(deps: ExchangeDeps, agency: Pick<Agency, 'id'>, report: VerificationReport): Promise<SignatureEvaluation> {
  const documentValid = report.document.verdict === 'valid';
  const passed = passedSignatures(report);
  // One query for both rules: the agency's active seals, and certificates bound to any agency.
  const bindings = passed.length > 0 ? await deps.stores.certificates.bindingsAmong(passed.map((s) => s.signer!.fingerprintSha256)) : [];
  const own = new Set(bindings.filter((b) => b.agencyId === agency.id && b.active).map((b) => b.fingerprintSha256));
  const bound = new Set(bindings.map((b) => b.fingerprintSha256));
  const seal = passed.find((s) => own.has(s.signer!.fingerprintSha256.toLowerCase())) ?? null;
  const earlier = seal ? passed.filter((s) => s.index < seal.index) : [];
  const signerBeforeSeal = earlier.some((s) => !bound.has(s.signer!.fingerprintSha256.toLowerCase()));
  const refusal = !documentValid ? 'SIGNATURE_INVALID' : !seal ? 'SEAL_MISSING' : !signerBeforeSeal ? 'SIGNER_SIGNATURE_MISSING' : null;
  return { documentValid, seal, signerBeforeSeal, refusal };
}

export async function checkSignatures(deps: ExchangeDeps, p: Principal, report: VerificationReport): Promise<void> {
  // Rule 1 needs no store: refuse an invalid document before reading any certificate.
  if (report.document.verdict !== 'valid') {
    throw new DocaxisError('SIGNATURE_INVALID', report.document.summary, { details: { report } });
  }
  const e = await evaluateSignatures(deps, p.agency, report);
  if (e.refusal === 'SEAL_MISSING') {
    const signers = passedSignatures(report).map(who);
    throw new DocaxisError('SEAL_MISSING', `none of ${p.agency.code}'s certificates signed (signed by: ${signers.join(', ') || 'nobody'})`, { details: { signers } });
  }
  if (e.refusal === 'SIGNER_SIGNATURE_MISSING') {
    throw new DocaxisError('SIGNER_SIGNATURE_MISSING', `no personal signature before the seal of ${who(e.seal!)}`);
  }
}

function passedSignatures(report: VerificationReport): SignatureReport[] {
  return report.signatures.filter((s) => s.type === 'signature' && s.indication === 'TOTAL_PASSED' && s.signer);
}
