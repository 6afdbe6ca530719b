// Remote signing through a CSC service (issue 13), on the staged-signing flow: prepare (the service
// computes the hash), the provider signs that hash, complete (the service embeds and verifies).
// explicit credentials: sendOTP, then the signer's OTP authorizes a SAD bound to that one hash and
// signHash answers at once. implicit credentials: the SAD is asked for the hash, signHash answers
// with a transaction, the signer confirms on the phone; the result is polled (GET) or posted back
// to a per-transaction callback URL. The state lives in csc_pending, never in a promise: a new
// instance on the same database picks it up. The SAD lives in one function's locals only.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DocaxisError, isDocaxisError } from '../errors.js';
import type { CscCredentialBinding, CscPending, CscProvider, Principal } from '../db/ports.js';
import type { CscClient } from '../csc/client.js';
import { dataToSign } from '../pades/complete.js';
import type { PreparedSignatureRecord } from '../pades/prepare.js';
import type { ExchangeDeps } from './deps.js';
import { logDenied } from './auth.js';
import { ensureRole, forbidden } from './guard.js';
import { checkSignerCertificate, completeDraftSignature, prepareDraftSignature, type CompleteAnswer, type PrepareInput } from './staged-signing.js';

/** How the use cases reach providers: a client per provider (main.ts caches them; tests point at the test server). */
export interface CscAccess {
  clientFor(provider: CscProvider): CscClient;
  /** The public base URL of this service, for provider callbacks; unset: polling only. */
  callbackBaseUrl?: string;
}

export type RemoteNeeds = 'otp' | 'confirm-on-phone';

export interface RemoteStartAnswer {
  pendingId: string;
  needs: RemoteNeeds;
  status: CscPending['status'];
  expiresAt: Date;
}

export interface RemoteStatus {
  pendingId: string;
  status: CscPending['status'];
  errorCode: string | null;
  expiresAt: Date;
  result?: CompleteAnswer;
}

// ---------- providers (admin) ----------

export interface ProviderInput {
  name: string;
  baseUrl: string;
  apiVersion: 'v1' | 'v2';
  oauthTokenUrl: string;
  clientId: string;
  clientSecretEnv: string;
  agencyIds: string[];
  active?: boolean;
}

export async function createProvider(deps: ExchangeDeps, p: Principal, input: ProviderInput): Promise<CscProvider> {
  await ensureRole(deps, p, 'configure a remote signing provider', 'admin');
  await checkProviderInput(deps, input);
  if ((await deps.stores.csc.providers()).some((x) => x.name === input.name)) throw new DocaxisError('CSC_PROVIDER_INVALID', `a provider named ${input.name} exists`);
  return deps.stores.csc.insertProvider({ ...input, baseUrl: input.baseUrl.replace(/\/+$/, ''), active: input.active ?? true }, deps.clock());
}

export async function updateProvider(deps: ExchangeDeps, p: Principal, id: string, input: ProviderInput): Promise<CscProvider> {
  await ensureRole(deps, p, 'configure a remote signing provider', 'admin');
  await checkProviderInput(deps, input);
  const row = await deps.stores.csc.updateProvider(id, { ...input, baseUrl: input.baseUrl.replace(/\/+$/, ''), active: input.active ?? true }, deps.clock());
  if (!row) throw new DocaxisError('CSC_PROVIDER_NOT_FOUND');
  return row;
}

/** Admins see every provider; a signer sees the active ones their agency may use. */
export async function listProviders(deps: ExchangeDeps, p: Principal): Promise<CscProvider[]> {
  const all = await deps.stores.csc.providers();
  if (p.user.roles.includes('admin')) return all;
  await ensureRole(deps, p, 'list remote signing providers', 'signer');
  return all.filter((x) => x.active && x.agencyIds.includes(p.agency.id));
}

