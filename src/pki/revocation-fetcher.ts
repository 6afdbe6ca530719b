// Revocation data over the network, behind the port the LTV collector and the verifier's callers
// inject (`RevocationFetcher { crl(url), ocsp(cert, issuer) }`, null by default: nothing here runs
// unless an entry point builds it). CRLs from the certificate's CRL distribution points, OCSP from
// its AIA id-ad-ocsp entries; http(s) only, no redirects, deadlines, size limits, the address
// guard of revocation-http.ts; CRLs cached per URL until their nextUpdate, OCSP responses per
// certificate (ocsp-client.ts). A failure returns undefined and is recorded in `problems`: the
// certificate then has no fetched evidence and stays INDETERMINATE, never good.
import * as pkijs from 'pkijs';
import { DocaxisError } from '../errors.js';
import { type ChainCert, parseChainCert } from './chain-cert.js';
import { DEFAULT_OCSP_CLIENT_SETTINGS, OcspCache, type OcspClientSettings, queryOcsp } from './ocsp-client.js';
import { OID } from './oids.js';
import { parseCrl } from './revocation.js';
import { checkRevocationUrl, revocationHttp } from './revocation-http.js';

/** The shape the LTV collector (src/pades/ltv-collect.ts) injects; DER in, DER out. */
export interface RevocationFetcher {
  crl(url: string): Promise<Uint8Array | undefined>;
  ocsp(cert: Uint8Array, issuer: Uint8Array): Promise<Uint8Array | undefined>;
}

export interface RevocationFetchSettings {
  /** REVOCATION_FETCH: false = never touch the network (the default). */
  enabled: boolean;
  /** REVOCATION_ALLOW_PRIVATE: loopback/private/link-local targets (tests, an internal CA). */
  allowPrivateAddresses: boolean;
  ocsp: Omit<OcspClientSettings, 'allowPrivateAddresses'>;
  /** CRL_TIMEOUT_SECONDS, as ms. */
  crlTimeoutMs: number;
  /** CRL_MAX_BYTES. */
  crlMaxBytes: number;
}

export const DEFAULT_CRL_MAX_BYTES = 10 * 1024 * 1024;

export const DEFAULT_REVOCATION_FETCH_SETTINGS: RevocationFetchSettings = Object.freeze({
  enabled: false,
  allowPrivateAddresses: false,
  ocsp: DEFAULT_OCSP_CLIENT_SETTINGS,
  crlTimeoutMs: 20_000,
  crlMaxBytes: DEFAULT_CRL_MAX_BYTES,
});

/** Fetches nothing: the default, and what REVOCATION_FETCH=off gives. */
export const NO_REVOCATION_FETCHING: RevocationFetcher = Object.freeze({
  crl: () => Promise.resolve(undefined),
  ocsp: () => Promise.resolve(undefined),
});

const MAX_URLS_PER_CERT = 4; // a certificate naming dozens of URLs is an attack on our time
const MAX_CACHED_CRLS = 100;

export class NetworkRevocationFetcher implements RevocationFetcher {
  /** Why fetches failed, one line each (for the report's warnings). */
  readonly problems: string[] = [];
  readonly ocspCache: OcspCache;
  readonly #crls = new Map<string, { der: Uint8Array; expires: Date }>();
  readonly #clock: () => Date;

  constructor(
    readonly settings: RevocationFetchSettings,
    options: { clock?: () => Date; ocspCache?: OcspCache } = {},
  ) {
    if (!settings.enabled) throw new DocaxisError('REVOCATION_FETCH_OFF', 'build the network fetcher only when REVOCATION_FETCH=on (use revocationFetcherFor)');
    this.#clock = options.clock ?? (() => new Date());
    this.ocspCache = options.ocspCache ?? new OcspCache();
  }

