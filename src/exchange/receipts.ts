// Receipts: for every delivery (arrival, 01) and status change, the axis signs a CMS SignedData
// whose encapsulated content is the event's canonical JSON (which names the document's SHA-256).
// The content is attached (not detached), so a receipt is self-contained: either agency can keep
// it and later prove to a third party what happened, with nothing but the receipt and the root
// certificate (`openssl cms -verify` prints the JSON). Signed attributes are the PAdES trio
// (contentType, messageDigest, signingCertificateV2), as for our document signatures.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../db/log-chain.js';
import type { Delivery, ExchangeDocument, StatusCode } from '../db/ports.js';
import { assembleSignedDataFor, buildSignedAttributes } from '../pki/cms-build.js';
import { parseCms, type ParsedCms } from '../pki/cms-parse.js';
import { verifyCmsSignature } from '../pki/cms-verify.js';
import { validateChain, type ChainStatus } from '../pki/chain.js';
import { describeCertificate } from '../pki/certificate.js';
import { OID } from '../pki/oids.js';
import type { SignerAdapter } from '../pki/signer.js';

/** Names the format inside the signed bytes, so the axis key's signature means "receipt v1" and nothing else. */
export const RECEIPT_TYPE = 'docaxis.receipt.v1';

export interface ReceiptEvent {
  kind: 'delivery' | 'status';
  documentId: string;
  edxmlDocumentId: string;
  fileSha256: string;
  deliveryId: string;
  recipientCode: string;
  senderCode: string;
  status: StatusCode;
  reason: string | null;
  at: Date;
  actorUserId: string | null;
}

/** The event as it was signed (`at` is the ISO string the JSON carries). */
export type SignedReceiptEvent = Omit<ReceiptEvent, 'at'> & { at: string };

export async function createReceipt(signer: SignerAdapter, event: ReceiptEvent): Promise<Uint8Array> {
  const content = new TextEncoder().encode(canonicalJson({ type: RECEIPT_TYPE, ...event }));
  const signedAttributes = buildSignedAttributes({ contentDigest: createHash('sha256').update(content).digest(), digest: 'sha256', signerCertificate: signer.certificate });
  const signatureValue = await signer.sign(signedAttributes, 'sha256');
  return assembleSignedDataFor({
    signedAttributes,
    signatureValue,
    signerCertificate: signer.certificate,
    certificates: signer.chain,
    digest: 'sha256',
    keyAlgorithm: signer.keyAlgorithm,
    eContentType: OID.data,
    eContent: content,
  });
}

/** The receipt for one event of one delivery, or null when the axis has no receipt key configured. */
export function receiptFor(
  signer: SignerAdapter | undefined,
  document: Pick<ExchangeDocument, 'id' | 'edxmlDocumentId' | 'fileSha256' | 'senderCode'>,
  delivery: Pick<Delivery, 'id' | 'recipientCode'>,
  e: { status: StatusCode; reason: string | null; at: Date; actorUserId: string | null },
): Promise<Uint8Array | null> {
  if (!signer) return Promise.resolve(null);
  return createReceipt(signer, {
    kind: e.status === '01' ? 'delivery' : 'status',
    documentId: document.id,
    edxmlDocumentId: document.edxmlDocumentId,
    fileSha256: document.fileSha256,
    deliveryId: delivery.id,
    recipientCode: delivery.recipientCode,
    senderCode: document.senderCode,
    status: e.status,
    reason: e.reason,
    at: e.at,
    actorUserId: e.actorUserId,
  });
}

export interface ReceiptCheck {
  valid: boolean;
  /** The signed event, when the content could be read (even if the signature does not verify). */
  event: SignedReceiptEvent | null;
  /** Subject of the signing certificate, when present. */
  signer: string | null;
  chain: ChainStatus | null;
  errors: string[];
}

