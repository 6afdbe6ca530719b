// An admin binds an HSM key to an agency as its seal: the module must be in the allow-list
// (PKCS11_MODULES; an admin must not make the service load an arbitrary .so), the key is opened
// with the PIN from the named variable and proved to match its certificate, and the certificate,
// read from the token, must chain to the trust store and name this agency (UID=MCQ:). Only then is
// the binding stored, with the certificate bound to the agency for the send policy, and logged.
// Every refusal changes nothing.
import { DocaxisError } from '../errors.js';
import type { Principal, SealKeyBinding } from '../db/ports.js';
import { describeCertificate } from '../pki/certificate.js';
import { validateChain } from '../pki/chain.js';
import { adminChange, invalidField, requiredText } from './admin-change.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole, notFound } from './guard.js';
import { openBinding, type SealKeyOptions } from './seal-keys.js';

export interface SealKeyInput {
  modulePath: string;
  tokenLabel: string;
  keyLabel?: string;
  keyId?: string;
  pinEnv: string;
}

/** What the API shows of a binding: the certificate as its fingerprint and subject, never a PIN. */
export interface SealKeyView {
  id: string;
  agencyCode: string;
  modulePath: string;
  tokenLabel: string;
  keyLabel: string | null;
  keyId: string | null;
  pinEnv: string;
  fingerprintSha256: string;
  subject: string;
  notAfter: string;
  active: boolean;
  createdAt: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export async function bindSealKey(deps: ExchangeDeps, p: Principal, agencyCode: string, input: SealKeyInput, options: SealKeyOptions): Promise<SealKeyView> {
  await ensureRole(deps, p, 'bind seal key', 'admin');
  const agency = await deps.stores.agencies.byCode(agencyCode);
  if (!agency) return notFound(deps, p, `bind seal key of agency ${agencyCode}`);
  const modulePath = requiredText('modulePath', input.modulePath, 1024);
  if (!options.allowedModules.includes(modulePath)) throw new DocaxisError('HSM_MODULE_NOT_ALLOWED', modulePath);
  const tokenLabel = requiredText('tokenLabel', input.tokenLabel, 32);
  const keyLabel = input.keyLabel === undefined || input.keyLabel === '' ? null : requiredText('keyLabel', input.keyLabel, 255);
  const keyId = input.keyId === undefined || input.keyId === '' ? null : String(input.keyId).toLowerCase();
  if (keyLabel === null && keyId === null) throw invalidField('keyLabel', 'give keyLabel or keyId');
  if (keyId !== null && !/^([0-9a-f]{2}){1,64}$/.test(keyId)) throw invalidField('keyId', 'hex (CKA_ID)');
  const pinEnv = requiredText('pinEnv', input.pinEnv, 128);
  if (!ENV_NAME.test(pinEnv)) throw invalidField('pinEnv', 'the NAME of an environment variable (the PIN itself is never sent)');

  // Open with the token's own certificate: read it, prove the key matches it, close.
  const signer = await openBinding({ modulePath, tokenLabel, keyLabel, keyId, pinEnv }, { ...options, intermediates: [] });
  const description = signer.description;
  const der = signer.certificate;
  const tokenChain = signer.chain;
  await signer.close();

  const cert = describeCertificate(der);
  if (cert.isCA) throw new DocaxisError('SEAL_KEY_INVALID', 'the token certificate is a CA certificate');
  if (cert.agencyCode !== agency.code) throw new DocaxisError('SEAL_KEY_INVALID', `the token certificate names agency ${cert.agencyCode ?? '(none)'}, not ${agency.code}`);
  const now = deps.clock();
  const [anchors, crls] = await Promise.all([deps.stores.trust.anchors(true), deps.stores.trust.crls()]);
  const chain = validateChain({ leaf: der, candidates: [...(deps.intermediates ?? []), ...tokenChain], trustAnchors: anchors.map((a) => a.der), crls: crls.map((c) => c.der), requireRevocation: false, at: now, purpose: 'document-signing' });
  if (chain.status !== 'valid') throw new DocaxisError('SEAL_KEY_INVALID', `the token certificate does not chain to the trust store (${chain.status}${chain.errors[0] ? `: ${chain.errors[0]}` : ''})`);
  // A seal identifies one sender: a certificate bound to another agency is refused.
  const elsewhere = (await deps.stores.certificates.bindingsAmong([cert.fingerprintSha256])).find((b) => b.agencyId !== agency.id);
  if (elsewhere) throw new DocaxisError('SEAL_KEY_INVALID', 'the token certificate is bound to another agency');

  const row = await adminChange(deps, p, 'admin.seal-key', async (tx) => {
    const replaced = await tx.sealKeys.deactivate(agency.id);
    const inserted = await tx.sealKeys.insert({ agencyId: agency.id, modulePath, tokenLabel, keyLabel, keyId, certificateDer: der, fingerprintSha256: cert.fingerprintSha256, pinEnv, createdBy: p.user.id });
    // The send policy knows the agency's seals by agency_certificates (idempotent insert).
    await tx.certificates.insert({ agencyId: agency.id, der, fingerprintSha256: cert.fingerprintSha256, subject: cert.subject.text, notBefore: cert.notBefore, notAfter: cert.notAfter });
    return { result: inserted, agencyId: agency.id, details: { action: 'bind', agencyCode: agency.code, key: description, modulePath, pinEnv, fingerprintSha256: cert.fingerprintSha256, subject: cert.subject.text, replaced } };
  });
  return view(row, agency.code);
}

export async function listSealKeys(deps: ExchangeDeps, p: Principal, agencyCode: string): Promise<SealKeyView[]> {
  await ensureRole(deps, p, 'list seal keys', 'admin');
  const agency = await deps.stores.agencies.byCode(agencyCode);
  if (!agency) return notFound(deps, p, `list seal keys of agency ${agencyCode}`);
  return (await deps.stores.sealKeys.listFor(agency.id)).map((b) => view(b, agency.code));
}

/** Unbinds the agency's active key (kept, inactive); NOT_FOUND when there is none. */
export async function unbindSealKey(deps: ExchangeDeps, p: Principal, agencyCode: string): Promise<void> {
  await ensureRole(deps, p, 'unbind seal key', 'admin');
  const agency = await deps.stores.agencies.byCode(agencyCode);
  if (!agency) return notFound(deps, p, `unbind seal key of agency ${agencyCode}`);
  const active = await deps.stores.sealKeys.activeFor(agency.id);
  if (!active) return notFound(deps, p, `unbind seal key of agency ${agencyCode} (none bound)`);
  await adminChange(deps, p, 'admin.seal-key', async (tx) => {
    await tx.sealKeys.deactivate(agency.id);
    return { result: undefined, agencyId: agency.id, details: { action: 'unbind', agencyCode: agency.code, fingerprintSha256: active.fingerprintSha256, tokenLabel: active.tokenLabel } };
  });
}

function view(b: SealKeyBinding, agencyCode: string): SealKeyView {
  const c = describeCertificate(b.certificateDer);
  return {
    id: b.id,
    agencyCode,
    modulePath: b.modulePath,
    tokenLabel: b.tokenLabel,
    keyLabel: b.keyLabel,
    keyId: b.keyId,
    pinEnv: b.pinEnv,
    fingerprintSha256: b.fingerprintSha256,
    subject: c.subject.text,
    notAfter: c.notAfter.toISOString(),
    active: b.active,
    createdAt: b.createdAt.toISOString(),
  };
}
