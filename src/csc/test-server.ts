// TEST-ONLY: a Cloud Signature Consortium remote signing service, written from the CSC API
// (v2.0 and v1.0.4 request shapes, see types.ts), with its keys in the process (PKCS#12 fixture
// keys). It issues OTPs the tests read (`lastOtp`), binds each SAD to the hashes it was authorized
// for (SCAL2), lets a SAD expire and be used once only, and can be told to be slow, to fail (a
// status and a CSC error body), to answer asynchronously (the signer "confirms on the phone" with
// `confirm(responseId)`, then the result is polled or posted to response_uri), or to sign another
// hash than the one sent (to prove the caller checks). Used by the tests and by `docaxis csc-demo`;
// never by the service itself.
import { constants, createHash, privateEncrypt, randomBytes, randomInt, sign as cryptoSign, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { KeyMaterial } from '../pki/pkcs12.js';
import { OID } from './types.js';

export interface TestCredential {
  /** The provider's user id (a phone number or a citizen id at real services). */
  userId: string;
  credentialId: string;
  key: KeyMaterial;
  /** explicit: OTP in the caller's page; implicit: the signer confirms on the phone (asynchronous). */
  authMode: 'explicit' | 'implicit';
  status?: 'enabled' | 'disabled';
}

export interface Behaviour {
  /** Delay every answer (ms). */
  delayMs: number;
  /** Answer the next N calls to `endpoint` (or to any, '*') with this status and body. */
  fail: { endpoint: string; status: number; body: object; times: number } | undefined;
  /** Sign SHA-256 of the hash instead of the hash itself (a provider signing something else). */
  signOtherHash: boolean;
  /** SAD lifetime (ms). */
  sadTtlMs: number;
}

interface Sad {
  credentialId: string;
  hashes: Set<string>;
  expiresAt: number;
  used: boolean;
}

interface Transaction {
  credentialId: string;
  hashes: string[];
  status: 'pending' | 'signed' | 'rejected';
  signatures?: string[];
  responseUri?: string;
}

export interface CscTestServer {
  url: string;
  /** `${url}/csc/v2` */
  baseUrl(version?: 'v1' | 'v2'): string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  behaviour: Behaviour;
  lastOtp(credentialId: string): string | undefined;
  /** The signer confirms an asynchronous request on the phone; posts the result to its response_uri if any. */
  confirm(responseId: string, opts?: { deliver?: boolean }): Promise<void>;
  reject(responseId: string, opts?: { deliver?: boolean }): Promise<void>;
  /** Every access token and SAD issued so far (tests look for them in logs and database rows). */
  issuedSecrets(): string[];
  pendingTransactions(): string[];
  /** Every call answered: endpoint and status. */
  readonly log: { endpoint: string; status: number }[];
  close(): Promise<void>;
}

const TOKEN_TTL_S = 3600;
const OTP_TTL_MS = 5 * 60_000;

export interface CscTestServerOptions {
  credentials: TestCredential[];
  port?: number;
  host?: string;
  clientId?: string;
  clientSecret?: string;
  behaviour?: Partial<Behaviour>;
  /** The "SMS": told each OTP issued (the demo prints it). */
  onOtp?: (credentialId: string, otp: string) => void;
  /** The demo's phone: confirms each asynchronous request after this many ms. */
  autoConfirmMs?: number;
}

export async function startCscTestServer(opts: CscTestServerOptions): Promise<CscTestServer> {
  const clientId = opts.clientId ?? 'docaxis';
  const clientSecret = opts.clientSecret ?? randomBytes(16).toString('hex');
  const behaviour: Behaviour = { delayMs: 0, fail: undefined, signOtherHash: false, sadTtlMs: 5 * 60_000, ...opts.behaviour };
  const tokens = new Map<string, number>();
  const otps = new Map<string, { value: string; expiresAt: number; failures: number }>();
  const sads = new Map<string, Sad>();
  const transactions = new Map<string, Transaction>();
  const log: { endpoint: string; status: number }[] = [];
  const issued: string[] = [];
  const credentials = new Map(opts.credentials.map((c) => [c.credentialId, c]));

  const app: FastifyInstance = Fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))));

  const err = (reply: FastifyReply, status: number, error: string, description: string) => reply.status(status).send({ error, error_description: description });

  app.addHook('preHandler', async (request, reply) => {
    if (behaviour.delayMs > 0) await new Promise((r) => setTimeout(r, behaviour.delayMs));
    const endpoint = request.url.replace(/^\/csc\/v[12]\//, '').replace(/^\//, '');
    const f = behaviour.fail;
    if (f && f.times > 0 && (f.endpoint === '*' || f.endpoint === endpoint)) {
      f.times -= 1;
      return reply.status(f.status).send(f.body);
    }
    if (endpoint === 'oauth2/token' || endpoint === 'info') return;
    const auth = request.headers.authorization ?? '';
    const expires = tokens.get(auth.replace(/^Bearer /, ''));
    if (!auth.startsWith('Bearer ') || expires === undefined || expires < Date.now()) return err(reply, 401, 'invalid_token', 'The access token is not valid');
  });
  app.addHook('onSend', async (request, reply) => {
    log.push({ endpoint: request.url, status: reply.statusCode });
  });

  app.post('/oauth2/token', async (request, reply) => {
    const b = (request.body ?? {}) as Record<string, string>;
    if (b.grant_type !== 'client_credentials') return err(reply, 400, 'unsupported_grant_type', 'Only client_credentials');
    const id = Buffer.from(b.client_id ?? '');
    const secret = Buffer.from(b.client_secret ?? '');
    const ok = id.equals(Buffer.from(clientId)) && secret.length === clientSecret.length && timingSafeEqual(secret, Buffer.from(clientSecret));
    if (!ok) return err(reply, 401, 'invalid_client', 'Client authentication failed');
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, Date.now() + TOKEN_TTL_S * 1000);
    issued.push(token);
    return { access_token: token, token_type: 'Bearer', expires_in: TOKEN_TTL_S };
  });

  for (const v of ['v1', 'v2'] as const) {
    const p = `/csc/${v}`;
    app.post(`${p}/info`, async () => ({ specs: v === 'v2' ? '2.0.0.2' : '1.0.4.0', name: 'docaxis CSC test server (TEST-ONLY)', logo: '', region: 'VN', lang: 'vi-VN', description: 'TEST-ONLY', authType: ['oauth2client'], methods: ['credentials/list', 'credentials/info', 'credentials/authorize', 'credentials/sendOTP', 'signatures/signHash', ...(v === 'v2' ? ['signatures/signPolling'] : [])] }));

    app.post(`${p}/credentials/list`, async (request) => {
      const b = (request.body ?? {}) as { userID?: string };
      return { credentialIDs: [...credentials.values()].filter((c) => !b.userID || c.userId === b.userID).map((c) => c.credentialId) };
    });

    app.post(`${p}/credentials/info`, async (request, reply) => {
      const b = (request.body ?? {}) as { credentialID?: string };
      const c = b.credentialID ? credentials.get(b.credentialID) : undefined;
      if (!c) return err(reply, 400, 'invalid_request', 'Invalid parameter credentialID');
      return {
        key: { status: c.status ?? 'enabled', algo: [c.key.keyAlgorithm === 'rsa' ? OID.rsaEncryption : OID.ecPublicKey], len: c.key.keyAlgorithm === 'rsa' ? 2048 : 256 },
        cert: { status: 'valid', certificates: [c.key.certificate, ...c.key.chain].map((d) => Buffer.from(d).toString('base64')) },
        authMode: c.authMode,
        SCAL: '2',
        multisign: 1,
        ...(c.authMode === 'explicit' ? { PIN: { presence: 'false' }, OTP: { presence: 'true', type: 'offline', format: 'N', label: 'OTP', description: 'Mã OTP gửi qua SMS' } } : {}),
      };
    });

    app.post(`${p}/credentials/sendOTP`, async (request, reply) => {
      const b = (request.body ?? {}) as { credentialID?: string };
      const c = b.credentialID ? credentials.get(b.credentialID) : undefined;
      if (!c) return err(reply, 400, 'invalid_request', 'Invalid parameter credentialID');
      const value = String(randomInt(0, 1_000_000)).padStart(6, '0');
      otps.set(c.credentialId, { value, expiresAt: Date.now() + OTP_TTL_MS, failures: 0 });
      opts.onOtp?.(c.credentialId, value);
      return reply.status(204).send();
    });

    app.post(`${p}/credentials/authorize`, async (request, reply) => {
      const b = (request.body ?? {}) as Record<string, unknown>;
      const c = typeof b.credentialID === 'string' ? credentials.get(b.credentialID) : undefined;
      if (!c) return err(reply, 400, 'invalid_request', 'Invalid parameter credentialID');
      if ((c.status ?? 'enabled') !== 'enabled') return err(reply, 400, 'invalid_request', 'The credential is disabled');
      const hashes = (v === 'v2' ? b.hashes : b.hash) as unknown;
      if (!Array.isArray(hashes) || hashes.length === 0 || b.numSignatures !== hashes.length) return err(reply, 400, 'invalid_request', `Invalid parameter ${v === 'v2' ? 'hashes' : 'hash'}`);
      if (c.authMode === 'explicit') {
        const given = v === 'v2' ? (Array.isArray(b.authData) ? (b.authData as { id?: string; value?: string }[]).find((a) => a.id === 'OTP')?.value : undefined) : (b.OTP as string | undefined);
        const want = otps.get(c.credentialId);
        if (!given || !want || want.expiresAt < Date.now() || given !== want.value) {
          // Three wrong tries burn the OTP (as SMS OTP services do).
          if (want && ++want.failures >= 3) otps.delete(c.credentialId);
          return err(reply, 400, 'invalid_otp', 'The OTP is invalid');
        }
        otps.delete(c.credentialId);
      }
      const sad = randomBytes(32).toString('base64url');
      issued.push(sad);
      sads.set(sad, { credentialId: c.credentialId, hashes: new Set(hashes as string[]), expiresAt: Date.now() + behaviour.sadTtlMs, used: false });
      return { SAD: sad, expiresIn: Math.ceil(behaviour.sadTtlMs / 1000) };
    });

    app.post(`${p}/signatures/signHash`, async (request, reply) => {
      const b = (request.body ?? {}) as Record<string, unknown>;
      const c = typeof b.credentialID === 'string' ? credentials.get(b.credentialID) : undefined;
      if (!c) return err(reply, 400, 'invalid_request', 'Invalid parameter credentialID');
      const hashes = (v === 'v2' ? b.hashes : b.hash) as unknown;
      if (!Array.isArray(hashes) || hashes.length === 0 || !hashes.every((h) => typeof h === 'string')) return err(reply, 400, 'invalid_request', 'Invalid parameter hashes');
      const want = c.key.keyAlgorithm === 'rsa' ? OID.rsaSha256 : OID.ecdsaSha256;
      if (b.signAlgo !== want) return err(reply, 400, 'invalid_request', 'Invalid parameter signAlgo');
      const s = typeof b.SAD === 'string' ? sads.get(b.SAD) : undefined;
      if (!s || s.credentialId !== c.credentialId) return err(reply, 400, 'invalid_request', 'Invalid parameter SAD');
      if (s.used || s.expiresAt < Date.now()) return err(reply, 400, 'invalid_request', 'SAD expired');
      // SCAL2: only the hashes the SAD was authorized for.
      if (!(hashes as string[]).every((h) => s.hashes.has(h))) return err(reply, 400, 'invalid_request', 'The hash values do not match the SAD');
      s.used = true;
      if (v === 'v2' && (b.operationMode === 'A' || c.authMode === 'implicit')) {
        const responseId = randomBytes(16).toString('hex');
        transactions.set(responseId, { credentialId: c.credentialId, hashes: hashes as string[], status: 'pending', ...(typeof b.response_uri === 'string' ? { responseUri: b.response_uri } : {}) });
        if (opts.autoConfirmMs !== undefined) setTimeout(() => void settle(responseId, 'signed', true).catch(() => undefined), opts.autoConfirmMs).unref();
        return { responseID: responseId };
      }
      return { signatures: (hashes as string[]).map((h) => signDigest(c.key, h, behaviour.signOtherHash)) };
    });

    if (v === 'v2') {
      app.post(`${p}/signatures/signPolling`, async (request, reply) => {
        const b = (request.body ?? {}) as { responseID?: string };
        const t = b.responseID ? transactions.get(b.responseID) : undefined;
        if (!t) return err(reply, 400, 'invalid_request', 'Invalid parameter responseID');
        return t.status === 'signed' ? { status: 'signed', signatures: t.signatures } : { status: t.status };
      });
    }
  }

  const address = await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });

  const settle = async (responseId: string, outcome: 'signed' | 'rejected', deliver: boolean) => {
    const t = transactions.get(responseId);
    if (!t || t.status !== 'pending') throw new Error(`csc test server: no pending transaction ${responseId}`);
    const c = credentials.get(t.credentialId)!;
    t.status = outcome;
    if (outcome === 'signed') t.signatures = t.hashes.map((h) => signDigest(c.key, h, behaviour.signOtherHash));
    if (t.responseUri && deliver) {
      await fetch(t.responseUri, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ responseID: responseId, status: outcome, ...(t.signatures ? { signatures: t.signatures } : {}) }) });
    }
  };

  return {
    url: address,
    baseUrl: (version = 'v2') => `${address}/csc/${version}`,
    tokenUrl: `${address}/oauth2/token`,
    clientId,
    clientSecret,
    behaviour,
    lastOtp: (id) => otps.get(id)?.value,
    confirm: (id, o) => settle(id, 'signed', o?.deliver ?? true),
    reject: (id, o) => settle(id, 'rejected', o?.deliver ?? true),
    issuedSecrets: () => [...issued],
    pendingTransactions: () => [...transactions].filter(([, t]) => t.status === 'pending').map(([id]) => id),
    log,
    close: () => app.close(),
  };
}

const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** A raw signature over a SHA-256 digest: RSA PKCS#1 v1.5 (DigestInfo), or ECDSA (DER). */
function signDigest(key: KeyMaterial, b64: string, other: boolean): string {
  let digest = Buffer.from(b64, 'base64');
  if (other) digest = createHash('sha256').update(digest).digest();
  const sig = key.keyAlgorithm === 'rsa' ? privateEncrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest])) : cryptoSign(null, digest, { key: key.privateKey, dsaEncoding: 'der' });
  return sig.toString('base64');
}
