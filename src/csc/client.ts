// A client of one CSC service (types.ts says which v1/v2 differences it handles). The service's
// access token (OAuth2 client credentials) is cached until shortly before it expires. Each call has
// a deadline; only transport failures (nothing reached the provider, or a gateway said so: 502,
// 503, 504) are retried, never a 4xx: an OTP refused twice would lock the signer out. The SAD, the
// token and the client secret are arguments and return values only: never logged, never stored.
import { DocaxisError, isDocaxisError } from '../errors.js';
import { providerError } from './errors.js';
import { OID, type CscApiVersion, type CscCredentialInfo, type CscInfo, type PollResult, type SignHashResult } from './types.js';

export interface CscClientOptions {
  baseUrl: string;
  apiVersion: CscApiVersion;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Per attempt; default 10 s. */
  timeoutMs?: number;
  /** Extra attempts after a transport failure; default 2. */
  retries?: number;
  /** Before each retry; default 200 ms, doubled each time. */
  backoffMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface AuthorizeInput {
  credentialId: string;
  /** Base64 digests: the SAD is bound to exactly these (SCAL2). */
  hashes: string[];
  pin?: string;
  otp?: string;
}

export interface SignHashInput {
  credentialId: string;
  sad: string;
  hashes: string[];
  keyAlgorithm: 'rsa' | 'ec';
  /** v2 only: answer with a responseID, deliver to responseUri (if given) when the signer confirms. */
  async?: { responseUri?: string };
}

const TRANSIENT_STATUSES = new Set([502, 503, 504]);

export class CscClient {
  private token: { value: string; expiresAt: number } | undefined;
  private readonly o: Required<Omit<CscClientOptions, 'fetch' | 'now'>> & { fetch: typeof fetch; now: () => number };

