// The network RevocationFetcher: URLs read from the certificate (AIA id-ad-ocsp, CRL distribution
// points), the REVOCATION_FETCH switch, per-URL CRL caching, size limits and the address guard,
// against our TEST-ONLY OCSP responder and a CRL server on loopback.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type OcspServer, startOcspServer } from '../../src/http/ocsp-server.js';
import { validateChain } from '../../src/pki/chain.js';
import { parseOcspResponse } from '../../src/pki/ocsp.js';
import { OcspResponder } from '../../src/pki/ocsp-responder.js';
import { parseCrl } from '../../src/pki/revocation.js';
import { NO_REVOCATION_FETCHING, NetworkRevocationFetcher, type RevocationFetchSettings, crlUrlsOf, ocspUrlsOf, revocationFetcherFor } from '../../src/pki/revocation-fetcher.js';
import { withRevocationUrls } from './ocsp-network-pki.js';
import { type OcspPki, crlOf, makeOcspPki } from './ocsp-test-pki.js';

let pki: OcspPki;
let responder: OcspResponder;
let ocspServer: OcspServer;
let crlServer: Server;
let crlBase: string;
let crlDer: Uint8Array;
let crlRequests = 0;
let leaf: Uint8Array;

// The settings as the configuration gives them, loopback allowed (tests only).
const settings = (over: Record<string, string> = {}): RevocationFetchSettings =>
  loadConfig({ REVOCATION_FETCH: 'on', REVOCATION_ALLOW_PRIVATE: 'true', OCSP_TIMEOUT_SECONDS: '5', ...over }).revocationFetch;

