// An OCSP client (RFC 6960 over HTTP, Appendix A): POST one request as application/ocsp-request,
// check that the answer is ours (nonce, CertID), trusted (the issuer or a responder it delegated
// to, ocsp.ts) and fresh, and cache it per certificate until its nextUpdate.
//
// Nonce (RFC 8954): sent by default, and then the response MUST echo it; a response without it is
// refused. Responders that serve pre-produced responses (RFC 5019) never echo nonces: for those the
// operator turns nonces off (OCSP_NONCE=off), and freshness (thisUpdate/nextUpdate, maximum age)
// is then the only guard against replay. We do not guess per responder.
//
// Any failure (down, slow, tryLater, wrong answer) is a DocaxisError; `ocspStatusOrUnknown` turns
// it into a status 'unknown' carrying the reason, so a responder that cannot be reached leaves the
// certificate INDETERMINATE (TRY_LATER) and never makes it good.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { DocaxisError } from '../errors.js';
import type { ChainCert } from './chain-cert.js';
import { type ParsedOcspResponse, checkOcspRevocationOf, ocspResponderTrust, parseOcspResponse } from './ocsp.js';
import { buildOcspRequest } from './ocsp-request.js';
import { MAX_OCSP_RESPONSE_BYTES } from './ocsp.js';
import type { RevocationStatus } from './revocation.js';
import { revocationHttp } from './revocation-http.js';

export interface OcspClientSettings {
  /** OCSP_TIMEOUT_SECONDS, as ms. Default 10 s. */
  timeoutMs: number;
  /** OCSP_MAX_AGE_HOURS: how old a response without nextUpdate may be. Default 24 h. */
  maxAgeHours: number;
  /** OCSP_NONCE: send a nonce and require its echo. Default true. */
  nonce: boolean;
  /** Clock skew tolerated for a thisUpdate in the future. Default 5 min. */
  skewSeconds: number;
  /** REVOCATION_ALLOW_PRIVATE: loopback/private/link-local responders. Default false. */
  allowPrivateAddresses: boolean;
  maxResponseBytes: number;
}

export const DEFAULT_OCSP_CLIENT_SETTINGS: OcspClientSettings = Object.freeze({
  timeoutMs: 10_000,
  maxAgeHours: 24,
  nonce: true,
  skewSeconds: 300,
  allowPrivateAddresses: false,
  maxResponseBytes: MAX_OCSP_RESPONSE_BYTES,
});

export interface OcspAnswer {
  /** The DER OCSPResponse as received (what a /DSS would embed). */
  der: Uint8Array;
  response: ParsedOcspResponse;
  /** The certificate's status at the time asked (good, revoked, or unknown to the responder). */
  status: RevocationStatus;
  fromCache: boolean;
}

/** OCSP responses per certificate (issuer key hash + serial), kept until their nextUpdate. Bounded: oldest entries go first. */
export class OcspCache {
  readonly #entries = new Map<string, { der: Uint8Array; response: ParsedOcspResponse; expires: Date }>();
  constructor(readonly maxEntries = 1000) {}

  get(key: string, now: Date): { der: Uint8Array; response: ParsedOcspResponse } | undefined {
    const hit = this.#entries.get(key);
    if (hit === undefined) return undefined;
    this.#entries.delete(key);
    if (hit.expires <= now) return undefined;
    this.#entries.set(key, hit); // most recently used last
    return hit;
  }

  set(key: string, value: { der: Uint8Array; response: ParsedOcspResponse; expires: Date }): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  get size(): number {
    return this.#entries.size;
  }
}

export interface OcspQuery {
  url: string;
  cert: ChainCert;
  issuer: ChainCert;
  settings?: Partial<OcspClientSettings>;
  cache?: OcspCache;
  clock?: () => Date;
}