async function checkProviderInput(deps: ExchangeDeps, input: ProviderInput): Promise<void> {
  const bad = (field: string, why: string) => new DocaxisError('CSC_PROVIDER_INVALID', `${field}: ${why}`, { details: { fields: { [field]: why } } });
  for (const field of ['baseUrl', 'oauthTokenUrl'] as const) {
    let u: URL;
    try {
      u = new URL(input[field]);
    } catch {
      throw bad(field, 'not a URL');
    }
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname))) throw bad(field, 'https, or http on the loopback only');
    if (u.username || u.password) throw bad(field, 'no credentials in the URL');
  }
  // The secret itself is never accepted here: only the name of the variable that holds it.
  if (!/^[A-Z][A-Z0-9_]{2,63}$/.test(input.clientSecretEnv)) throw bad('clientSecretEnv', 'the NAME of an environment variable (A-Z, 0-9, _)');
  for (const id of input.agencyIds) if (!(await deps.stores.agencies.byId(id))) throw bad('agencyIds', `no agency ${id}`);
}

async function usableProvider(deps: ExchangeDeps, p: Principal, providerId: string): Promise<CscProvider> {
  const provider = await deps.stores.csc.providerById(providerId);
  if (!provider || !provider.active || !provider.agencyIds.includes(p.agency.id)) {
    // Unknown and not the agency's answer alike; both leave a trace.
    await logDenied(deps, p, `use remote signing provider ${providerId}`);
    throw new DocaxisError('CSC_PROVIDER_NOT_FOUND');
  }
  return provider;
}

// ---------- the signer's credentials ----------

export interface RemoteCredentialSummary {
  credentialId: string;
  subject: string;
  notAfter: Date;
  keyAlgorithm: 'rsa' | 'ec';
  scal: '1' | '2';
  authMode: string;
}

export async function listRemoteCredentials(deps: ExchangeDeps, csc: CscAccess, p: Principal, providerId: string, providerUserId: string | undefined): Promise<RemoteCredentialSummary[]> {
  await ensureRole(deps, p, 'list remote credentials', 'signer');
  const client = csc.clientFor(await usableProvider(deps, p, providerId));
  const ids = await client.listCredentials(providerUserId);
  const { describeCertificate } = await import('../pki/certificate.js');
  const out: RemoteCredentialSummary[] = [];
  for (const id of ids.slice(0, 20)) {
    const info = await client.credentialInfo(id);
    const c = describeCertificate(info.certificates[0]!);
    out.push({ credentialId: id, subject: c.subject.text, notAfter: c.notAfter, keyAlgorithm: c.publicKeyAlgorithm === 'ec' ? 'ec' : 'rsa', scal: info.scal, authMode: info.authMode });
  }
  return out;
}

/**
 * Binds a provider credential to the signer, once: its certificate must chain to the trust store,
 * be valid now, and carry the signer's name (a credential of someone else is refused).
 */
