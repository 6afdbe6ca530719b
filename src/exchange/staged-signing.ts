// The signer's signature, staged over HTTP. prepare: the service appends the signature revision
// (placeholder, visible appearance with the signer's name) to the draft's current version, keeps
// that state in the database, and hands back the DER signed attributes to sign. complete: the
// signer's own tool (docaxis sign-draft: a .p12, a USB token through PKCS#11) sends the raw
// signature value; the service assembles the CMS (B-T when a TSA is configured), embeds it,
// verifies the result with the axis's verifier, and keeps it as a new version: status `signed`.
//
// A prepared signature is bound to one draft version, one user and one certificate, expires
// (PREPARED_SIGNATURE_TTL_MINUTES) and is single use. Each refusal has its own code and changes
// nothing: the prepared state is only marked used in the transaction that stores the signature.
import { constants, createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import { DocaxisError } from '../errors.js';
import type { Draft, Principal, PreparedSignature } from '../db/ports.js';
import { cmsFromRawSignature, completeSignature, dataToSign, joinDocument } from '../pades/complete.js';
import { prepareSignature, type PreparedSignatureRecord } from '../pades/prepare.js';
import type { Placement } from '../pades/placement.js';
import type { SignatureReport } from '../pades/report.js';
import { describeCertificate, type CertificateInfo } from '../pki/certificate.js';
import { validateChain } from '../pki/chain.js';
import { estimateCmsSize } from '../pki/cms-build.js';
import type { KeyAlgorithm } from '../pki/signer.js';
import { PdfReader } from '../pdf/reader.js';
import { pageRefs } from '../pdf/pages.js';
import type { ExchangeDeps } from './deps.js';
import { stateError, step, type DraftDetail } from './drafts.js';
import { visibleDraft } from './drafts-access.js';
import { ensureRole, forbidden } from './guard.js';
import { verifyWithStores } from './trust-material.js';

export const DEFAULT_PREPARED_TTL_MINUTES = 10;

export interface PrepareInput {
  /** Base64 DER: the signer's certificate first, then its chain (issuer first). */
  certificates: string[];
  /** 1-based page and [x, y, width, height] in points from the page's lower-left; default: the last page, lower right. */
  placement?: { page: number; rect: [number, number, number, number] };
}

export interface PrepareAnswer {
  preparedId: string;
  draftId: string;
  version: number;
  digestAlgorithm: 'sha256';
  keyAlgorithm: KeyAlgorithm;
  /** Base64 DER of the CMS signed attributes: what the key signs (hashing it with digestAlgorithm). */
  dataToSign: string;
  /** Base64 digest of dataToSign, for tokens and services that sign a hash. */
  digest: string;
  expiresAt: Date;
  fieldName: string;
}

/** Room for an RFC 3161 token with its chain (as pades/sign.ts reserves), and a margin. */
const TIMESTAMP_RESERVE = 9_000;
const MARGIN = 1_024;
const DEFAULT_RECT: [number, number, number, number] = [330, 90, 200, 80];

export async function prepareDraftSignature(deps: ExchangeDeps, p: Principal, draftId: string, input: PrepareInput, opts: { ttlMinutes?: number } = {}): Promise<PrepareAnswer> {
  await ensureRole(deps, p, 'sign a draft', 'signer');
  const draft = await visibleDraft(deps, p, draftId, 'sign draft');
  await refuseUnlessNamedSigner(deps, p, draft);
  if (draft.status !== 'submitted') throw stateError(draft, 'sign');
  const now = deps.clock();
  const certificates = decodeCertificates(input.certificates);
  const signer = await checkSignerCertificate(deps, certificates, now);
  const keyAlgorithm = keyAlgorithmOf(signer);
  const original = await versionBytes(deps, draft, draft.currentVersion);

  const reader = PdfReader.open(original);
  const placement = placementOf(input.placement, pageRefs(reader).length);
  const { loadFontBytes } = await import('../pades/fonts.js');
  const { sealLines } = await import('../pades/appearance.js');
  const name = signer.commonName ?? signer.subject.text;
  const capacity =
    estimateCmsSize({
      signerCertificate: signer.der,
      certificates: certificates.slice(1),
      keyAlgorithm,
      ...(signer.publicKeyBits ? { keyBits: signer.publicKeyBits } : {}),
      digest: 'sha256',
      ...(deps.timestamper ? { timestampTokenSize: TIMESTAMP_RESERVE } : {}),
    }) + MARGIN;
  const prepared = await prepareSignature(reader, {
    contentsCapacity: capacity,
    digest: 'sha256',
    signingTime: now,
    name,
    reason: 'Ký duyệt',
    visible: {
      placement,
      layout: 'text',
      lines: sealLines({ signerName: name, time: now, ...(signer.organization ? { agency: signer.organization } : {}), ...(signer.email ? { email: signer.email } : {}) }),
      fontBytes: await loadFontBytes(),
    },
  });
  const { signedAttributes, digest } = dataToSign(prepared.record, signer.der);
  const ttl = opts.ttlMinutes ?? DEFAULT_PREPARED_TTL_MINUTES;
  const stored = await deps.stores.transaction(async (tx) => {
    const row = await tx.drafts.insertPrepared(
      {
        draftId: draft.id,
        version: draft.currentVersion,
        userId: p.user.id,
        certificateSha256: signer.fingerprintSha256.toLowerCase(),
        certificates,
        record: prepared.record as unknown as Record<string, unknown>,
        update: prepared.document.update,
        expiresAt: new Date(now.getTime() + ttl * 60_000),
      },
      now,
    );
    await step(tx, p, draft, 'signature-prepared', draft.currentVersion, null, { preparedId: row.id, certificateSha256: row.certificateSha256, subject: signer.subject.text }, now);
    return row;
  });
  return {
    preparedId: stored.id,
    draftId: draft.id,
    version: draft.currentVersion,
    digestAlgorithm: 'sha256',
    keyAlgorithm,
    dataToSign: Buffer.from(signedAttributes).toString('base64'),
    digest: Buffer.from(digest).toString('base64'),
    expiresAt: stored.expiresAt,
    fieldName: prepared.record.fieldName,
  };
}

export interface CompleteAnswer extends DraftDetail {
  signature: Pick<SignatureReport, 'fieldName' | 'indication' | 'subIndication' | 'signer' | 'times'> & { level: 'B-B' | 'B-T' };
}

export async function completeDraftSignature(deps: ExchangeDeps, p: Principal, draftId: string, preparedId: string, input: { signatureValue: string }, opts: { method?: 'staged-external' | 'remote-csc' } = {}): Promise<CompleteAnswer> {
  await ensureRole(deps, p, 'sign a draft', 'signer');
  const draft = await visibleDraft(deps, p, draftId, 'sign draft');
  const prepared = await deps.stores.drafts.preparedById(preparedId);
  if (!prepared || prepared.draftId !== draft.id) throw new DocaxisError('NOT_FOUND', 'no such prepared signature for this draft');
  if (prepared.userId !== p.user.id) {
    await forbidden(deps, p, `complete prepared signature ${preparedId}`, 'prepared for another user').catch(() => undefined);
    throw new DocaxisError('PREPARED_SIGNATURE_WRONG_USER');
  }
  if (prepared.usedAt !== null) throw new DocaxisError('PREPARED_SIGNATURE_USED');
  const now = deps.clock();
  if (now.getTime() > prepared.expiresAt.getTime()) throw new DocaxisError('PREPARED_SIGNATURE_EXPIRED', `it expired at ${prepared.expiresAt.toISOString()}`);
  if (draft.status !== 'submitted' || draft.currentVersion !== prepared.version || draft.signerUserId !== p.user.id) {
    throw new DocaxisError('PREPARED_SIGNATURE_VERSION_CHANGED', `prepared over version ${prepared.version}; the draft is now at version ${draft.currentVersion} (${draft.status})`);
  }

  const record = prepared.record as unknown as PreparedSignatureRecord;
  const [signerDer, ...chain] = prepared.certificates as [Uint8Array, ...Uint8Array[]];
  const signer = describeCertificate(signerDer);
  const keyAlgorithm = keyAlgorithmOf(signer);
  const signatureValue = decodeSignatureValue(input.signatureValue);
  // Checked before anything is assembled or timestamped: a value made with another key, or over
  // other data, is refused with its own code.
  const { signedAttributes } = dataToSign(record, signerDer);
  if (!rawSignatureMatches(signerDer, keyAlgorithm, signedAttributes, signatureValue, record.digestAlgorithm)) {
    throw new DocaxisError('SIGNATURE_VALUE_MISMATCH');
  }
  const original = await versionBytes(deps, draft, prepared.version);
  const timestampToken = deps.timestamper ? await deps.timestamper(signatureValue, record.digestAlgorithm) : undefined;
  const cms = cmsFromRawSignature(record, { signatureValue, signerCertificate: signerDer, chain, keyAlgorithm, ...(timestampToken ? { timestampToken } : {}) });
  const signed = joinDocument(completeSignature({ original, update: prepared.update }, record, cms));

  const report = await verifyWithStores(deps, signed, now);
  const ours = report.signatures.find((s) => s.fieldName === record.fieldName);
  checkVerified(ours, prepared);

  const sha256Before = createHash('sha256').update(original).digest('hex');
  const sha256After = report.file.sha256;
  const level = timestampToken ? 'B-T' : 'B-B';
  const version = prepared.version + 1;
  const detail = await deps.stores.transaction(async (tx) => {
    if (!(await tx.drafts.markPreparedUsed(prepared.id, now))) throw new DocaxisError('PREPARED_SIGNATURE_USED');
    const moved = await tx.drafts.update(draft.id, { status: 'submitted', currentVersion: prepared.version }, { status: 'signed', currentVersion: version }, now);
    if (!moved) throw new DocaxisError('PREPARED_SIGNATURE_VERSION_CHANGED');
    await tx.blobs.put(sha256After, signed);
    await tx.drafts.addVersion({ draftId: draft.id, version, kind: 'signed', fileSha256: sha256After, fileSize: signed.length, createdByUserId: p.user.id }, now);
    // Who, which certificate, the hashes before and after, the method: every completed signature.
    await step(tx, p, draft, 'signed', version, null, { preparedId: prepared.id, certificateSha256: prepared.certificateSha256, subject: signer.subject.text, sha256Before, sha256After, method: opts.method ?? 'staged-external', level }, now);
    const [d, versions, events] = await Promise.all([tx.drafts.byId(draft.id), tx.drafts.versions(draft.id), tx.drafts.events(draft.id)]);
    return { draft: d!, versions, events };
  });
  return { ...detail, signature: { fieldName: ours!.fieldName, indication: ours!.indication, subIndication: ours!.subIndication, signer: ours!.signer, times: ours!.times, level } };
}

async function refuseUnlessNamedSigner(deps: ExchangeDeps, p: Principal, draft: Draft): Promise<void> {
  if (draft.signerUserId !== p.user.id || draft.agencyId !== p.agency.id) await forbidden(deps, p, `sign draft ${draft.id}`, 'only the signer named on the draft signs it');
}

function decodeCertificates(b64: unknown): Uint8Array[] {
  if (!Array.isArray(b64) || b64.length === 0 || b64.length > 10) throw requestError('certificates', 'a list of 1 to 10 base64 DER certificates, the signer’s first');
  return b64.map((c, i) => {
    if (typeof c !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(c)) throw requestError(`certificates[${i}]`, 'base64 DER');
    return new Uint8Array(Buffer.from(c, 'base64'));
  });
}

function decodeSignatureValue(b64: unknown): Uint8Array {
  if (typeof b64 !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length > 2048) throw requestError('signatureValue', 'the raw signature value, base64');
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

function requestError(field: string, message: string): DocaxisError {
  return new DocaxisError('SIGNING_REQUEST_INVALID', `${field}: ${message}`, { details: { fields: { [field]: message } } });
}

/** Valid now, chaining to an active trust anchor of the axis, not revoked per the stored CRLs. */
export async function checkSignerCertificate(deps: ExchangeDeps, certificates: Uint8Array[], now: Date): Promise<CertificateInfo> {
  let signer: CertificateInfo;
  try {
    signer = describeCertificate(certificates[0]!);
  } catch {
    throw requestError('certificates[0]', 'not a certificate');
  }
  if (now < signer.notBefore || now > signer.notAfter) {
    throw new DocaxisError('SIGNER_CERT_INVALID', `${signer.commonName ?? signer.subject.text} is valid from ${signer.notBefore.toISOString()} to ${signer.notAfter.toISOString()}`);
  }
  const [anchors, crls] = await Promise.all([deps.stores.trust.anchors(true), deps.stores.trust.crls()]);
  const chain = validateChain({
    leaf: signer.der,
    candidates: [...certificates.slice(1), ...(deps.intermediates ?? [])],
    trustAnchors: anchors.map((a) => a.der),
    crls: crls.map((c) => c.der),
    at: now,
    purpose: 'document-signing',
    // A revoked certificate is refused; a CA without a stored CRL is not held against the signer.
    requireRevocation: false,
  });
  if (chain.status === 'expired' || chain.status === 'not-yet-valid') throw new DocaxisError('SIGNER_CERT_INVALID', chain.errors[0]);
  if (chain.status !== 'valid') throw new DocaxisError('SIGNER_CERT_UNTRUSTED', `${chain.status}${chain.errors[0] ? `: ${chain.errors[0]}` : ''}`, { details: { chainStatus: chain.status } });
  return signer;
}

function keyAlgorithmOf(c: CertificateInfo): KeyAlgorithm {
  if (c.publicKeyAlgorithm === 'other') throw new DocaxisError('KEY_UNSUPPORTED', 'the signer’s certificate holds neither an RSA nor an EC key');
  return c.publicKeyAlgorithm;
}

function placementOf(p: PrepareInput['placement'], pages: number): Placement {
  if (!p) {
    const [x, y, width, height] = DEFAULT_RECT;
    return { kind: 'rect', page: Math.max(1, pages), x, y, width, height };
  }
  const [x, y, width, height] = p.rect;
  if (!Number.isInteger(p.page) || p.page < 1 || p.page > pages) throw new DocaxisError('SIG_APPEARANCE_INVALID', `page ${p.page}: the draft has ${pages} page(s)`);
  return { kind: 'rect', page: p.page, x, y, width, height };
}

async function versionBytes(deps: ExchangeDeps, draft: Draft, version: number): Promise<Uint8Array> {
  const v = (await deps.stores.drafts.versions(draft.id)).find((x) => x.version === version);
  const bytes = v && (await deps.stores.blobs.get(v.fileSha256));
  if (!bytes) throw new DocaxisError('INTERNAL', `the bytes of draft ${draft.id} version ${version} are missing`);
  return bytes;
}

function rawSignatureMatches(certDer: Uint8Array, keyAlgorithm: KeyAlgorithm, data: Uint8Array, signature: Uint8Array, digest: string): boolean {
  const key = new X509Certificate(certDer).publicKey;
  try {
    return keyAlgorithm === 'rsa'
      ? verifySignature(digest, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature)
      : verifySignature(digest, data, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

/** Our verifier must pass the new signature, by the very certificate the preparation was bound to. */
function checkVerified(ours: SignatureReport | undefined, prepared: PreparedSignature): asserts ours is SignatureReport {
  if (!ours) throw new DocaxisError('SIGNATURE_INVALID', 'the completed signature was not found by the verifier');
  const details = { fieldName: ours.fieldName, indication: ours.indication, subIndication: ours.subIndication, errors: ours.errors };
  if (ours.subIndication === 'HASH_FAILURE' || ours.subIndication === 'SIG_CRYPTO_FAILURE') throw new DocaxisError('SIGNATURE_VALUE_MISMATCH', undefined, { details });
  if (ours.signer?.fingerprintSha256.toLowerCase() !== prepared.certificateSha256) throw new DocaxisError('SIGNATURE_VALUE_MISMATCH', 'the signature is not by the certificate it was prepared for', { details });
  if (ours.indication !== 'TOTAL_PASSED') throw new DocaxisError('SIGNATURE_INVALID', `${ours.indication}${ours.subIndication ? `/${ours.subIndication}` : ''}`, { details });
}