beforeAll(async () => {
  pki = await makeOcspPki();
  responder = new OcspResponder({ issuers: [pki.root.der], signerCertificate: pki.responder.der, signerKey: pki.responder.privateKey });
  ocspServer = await startOcspServer(responder, { port: 0 });
  crlDer = await crlOf(pki.root, [], '2026-01-01T00:00:00Z', '2045-12-31T23:59:59Z');
  crlServer = createServer((req, res) => {
    crlRequests++;
    if (req.url === '/big.crl') {
      res.writeHead(200, { 'Content-Type': 'application/pkix-crl' });
      res.end(Buffer.alloc(4096, 0x30));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/pkix-crl', 'Content-Length': crlDer.length });
    res.end(crlDer);
  });
  await new Promise<void>((resolve) => crlServer.listen(0, '127.0.0.1', resolve));
  crlBase = `http://127.0.0.1:${(crlServer.address() as AddressInfo).port}`;
  leaf = withRevocationUrls(pki.leaf.der, pki.root, { ocsp: ['ldap://ldap.example/ocsp', ocspServer.url], crl: ['ldap://ldap.example/cn=crl', `${crlBase}/root.crl`] }, 4242);
}, 60_000);

afterAll(async () => {
  await ocspServer?.close();
  await new Promise((r) => crlServer?.close(r));
});

describe('revocation URLs from the certificate', () => {
  it('keeps http(s) AIA OCSP and CRL DP URLs, drops ldap:', () => {
    expect(ocspUrlsOf(leaf)).toEqual([ocspServer.url]);
    expect(crlUrlsOf(leaf)).toEqual([`${crlBase}/root.crl`]);
    expect(ocspUrlsOf(pki.leaf.der)).toEqual([]);
  });
});

describe('REVOCATION_FETCH', () => {
  it('is off by default: the fetcher fetches nothing and the network one cannot be built', async () => {
    const config = loadConfig({}).revocationFetch;
    expect(config.enabled).toBe(false);
    expect(config.allowPrivateAddresses).toBe(false);
    const fetcher = revocationFetcherFor(config);
    expect(fetcher).toBe(NO_REVOCATION_FETCHING);
    expect(await fetcher.ocsp(leaf, pki.root.der)).toBeUndefined();
    expect(await fetcher.crl(`${crlBase}/root.crl`)).toBeUndefined();
    expect(responder.requestCount).toBe(0);
    expect(() => new NetworkRevocationFetcher(config)).toThrow(expect.objectContaining({ code: 'REVOCATION_FETCH_OFF' }));
    expect(() => loadConfig({ REVOCATION_FETCH: 'maybe' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('NetworkRevocationFetcher', () => {
  it('fetches OCSP from the AIA; the answer satisfies a required revocation check', async () => {
    const fetcher = new NetworkRevocationFetcher(settings());
    const der = await fetcher.ocsp(leaf, pki.root.der);
    expect(der).toBeDefined();
    expect(parseOcspResponse(der!).responses[0]!.status).toBe('good');
    const chain = validateChain({ leaf, candidates: [], trustAnchors: [pki.root.der], ocspResponses: [der!], at: new Date(), purpose: 'document-signing', requireRevocation: true, checkRevocation: true });
    expect(chain.status).toBe('valid');
    // A second check of the same certificate is answered from the cache.
    const before = responder.requestCount;
    expect(await fetcher.ocsp(leaf, pki.root.der)).toEqual(der);
    expect(responder.requestCount).toBe(before);
  });

  it('responder down: undefined and a problem recorded, the chain stays revocation-unknown', async () => {
    responder.misbehave = { status: 'tryLater' };
    try {
      const fetcher = new NetworkRevocationFetcher(settings());
      expect(await fetcher.ocsp(leaf, pki.root.der)).toBeUndefined();
      expect(fetcher.problems.join('\n')).toContain('OCSP_TRY_LATER');
      const chain = validateChain({ leaf, candidates: [], trustAnchors: [pki.root.der], at: new Date(), purpose: 'document-signing', requireRevocation: true, checkRevocation: true });
      expect(chain.status).toBe('revocation-unknown');
    } finally {
      responder.misbehave = {};
    }
  });

  it('the address guard applies unless REVOCATION_ALLOW_PRIVATE', async () => {
    const before = responder.requestCount;
    const fetcher = new NetworkRevocationFetcher(settings({ REVOCATION_ALLOW_PRIVATE: 'false' }));
    expect(await fetcher.ocsp(leaf, pki.root.der)).toBeUndefined();
    expect(await fetcher.crl(`${crlBase}/root.crl`)).toBeUndefined();
    expect(fetcher.problems.every((p) => p.includes('REVOCATION_URL_REFUSED'))).toBe(true);
    expect(fetcher.problems).toHaveLength(2);
    expect(responder.requestCount).toBe(before);
  });

  it('fetches a CRL once per URL until its nextUpdate', async () => {
    const fetcher = new NetworkRevocationFetcher(settings());
    const start = crlRequests;
    const a = await fetcher.crl(crlUrlsOf(leaf)[0]!);
    const b = await fetcher.crl(crlUrlsOf(leaf)[0]!);
    expect(parseCrl(a!).issuerText).toContain('OCSP Test Root CA');
    expect(b).toEqual(a);
    expect(crlRequests - start).toBe(1);
  });

  it('refuses a CRL over CRL_MAX_BYTES and what is not a CRL', async () => {
    const fetcher = new NetworkRevocationFetcher(settings({ CRL_MAX_BYTES: '1024' }));
    expect(await fetcher.crl(`${crlBase}/big.crl`)).toBeUndefined();
    expect(fetcher.problems[0]).toContain('REVOCATION_TOO_LARGE');
    const lenient = new NetworkRevocationFetcher(settings());
    expect(await lenient.crl(`${crlBase}/big.crl`)).toBeUndefined();
    expect(lenient.problems[0]).toContain('CRL_MALFORMED');
    expect(await lenient.crl('file:///etc/passwd')).toBeUndefined();
    expect(lenient.problems[1]).toContain('REVOCATION_URL_REFUSED');
  });
});