export async function linkCredential(deps: ExchangeDeps, csc: CscAccess, p: Principal, input: { providerId: string; credentialId: string }): Promise<CscCredentialBinding> {
  await ensureRole(deps, p, 'link a remote credential', 'signer');
  const provider = await usableProvider(deps, p, input.providerId);
  const info = await csc.clientFor(provider).credentialInfo(input.credentialId);
  if (info.keyStatus !== 'enabled' || info.certificateStatus !== 'valid') throw new DocaxisError('CSC_CREDENTIAL_DISABLED');
  if (info.authMode === 'oauth2code') throw new DocaxisError('CSC_PROVIDER_ERROR', 'this credential needs the OAuth2 authorization-code flow, which docaxis does not drive yet');
  const now = deps.clock();
  const cert = await checkSignerCertificate(deps, info.certificates, now);
  if (!namesMatch(cert.commonName ?? cert.subject.text, p.user.name)) {
    await forbidden(deps, p, `link remote credential ${input.credentialId}`, 'certificate of another person').catch(() => undefined);
    throw new DocaxisError('CSC_CREDENTIAL_NOT_YOURS', `${cert.commonName ?? cert.subject.text}`);
  }
  const fingerprint = cert.fingerprintSha256.toLowerCase();
  const existing = (await deps.stores.csc.credentialsOf(p.user.id)).find((c) => c.providerId === provider.id && c.credentialId === input.credentialId);
  if (existing && existing.certificateSha256 === fingerprint) return existing;
  if (existing) throw new DocaxisError('CSC_PENDING_STATE_INVALID', 'this credential is already linked with another certificate');
  return deps.stores.csc.insertCredential(
    {
      userId: p.user.id,
      providerId: provider.id,
      credentialId: input.credentialId,
      certificateSha256: fingerprint,
      certificates: info.certificates,
      keyAlgorithm: cert.publicKeyAlgorithm === 'ec' ? 'ec' : 'rsa',
      authMode: info.authMode === 'implicit' ? 'implicit' : 'explicit',
      scal: info.scal,
      subject: cert.subject.text,
    },
    now,
  );
}

export async function myCredentials(deps: ExchangeDeps, p: Principal): Promise<CscCredentialBinding[]> {
  await ensureRole(deps, p, 'list linked remote credentials', 'signer');
  return deps.stores.csc.credentialsOf(p.user.id);
}

/** The certificate's name contains the user's name, compared without case and accents' encoding differences. */
function namesMatch(certName: string, userName: string): boolean {
  const norm = (s: string) => s.normalize('NFC').toLocaleLowerCase('vi').replace(/\s+/g, ' ').trim();
  return norm(userName).length > 0 && norm(certName).includes(norm(userName));
}

// ---------- signing a draft ----------

export async function startRemoteSignature(deps: ExchangeDeps, csc: CscAccess, p: Principal, draftId: string, input: { credentialId: string; placement?: PrepareInput['placement'] }, opts: { ttlMinutes?: number } = {}): Promise<RemoteStartAnswer> {
  await ensureRole(deps, p, 'sign a draft remotely', 'signer');
  const binding = await deps.stores.csc.credentialById(input.credentialId);
  if (!binding || binding.userId !== p.user.id) {
    await logDenied(deps, p, `sign with remote credential ${input.credentialId}`);
    throw new DocaxisError('CSC_CREDENTIAL_NOT_FOUND');
  }
  const provider = await usableProvider(deps, p, binding.providerId);
  const client = csc.clientFor(provider);
  // The provider's certificate today must still be the one bound: a re-issued credential is linked again.
  const info = await client.credentialInfo(binding.credentialId);
  const now = deps.clock();
  if (!info.certificates[0] || createHash('sha256').update(info.certificates[0]).digest('hex') !== binding.certificateSha256) throw new DocaxisError('CSC_CREDENTIAL_NOT_FOUND', 'the provider now holds another certificate for this credential; link it again');
  const prepared = await prepareDraftSignature(deps, p, draftId, { certificates: binding.certificates.map((c) => Buffer.from(c).toString('base64')), ...(input.placement ? { placement: input.placement } : {}) }, opts);

  if (binding.authMode === 'explicit') {
    await client.sendOtp(binding.credentialId);
    const row = await deps.stores.csc.insertPending({ draftId, userId: p.user.id, credentialRef: binding.id, preparedId: prepared.preparedId, digest: prepared.digest, status: 'awaiting-otp', transactionId: null, callbackSecretSha256: null, errorCode: null, expiresAt: prepared.expiresAt }, now);
    return { pendingId: row.id, needs: 'otp', status: row.status, expiresAt: row.expiresAt };
  }

  // implicit: the phone confirms. The row exists before the provider is asked, so a callback that
  // arrives at once finds it; the transaction id is filled in right after.
  const secret = randomBytes(32).toString('base64url');
  const row = await deps.stores.csc.insertPending({ draftId, userId: p.user.id, credentialRef: binding.id, preparedId: prepared.preparedId, digest: prepared.digest, status: 'awaiting-confirmation', transactionId: null, callbackSecretSha256: sha256Hex(secret), errorCode: null, expiresAt: prepared.expiresAt }, now);
  try {
    const { sad } = await client.authorize({ credentialId: binding.credentialId, hashes: [prepared.digest] });
    const responseUri = csc.callbackBaseUrl ? `${csc.callbackBaseUrl.replace(/\/+$/, '')}/api/v1/remote-signing/callback/${row.id}?s=${secret}` : undefined;
    const result = await client.signHash({ credentialId: binding.credentialId, sad, hashes: [prepared.digest], keyAlgorithm: binding.keyAlgorithm, async: responseUri ? { responseUri } : {} });
    if (result.kind === 'signed') {
      await finish(deps, p, row, result.signatures[0]!);
      return { pendingId: row.id, needs: 'confirm-on-phone', status: 'completed', expiresAt: row.expiresAt };
    }
    await deps.stores.csc.updatePending(row.id, 'awaiting-confirmation', { transactionId: result.responseId }, deps.clock());
  } catch (e) {
    await fail(deps, row, e);
    throw e;
  }
  return { pendingId: row.id, needs: 'confirm-on-phone', status: 'awaiting-confirmation', expiresAt: row.expiresAt };
}