  async crl(url: string): Promise<Uint8Array | undefined> {
    const now = this.#clock();
    const hit = this.#crls.get(url);
    if (hit !== undefined && hit.expires > now) return hit.der;
    try {
      const reply = await revocationHttp(
        { url, method: 'GET', accept: 'application/pkix-crl, application/x-pkcs7-crl, */*' },
        { timeoutMs: this.settings.crlTimeoutMs, maxBytes: this.settings.crlMaxBytes, allowPrivateAddresses: this.settings.allowPrivateAddresses },
      );
      if (reply.status !== 200) throw new DocaxisError('REVOCATION_UNREACHABLE', `HTTP ${reply.status}`);
      const crl = parseCrl(reply.body); // refuses what is not a CRL; its signature is checked where it is used
      // Until nextUpdate; a CRL without one is not reused (it promises nothing about later).
      if (crl.nextUpdate !== undefined && crl.nextUpdate > now) {
        this.#crls.delete(url);
        this.#crls.set(url, { der: reply.body, expires: crl.nextUpdate });
        while (this.#crls.size > MAX_CACHED_CRLS) this.#crls.delete(this.#crls.keys().next().value as string);
      }
      return reply.body;
    } catch (e) {
      this.problems.push(`CRL ${url.slice(0, 200)}: ${describe(e)}`);
      return undefined;
    }
  }

  async ocsp(certDer: Uint8Array, issuerDer: Uint8Array): Promise<Uint8Array | undefined> {
    let cert: ChainCert;
    let issuer: ChainCert;
    try {
      cert = parseChainCert(certDer);
      issuer = parseChainCert(issuerDer);
    } catch (e) {
      this.problems.push(`OCSP: ${describe(e)}`);
      return undefined;
    }
    const urls = ocspUrlsOf(certDer);
    if (urls.length === 0) return undefined;
    for (const url of urls) {
      try {
        const answer = await queryOcsp({
          url,
          cert,
          issuer,
          settings: { ...this.settings.ocsp, allowPrivateAddresses: this.settings.allowPrivateAddresses },
          cache: this.ocspCache,
          clock: this.#clock,
        });
        return answer.der;
      } catch (e) {
        this.problems.push(`OCSP ${url.slice(0, 200)} for ${cert.label}: ${describe(e)}`);
      }
    }
    return undefined;
  }
}

/** The fetcher the settings allow: the network one when REVOCATION_FETCH=on, else one that fetches nothing. */
export function revocationFetcherFor(settings: RevocationFetchSettings, options?: { clock?: () => Date }): RevocationFetcher {
  return settings.enabled ? new NetworkRevocationFetcher(settings, options) : NO_REVOCATION_FETCHING;
}

/** AIA id-ad-ocsp URLs of a certificate that may be fetched (http(s)); others are dropped. */
export function ocspUrlsOf(certDer: Uint8Array): string[] {
  const ext = extensionOf(certDer, OID.authorityInfoAccess);
  if (ext === undefined) return [];
  const parsed = ext.parsedValue as pkijs.InfoAccess | undefined;
  return fetchable((parsed?.accessDescriptions ?? []).filter((d) => d.accessMethod === pkijs.id_ad_ocsp).map((d) => d.accessLocation));
}

/** CRL distribution point URLs (fullName URIs) of a certificate that may be fetched (http(s)). */
export function crlUrlsOf(certDer: Uint8Array): string[] {
  const ext = extensionOf(certDer, pkijs.id_CRLDistributionPoints);
  if (ext === undefined) return [];
  const parsed = ext.parsedValue as pkijs.CRLDistributionPoints | undefined;
  const names = (parsed?.distributionPoints ?? []).flatMap((dp) => (Array.isArray(dp.distributionPoint) ? dp.distributionPoint : []));
  return fetchable(names);
}

function fetchable(names: readonly pkijs.GeneralName[]): string[] {
  const urls: string[] = [];
  for (const n of names) {
    // GeneralName uniformResourceIdentifier [6] IA5String
    if (n.type !== 6 || typeof n.value !== 'string') continue;
    try {
      checkRevocationUrl(n.value);
      if (!urls.includes(n.value)) urls.push(n.value);
    } catch {
      // ldap:, file: and the like are never fetched
    }
  }
  return urls.slice(0, MAX_URLS_PER_CERT);
}

function extensionOf(certDer: Uint8Array, oid: string): pkijs.Extension | undefined {
  try {
    return pkijs.Certificate.fromBER(certDer).extensions?.find((e) => e.extnID === oid);
  } catch {
    return undefined;
  }
}

function describe(e: unknown): string {
  return e instanceof DocaxisError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
}
