// Verifying a PDF that is not stored: the same verification a send runs (trust-material.ts, against
// today's anchors, CRLs and intermediates) and, for a clerk, the Decree 30 signature rules of the
// send policy for the clerk's agency (signature-policy.ts), so a clerk can see before sending
// whether the axis would take the file. Nothing is written: no blob, no document, no log entry;
// the bytes live only in this call. The file's classification stamps are looked for as a send
// would (after the verifier has parsed it), so a stamped letter is seen before it is sent.
import { DocaxisError } from '../errors.js';
import type { ClassificationMark } from '../content/classification-marks.js';
import type { Principal } from '../db/ports.js';
import type { VerificationReport } from '../pades/report.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole } from './guard.js';
import { evaluateSignatures, type SignatureRefusal } from './signature-policy.js';
import { verifyAndScanWithStores } from './verify-and-scan.js';

/** The signature rules of a send by the caller's agency; the metadata checks are not part of it. */
export interface SendPolicyPreview {
  agencyCode: string;
  /** Every signature passed and nothing disallowed changed (the report's verdict is 'valid'). */
  documentValid: boolean;
  /** A passed signature by an active certificate bound to the caller's agency. */
  agencySeal: boolean;
  /** Index (in the report) of that seal signature, or null. */
  sealSignatureIndex: number | null;
  /** A passed personal signature (a certificate bound to no agency) before the seal. */
  signerBeforeSeal: boolean;
  /** The code a send would be refused with, in the send's order; null when these checks pass. */
  code: SignatureRefusal | null;
}

export interface UploadVerification {
  report: VerificationReport;
  /** Only a clerk sends: null for admins and auditors. */
  policy: SendPolicyPreview | null;
  /** Classification stamps in the file's text (a send refuses it: CLASSIFICATION_MARK_FOUND); [] when none. */
  classificationMarks: ClassificationMark[];
}

export async function verifyUpload(deps: ExchangeDeps, p: Principal, pdf: Uint8Array): Promise<UploadVerification> {
  await ensureRole(deps, p, 'verify an uploaded PDF', 'clerk', 'admin', 'auditor', 'drafter', 'signer');
  if (pdf.length === 0) throw new DocaxisError('FILE_MISSING', 'the PDF is empty');
  const { report, marks: classificationMarks } = await verifyAndScanWithStores(deps, pdf, deps.clock());
  if (p.user.role !== 'clerk') return { report, policy: null, classificationMarks };
  const e = await evaluateSignatures(deps, p.agency, report);
  return {
    report,
    classificationMarks,
    policy: {
      agencyCode: p.agency.code,
      documentValid: e.documentValid,
      agencySeal: e.seal !== null,
      sealSignatureIndex: e.seal?.index ?? null,
      signerBeforeSeal: e.signerBeforeSeal,
      code: e.refusal,
    },
  };
}