/** What a receipt's bytes say before any trust decision: the parsed CMS, its content, the signature check. */
export interface ReceiptSignature {
  /** null when the bytes are not a CMS SignedData. */
  parsed: ParsedCms | null;
  /** The encapsulated JSON, parsed, whatever its form (null when it is not a JSON object). */
  content: Record<string, unknown> | null;
  /** The content read as a receipt event (null when it is not one). */
  event: SignedReceiptEvent | null;
  /** Subject of the certificate the SignerInfo names, when present. */
  signer: string | null;
  /** Signature value, messageDigest and signingCertificateV2 all check out. */
  signatureOk: boolean;
  errors: string[];
}

/**
 * Checks the CMS signature over the attached JSON and the ESS certificate binding. With
 * `signerCertificate` the signature is checked against THAT certificate's key (pinning), not
 * against whichever certificate the CMS carries. Never throws for a bad receipt.
 */
export function checkReceiptSignature(der: Uint8Array, signerCertificate?: Uint8Array): ReceiptSignature {
  const errors: string[] = [];
  let parsed: ParsedCms;
  try {
    parsed = parseCms(der);
  } catch (e) {
    return { parsed: null, content: null, event: null, signer: null, signatureOk: false, errors: [`not a CMS SignedData: ${e instanceof Error ? e.message : String(e)}`] };
  }
  const bytes = parsed.encapsulatedContent;
  if (parsed.eContentType !== OID.data || !bytes) errors.push('the receipt carries no id-data content');
  const content = bytes ? readContent(bytes, errors) : null;
  const event = content ? eventOf(content, errors) : null;
  const cert = parsed.signerCertificate;
  const signer = cert ? subjectOf(cert) : null;

  let signatureOk = false;
  if (bytes && parsed.digest && parsed.digest !== 'sha1') {
    const check = verifyCmsSignature(parsed, createHash(parsed.digest).update(bytes).digest(), signerCertificate);
    errors.push(...check.errors);
    signatureOk = check.signatureValid && check.messageDigestMatches === true && check.signingCertificateMatches === true;
    if (check.signingCertificateMatches === undefined) errors.push('the receipt lacks signingCertificateV2');
  } else if (bytes) {
    errors.push(`unsupported digest algorithm ${parsed.digestAlgorithmOid}`);
  }
  return { parsed, content, event, signer, signatureOk, errors };
}

/**
 * Checks a receipt: the CMS signature over the attached JSON, the ESS certificate binding, and the
 * signer's path to one of `trustAnchors` at the receipt's own time (`at` in the JSON): a receipt
 * stays provable after the axis certificate expires. Never throws for a bad receipt.
 */
export function verifyReceipt(der: Uint8Array, trustAnchors: readonly Uint8Array[], opts: { intermediates?: readonly Uint8Array[] } = {}): ReceiptCheck {
  const { parsed, event, signer, signatureOk, errors } = checkReceiptSignature(der);
  if (!parsed) return { valid: false, event: null, signer: null, chain: null, errors };
  const cert = parsed.signerCertificate;

  let chain: ChainStatus | null = null;
  if (cert) {
    const at = event ? new Date(event.at) : new Date();
    try {
      const r = validateChain({ leaf: cert, candidates: [...parsed.certificates, ...(opts.intermediates ?? [])], trustAnchors, at, purpose: 'document-signing' });
      chain = r.status;
      if (r.status !== 'valid') errors.push(`signer certificate: ${r.status}${r.errors[0] ? ` (${r.errors[0]})` : ''}`);
    } catch (e) {
      errors.push(`signer certificate: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { valid: signatureOk && event !== null && chain === 'valid', event, signer, chain, errors };
}

function readContent(content: Uint8Array, errors: string[]): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(content));
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (e) {
    errors.push(`receipt content: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

function eventOf(v: Record<string, unknown>, errors: string[]): SignedReceiptEvent | null {
  if (v['type'] !== RECEIPT_TYPE || typeof v['at'] !== 'string' || Number.isNaN(Date.parse(v['at']))) {
    errors.push(`receipt content: not a ${RECEIPT_TYPE} event`);
    return null;
  }
  const { type: _type, ...event } = v;
  return event as unknown as SignedReceiptEvent;
}

function subjectOf(cert: Uint8Array): string | null {
  try {
    return describeCertificate(cert).subject.text;
  } catch {
    return null;
  }
}