/** The OTP the signer received: authorize a SAD for the prepared hash, sign it, complete. */
export async function submitRemoteOtp(deps: ExchangeDeps, csc: CscAccess, p: Principal, draftId: string, pendingId: string, otp: string): Promise<CompleteAnswer> {
  await ensureRole(deps, p, 'sign a draft remotely', 'signer');
  if (typeof otp !== 'string' || !/^[0-9A-Za-z]{4,12}$/.test(otp)) throw new DocaxisError('CSC_INVALID_OTP', 'the OTP is 4 to 12 letters or digits');
  const { pending, binding, provider } = await ownPending(deps, p, draftId, pendingId);
  if (pending.status !== 'awaiting-otp') throw new DocaxisError('CSC_PENDING_STATE_INVALID', pending.status);
  await refuseExpired(deps, pending);
  const hash = await preparedHash(deps, pending, binding);
  const client = csc.clientFor(provider);
  const { sad } = await client.authorize({ credentialId: binding.credentialId, hashes: [hash], otp });
  let signature: Uint8Array;
  try {
    const result = await client.signHash({ credentialId: binding.credentialId, sad, hashes: [hash], keyAlgorithm: binding.keyAlgorithm });
    if (result.kind !== 'signed') throw new DocaxisError('CSC_PROVIDER_ERROR', 'an OTP signature answered with a transaction');
    signature = result.signatures[0]!;
  } catch (e) {
    // The SAD is spent or unusable either way: this attempt ends here, the signer starts again.
    await fail(deps, pending, e);
    throw e;
  }
  return finish(deps, p, pending, signature);
}

/** The signer's page polls: asks the provider when waiting for the phone, completes when signed. */
export async function remoteSignatureStatus(deps: ExchangeDeps, csc: CscAccess, p: Principal, draftId: string, pendingId: string): Promise<RemoteStatus> {
  await ensureRole(deps, p, 'follow a remote signature', 'signer');
  const { pending, provider } = await ownPending(deps, p, draftId, pendingId);
  if (pending.status === 'awaiting-confirmation' && pending.transactionId) return advance(deps, csc.clientFor(provider), p, pending);
  if ((pending.status === 'awaiting-otp' || pending.status === 'awaiting-confirmation') && deps.clock() > pending.expiresAt) {
    await deps.stores.csc.updatePending(pending.id, pending.status, { status: 'expired', errorCode: 'CSC_SIGNATURE_PENDING_EXPIRED' }, deps.clock());
    return { ...view(pending), status: 'expired', errorCode: 'CSC_SIGNATURE_PENDING_EXPIRED' };
  }
  return view(pending);
}