/** @throws DocaxisError OCSP_TRY_LATER, OCSP_RESPONDER_ERROR, OCSP_REQUEST_REFUSED, OCSP_BAD_RESPONSE, OCSP_MALFORMED, REVOCATION_* */
export async function queryOcsp(q: OcspQuery): Promise<OcspAnswer> {
  const s = { ...DEFAULT_OCSP_CLIENT_SETTINGS, ...q.settings };
  const now = (q.clock ?? (() => new Date()))();
  const request = buildOcspRequest(q.cert.der, q.issuer.der, { nonce: s.nonce });
  const key = `${Buffer.from(request.certId.issuerKeyHash).toString('hex')}:${request.certId.serialHex}`;
  const cached = q.cache?.get(key, now);
  if (cached !== undefined) return { ...cached, status: checkOcspRevocationOf(q.cert, q.issuer, [cached.response], now), fromCache: true };

  const reply = await revocationHttp(
    { url: q.url, method: 'POST', body: request.der, contentType: 'application/ocsp-request', accept: 'application/ocsp-response' },
    { timeoutMs: s.timeoutMs, maxBytes: s.maxResponseBytes, allowPrivateAddresses: s.allowPrivateAddresses },
  );
  if (reply.status !== 200) throw new DocaxisError('REVOCATION_UNREACHABLE', `${new URL(q.url).origin} answered HTTP ${reply.status}`);
  if (reply.contentType !== 'application/ocsp-response') throw new DocaxisError('OCSP_BAD_RESPONSE', `unexpected Content-Type "${reply.contentType}"`);
  throwOnErrorStatus(reply.body);
  const response = parseOcspResponse(reply.body);

  if (request.nonce !== undefined) {
    if (response.nonce === undefined) throw new DocaxisError('OCSP_BAD_RESPONSE', 'the response does not echo the nonce sent (set OCSP_NONCE=off for responders that never do)');
    if (response.nonce === 'malformed' || !Buffer.from(response.nonce).equals(request.nonce)) throw new DocaxisError('OCSP_BAD_RESPONSE', 'the response carries another nonce than the one sent (a replay, or a confused responder)');
  }
  const trust = ocspResponderTrust(response, q.issuer);
  if (trust.why !== undefined) throw new DocaxisError('OCSP_BAD_RESPONSE', `untrusted responder: ${trust.why}`);
  const single = response.responses.find(
    (r) =>
      r.certId.serialHex === request.certId.serialHex &&
      r.certId.hashAlgorithmOid === request.certId.hashAlgorithmOid &&
      Buffer.from(r.certId.issuerNameHash).equals(request.certId.issuerNameHash) &&
      Buffer.from(r.certId.issuerKeyHash).equals(request.certId.issuerKeyHash),
  );
  if (single === undefined) throw new DocaxisError('OCSP_BAD_RESPONSE', 'the response does not speak for the certificate asked about');
  const expires = freshUntil(single.thisUpdate, single.nextUpdate, now, s);
  q.cache?.set(key, { der: reply.body, response, expires });
  return { der: reply.body, response, status: checkOcspRevocationOf(q.cert, q.issuer, [response], now), fromCache: false };
}

/**
 * thisUpdate not in the future beyond the skew; nextUpdate not passed; without nextUpdate, not
 * older than the maximum age. Returns until when the answer may be reused.
 */
export function freshUntil(thisUpdate: Date, nextUpdate: Date | undefined, now: Date, s: Pick<OcspClientSettings, 'skewSeconds' | 'maxAgeHours'>): Date {
  if (thisUpdate.getTime() > now.getTime() + s.skewSeconds * 1000) throw new DocaxisError('OCSP_BAD_RESPONSE', `thisUpdate ${thisUpdate.toISOString()} lies in the future`);
  if (nextUpdate !== undefined) {
    if (nextUpdate <= now) throw new DocaxisError('OCSP_BAD_RESPONSE', `stale response: nextUpdate ${nextUpdate.toISOString()} has passed`);
    return nextUpdate;
  }
  const limit = new Date(thisUpdate.getTime() + s.maxAgeHours * 3600 * 1000);
  if (limit <= now) throw new DocaxisError('OCSP_BAD_RESPONSE', `stale response: thisUpdate ${thisUpdate.toISOString()} is older than ${s.maxAgeHours} h and there is no nextUpdate`);
  return limit;
}

// OCSPResponseStatus ::= ENUMERATED { successful (0), malformedRequest (1), internalError (2),
//   tryLater (3), -- (4) is not used -- sigRequired (5), unauthorized (6) }
function throwOnErrorStatus(der: Uint8Array): void {
  // Read with PKI.js before parseOcspResponse, which refuses every non-successful response alike.
  let status: number;
  try {
    const parsed = asn1js.fromBER(der);
    if (parsed.offset !== der.byteLength) return; // not one OCSPResponse: parseOcspResponse says why
    status = new pkijs.OCSPResponse({ schema: parsed.result }).responseStatus.valueBlock.valueDec;
  } catch {
    return; // a BasicOCSPResponse or garbage: parseOcspResponse says why
  }
  if (status === 0) return;
  if (status === 3) throw new DocaxisError('OCSP_TRY_LATER', 'the responder answered tryLater');
  if (status === 2) throw new DocaxisError('OCSP_RESPONDER_ERROR', 'the responder answered internalError');
  const name = status === 1 ? 'malformedRequest' : status === 5 ? 'sigRequired' : status === 6 ? 'unauthorized' : `status ${status}`;
  throw new DocaxisError('OCSP_REQUEST_REFUSED', `the responder answered ${name}`);
}

/** queryOcsp, with every failure turned into status 'unknown' + the reason: never good by default. */
export async function ocspStatusOrUnknown(q: OcspQuery): Promise<OcspAnswer | { status: RevocationStatus; error: DocaxisError }> {
  try {
    return await queryOcsp(q);
  } catch (e) {
    const error = e instanceof DocaxisError ? e : new DocaxisError('REVOCATION_UNREACHABLE', e instanceof Error ? e.message : String(e), { cause: e });
    return { status: { status: 'unknown', detail: `OCSP ${q.url}: ${error.code}: ${error.message}` }, error };
  }
}