  constructor(options: CscClientOptions) {
    this.o = { timeoutMs: 10_000, retries: 2, backoffMs: 200, fetch: globalThis.fetch, now: Date.now, ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') };
  }

  info(): Promise<CscInfo> {
    return this.call('info', {}, false) as Promise<CscInfo>;
  }

  async listCredentials(userId: string | undefined): Promise<string[]> {
    const body = (await this.call('credentials/list', { ...(userId ? { userID: userId } : {}), maxResults: 20 })) as { credentialIDs?: unknown };
    if (!Array.isArray(body.credentialIDs) || !body.credentialIDs.every((x) => typeof x === 'string')) throw malformed('credentials/list');
    return body.credentialIDs as string[];
  }

  async credentialInfo(credentialId: string): Promise<CscCredentialInfo> {
    // The same request in v1 and v2 (v2 adds optional fields we do not need).
    const request = { credentialID: credentialId, certificates: 'chain', certInfo: false, authInfo: true };
    const b = (await this.call('credentials/info', request)) as Record<string, unknown>;
    const cert = (b.cert ?? {}) as { certificates?: unknown; status?: unknown };
    const key = (b.key ?? {}) as { algo?: unknown; status?: unknown; len?: unknown };
    if (!Array.isArray(cert.certificates) || cert.certificates.length === 0 || !cert.certificates.every((c) => typeof c === 'string')) throw malformed('credentials/info');
    const pin = (b.PIN ?? {}) as { presence?: unknown };
    const otp = (b.OTP ?? {}) as { presence?: unknown };
    const authMode = b.authMode === 'implicit' || b.authMode === 'oauth2code' ? b.authMode : 'explicit';
    return {
      credentialId,
      certificates: (cert.certificates as string[]).map((c) => new Uint8Array(Buffer.from(c, 'base64'))),
      certificateStatus: typeof cert.status === 'string' ? cert.status : 'valid',
      keyAlgorithms: Array.isArray(key.algo) ? key.algo.filter((x): x is string => typeof x === 'string') : [],
      keyStatus: typeof key.status === 'string' ? key.status : 'enabled',
      keyLength: typeof key.len === 'number' ? key.len : undefined,
      authMode,
      scal: b.SCAL === '2' || b.SCAL === 2 ? '2' : '1',
      multisign: typeof b.multisign === 'number' ? b.multisign : 1,
      pin: pin.presence === 'true' || pin.presence === true,
      otp: otp.presence === 'true' || otp.presence === true,
    };
  }

  /** Asks the provider to send the signer an OTP (SMS, app) for this credential. */
  async sendOtp(credentialId: string): Promise<void> {
    await this.call('credentials/sendOTP', { credentialID: credentialId }, true);
  }

  /** credentials/authorize: the SAD, bound to `hashes`. Returned to the caller, never kept here. */
  async authorize(input: AuthorizeInput): Promise<{ sad: string; expiresIn: number }> {
    const request =
      this.o.apiVersion === 'v2'
        ? {
            credentialID: input.credentialId,
            numSignatures: input.hashes.length,
            hashes: input.hashes,
            hashAlgorithmOID: OID.sha256,
            ...(input.pin || input.otp ? { authData: [...(input.pin ? [{ id: 'PIN', value: input.pin }] : []), ...(input.otp ? [{ id: 'OTP', value: input.otp }] : [])] } : {}),
          }
        : { credentialID: input.credentialId, numSignatures: input.hashes.length, hash: input.hashes, ...(input.pin ? { PIN: input.pin } : {}), ...(input.otp ? { OTP: input.otp } : {}) };
    const b = (await this.call('credentials/authorize', request)) as { SAD?: unknown; expiresIn?: unknown };
    if (typeof b.SAD !== 'string' || b.SAD.length === 0) throw malformed('credentials/authorize');
    return { sad: b.SAD, expiresIn: typeof b.expiresIn === 'number' ? b.expiresIn : 300 };
  }

  async signHash(input: SignHashInput): Promise<SignHashResult> {
    const signAlgo = input.keyAlgorithm === 'rsa' ? OID.rsaSha256 : OID.ecdsaSha256;
    if (input.async && this.o.apiVersion !== 'v2') throw new DocaxisError('CSC_PROVIDER_INVALID', 'an asynchronous signHash needs CSC API v2');
    const request =
      this.o.apiVersion === 'v2'
        ? {
            credentialID: input.credentialId,
            SAD: input.sad,
            hashes: input.hashes,
            hashAlgorithmOID: OID.sha256,
            signAlgo,
            ...(input.async ? { operationMode: 'A', ...(input.async.responseUri ? { response_uri: input.async.responseUri } : {}) } : { operationMode: 'S' }),
          }
        : { credentialID: input.credentialId, SAD: input.sad, hash: input.hashes, hashAlgo: OID.sha256, signAlgo };
    const b = (await this.call('signatures/signHash', request)) as { signatures?: unknown; responseID?: unknown };
    if (typeof b.responseID === 'string' && b.responseID) return { kind: 'pending', responseId: b.responseID };
    return { kind: 'signed', signatures: signaturesOf(b.signatures, 'signatures/signHash') };
  }

  /** The state of an asynchronous signHash (v2 `operationMode: "A"`), by its responseID. */
  async poll(responseId: string): Promise<PollResult> {
    const b = (await this.call('signatures/signPolling', { responseID: responseId })) as { status?: unknown; signatures?: unknown };
    if (b.status === 'pending') return { kind: 'pending' };
    if (b.status === 'rejected') return { kind: 'rejected' };
    if (b.status === 'expired') return { kind: 'expired' };
    return { kind: 'signed', signatures: signaturesOf(b.signatures, 'signatures/signPolling') };
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > this.o.now()) return this.token.value;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.o.clientId, client_secret: this.o.clientSecret, scope: 'service' });
    const b = (await this.send(this.o.tokenUrl, form.toString(), 'application/x-www-form-urlencoded', undefined, 'oauth2/token')) as { access_token?: unknown; expires_in?: unknown };
    if (typeof b.access_token !== 'string' || !b.access_token) throw malformed('oauth2/token');
    const life = typeof b.expires_in === 'number' && b.expires_in > 0 ? b.expires_in : 300;
    // Renewed 30 s (or a tenth of its life) early, so a token never expires on its way.
    this.token = { value: b.access_token, expiresAt: this.o.now() + life * 1000 - Math.min(30_000, life * 100) };
    return this.token.value;
  }

  private async call(endpoint: string, body: object, authenticated = true): Promise<unknown> {
    const token = authenticated ? await this.accessToken() : undefined;
    try {
      return await this.send(`${this.o.baseUrl}/${endpoint}`, JSON.stringify(body), 'application/json', token, endpoint);
    } catch (e) {
      // A token the provider no longer honours is dropped; the next call fetches a new one.
      if (isDocaxisError(e, 'CSC_PROVIDER_AUTH_FAILED')) this.token = undefined;
      throw e;
    }
  }

  private async send(url: string, payload: string, contentType: string, token: string | undefined, endpoint: string): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.o.fetch(url, {
          method: 'POST',
          headers: { 'content-type': contentType, accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: payload,
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
      } catch (e) {
        // A deadline passed: the provider may be working on it, so a retry could sign twice. Not retried.
        if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) throw new DocaxisError('CSC_PROVIDER_TIMEOUT', `${endpoint}: no answer within ${this.o.timeoutMs} ms`);
        if (attempt < this.o.retries) {
          await sleep(this.o.backoffMs * 2 ** attempt);
          continue;
        }
        throw new DocaxisError('CSC_PROVIDER_UNAVAILABLE', undefined, { details: { endpoint, attempts: attempt + 1 } });
      }
      let text: string;
      try {
        text = await res.text();
      } catch (e) {
        if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) throw new DocaxisError('CSC_PROVIDER_TIMEOUT', `${endpoint}: no answer within ${this.o.timeoutMs} ms`);
        throw new DocaxisError('CSC_PROVIDER_UNAVAILABLE', undefined, { details: { endpoint } });
      }
      if (TRANSIENT_STATUSES.has(res.status) && attempt < this.o.retries) {
        await sleep(this.o.backoffMs * 2 ** attempt);
        continue;
      }
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : {};
      } catch {
        if (res.ok) throw malformed(endpoint);
        json = {};
      }
      if (!res.ok) throw providerError(res.status, json, endpoint);
      return json;
    }
  }
}

function signaturesOf(v: unknown, endpoint: string): Uint8Array[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(s))) throw malformed(endpoint);
  return (v as string[]).map((s) => new Uint8Array(Buffer.from(s, 'base64')));
}

function malformed(endpoint: string): DocaxisError {
  return new DocaxisError('CSC_PROVIDER_ERROR', `${endpoint}: the answer is not what the CSC API specifies`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