/** The provider's callback. Authenticated by the per-transaction secret in its URL (kept as a hash). */
export async function remoteSignatureCallback(deps: ExchangeDeps, pendingId: string, secret: string, body: { responseID?: unknown; status?: unknown; signatures?: unknown }): Promise<void> {
  const pending = await deps.stores.csc.pendingById(pendingId);
  if (!pending || !pending.callbackSecretSha256 || typeof secret !== 'string' || !safeEqualHex(sha256Hex(secret), pending.callbackSecretSha256)) throw new DocaxisError('CSC_CALLBACK_INVALID');
  if (pending.status !== 'awaiting-confirmation') return;
  if (pending.transactionId && body.responseID !== pending.transactionId) throw new DocaxisError('CSC_CALLBACK_INVALID', 'responseID');
  const p = await principalOfUser(deps, pending.userId);
  if (body.status === 'rejected') {
    await deps.stores.csc.updatePending(pending.id, 'awaiting-confirmation', { status: 'failed', errorCode: 'CSC_SIGNATURE_REJECTED' }, deps.clock());
    return;
  }
  const sigs = body.signatures;
  if (!Array.isArray(sigs) || typeof sigs[0] !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(sigs[0])) throw new DocaxisError('CSC_CALLBACK_INVALID', 'signatures');
  await finish(deps, p, pending, new Uint8Array(Buffer.from(sigs[0], 'base64')));
}

/** Every pending signature waiting for a phone: polled once (the service's poller after a start). */
export async function resumeRemoteSignatures(deps: ExchangeDeps, csc: CscAccess): Promise<number> {
  let settled = 0;
  for (const pending of await deps.stores.csc.awaitingConfirmation()) {
    if (!pending.transactionId) continue;
    const binding = await deps.stores.csc.credentialById(pending.credentialRef);
    const provider = binding && (await deps.stores.csc.providerById(binding.providerId));
    if (!provider) continue;
    const status = await advance(deps, csc.clientFor(provider), await principalOfUser(deps, pending.userId), pending).catch(() => undefined);
    if (status && status.status !== 'awaiting-confirmation') settled++;
  }
  return settled;
}

async function advance(deps: ExchangeDeps, client: CscClient, p: Principal, pending: CscPending): Promise<RemoteStatus> {
  if (deps.clock() > pending.expiresAt) {
    await deps.stores.csc.updatePending(pending.id, 'awaiting-confirmation', { status: 'expired', errorCode: 'CSC_SIGNATURE_PENDING_EXPIRED' }, deps.clock());
    return { ...view(pending), status: 'expired', errorCode: 'CSC_SIGNATURE_PENDING_EXPIRED' };
  }
  const polled = await client.poll(pending.transactionId!);
  if (polled.kind === 'pending') return view(pending);
  if (polled.kind !== 'signed') {
    const errorCode = polled.kind === 'rejected' ? 'CSC_SIGNATURE_REJECTED' : 'CSC_SIGNATURE_PENDING_EXPIRED';
    await deps.stores.csc.updatePending(pending.id, 'awaiting-confirmation', { status: polled.kind === 'rejected' ? 'failed' : 'expired', errorCode }, deps.clock());
    return { ...view(pending), status: polled.kind === 'rejected' ? 'failed' : 'expired', errorCode };
  }
  const result = await finish(deps, p, pending, polled.signatures[0]!).catch(async (e: unknown) => {
    const again = await deps.stores.csc.pendingById(pending.id);
    if (again?.status === 'completed') return undefined; // the callback won the race
    throw e;
  });
  return { ...view(pending), status: 'completed', errorCode: null, ...(result ? { result } : {}) };
}

