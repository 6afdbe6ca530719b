// Checking a receipt this axis issued (receipts.ts): the CMS signature over the attached event,
// checked against the axis's OWN receipt certificate (the key that signed must be that one, not
// merely a certificate that chains to a trusted root), inside that certificate's validity at the
// event's time. Any user may ask; a bad receipt is an answer with errors, not a refusal.
import { Buffer } from 'node:buffer';
import { describeCertificate } from '../pki/certificate.js';
import type { Principal } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole } from './guard.js';
import { checkReceiptSignature } from './receipts.js';

export interface AxisReceiptCheck {
  valid: boolean;
  /** The event time the receipt signs (`at` of its content), ISO 8601; null when unreadable. */
  signedAt: string | null;
  /** The signed JSON, parsed (null when the receipt carries none). */
  content: Record<string, unknown> | null;
  /** Subject of the certificate the receipt names as its signer. */
  signer: string | null;
  errors: string[];
}

export async function verifyAxisReceipt(deps: ExchangeDeps, p: Principal, receipt: Uint8Array): Promise<AxisReceiptCheck> {
  await ensureRole(deps, p, 'verify a receipt', 'clerk', 'admin', 'auditor');
  const axisCertificate = deps.receiptSigner?.certificate;
  const checked = checkReceiptSignature(receipt, axisCertificate);
  const errors = [...checked.errors];
  const signedAt = checked.event?.at ?? null;

  let fromAxis = false;
  if (!axisCertificate) {
    errors.push('this axis has no receipt certificate configured: the signer cannot be checked');
  } else if (checked.parsed) {
    const named = checked.parsed.signerCertificate;
    fromAxis = named !== undefined && Buffer.from(named).equals(axisCertificate);
    if (!fromAxis) errors.push(`the receipt is not signed with this axis's receipt certificate (signer: ${checked.signer ?? 'unknown'})`);
  }

  let inValidity = false;
  if (axisCertificate && signedAt !== null) {
    const cert = describeCertificate(axisCertificate);
    const at = new Date(signedAt);
    inValidity = at >= cert.notBefore && at <= cert.notAfter;
    if (!inValidity) errors.push(`the receipt time ${signedAt} is outside the axis certificate's validity`);
  }

  return { valid: checked.signatureOk && checked.event !== null && fromAxis && inValidity, signedAt, content: checked.content, signer: checked.signer, errors };
}