/** complete (staged-signing) checks the value against the prepared hash and the bound certificate. */
async function finish(deps: ExchangeDeps, p: Principal, pending: CscPending, signature: Uint8Array): Promise<CompleteAnswer> {
  let answer: CompleteAnswer;
  try {
    answer = await completeDraftSignature(deps, p, pending.draftId, pending.preparedId, { signatureValue: Buffer.from(signature).toString('base64') }, { method: 'remote-csc' });
  } catch (e) {
    await fail(deps, pending, e);
    throw e;
  }
  await deps.stores.csc.updatePending(pending.id, pending.status, { status: 'completed', errorCode: null }, deps.clock());
  return answer;
}

async function fail(deps: ExchangeDeps, pending: CscPending, e: unknown): Promise<void> {
  // Transport failures and a wrong OTP leave the attempt open (the signer tries again).
  if (isDocaxisError(e, 'CSC_PROVIDER_UNAVAILABLE') || isDocaxisError(e, 'CSC_PROVIDER_TIMEOUT') || isDocaxisError(e, 'CSC_INVALID_OTP') || isDocaxisError(e, 'DB_UNAVAILABLE')) return;
  const code = isDocaxisError(e) ? e.code : 'INTERNAL';
  await deps.stores.csc.updatePending(pending.id, pending.status, { status: 'failed', errorCode: code }, deps.clock()).catch(() => undefined);
}

async function ownPending(deps: ExchangeDeps, p: Principal, draftId: string, pendingId: string) {
  const pending = await deps.stores.csc.pendingById(pendingId);
  if (!pending || pending.draftId !== draftId || pending.userId !== p.user.id) {
    // Another user's pending signature answers as if it did not exist; the attempt is logged.
    await logDenied(deps, p, `remote signature ${pendingId}`);
    throw new DocaxisError('NOT_FOUND');
  }
  const binding = await deps.stores.csc.credentialById(pending.credentialRef);
  const provider = binding && (await usableProvider(deps, p, binding.providerId));
  if (!binding || !provider) throw new DocaxisError('CSC_CREDENTIAL_NOT_FOUND');
  return { pending, binding, provider };
}

async function refuseExpired(deps: ExchangeDeps, pending: CscPending): Promise<void> {
  if (deps.clock() <= pending.expiresAt) return;
  await deps.stores.csc.updatePending(pending.id, pending.status, { status: 'expired', errorCode: 'CSC_SIGNATURE_PENDING_EXPIRED' }, deps.clock());
  throw new DocaxisError('CSC_SIGNATURE_PENDING_EXPIRED');
}

/** The hash sent is recomputed from the prepared record and the bound certificate, never taken from a request. */
async function preparedHash(deps: ExchangeDeps, pending: CscPending, binding: CscCredentialBinding): Promise<string> {
  const prepared = await deps.stores.drafts.preparedById(pending.preparedId);
  if (!prepared || prepared.draftId !== pending.draftId || prepared.userId !== pending.userId || prepared.certificateSha256 !== binding.certificateSha256) throw new DocaxisError('SIG_PREPARED_MISMATCH');
  const digest = Buffer.from(dataToSign(prepared.record as unknown as PreparedSignatureRecord, prepared.certificates[0]!).digest).toString('base64');
  if (digest !== pending.digest) throw new DocaxisError('SIG_PREPARED_MISMATCH');
  return digest;
}

async function principalOfUser(deps: ExchangeDeps, userId: string): Promise<Principal> {
  const user = await deps.stores.users.byId(userId);
  const agency = user && (await deps.stores.agencies.byId(user.agencyId));
  // A signer deactivated while the phone was confirming does not sign through the back door.
  if (!user || !agency || !user.active) throw new DocaxisError('NOT_FOUND');
  return { user, agency, tokenId: null };
}

function view(p: CscPending): RemoteStatus {
  return { pendingId: p.id, status: p.status, errorCode: p.errorCode, expiresAt: p.expiresAt };
}

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
