// The OCSP client against our TEST-ONLY responder on a loopback socket: every answer a real
// responder can give (good, revoked, unknown, errors) and every way it can be wrong (stale, wrong
// responder, bad nonce, down, slow, oversize, redirect), with openssl as an independent oracle for
// the request and the response bytes.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DocaxisError } from '../../src/errors.js';
import { type OcspServer, startOcspServer } from '../../src/http/ocsp-server.js';
import { validateChain } from '../../src/pki/chain.js';
import { type ChainCert, parseChainCert } from '../../src/pki/chain-cert.js';
import { OcspCache, type OcspClientSettings, ocspStatusOrUnknown, queryOcsp } from '../../src/pki/ocsp-client.js';
import { buildOcspRequest, ocspGetUrl, parseOcspRequest } from '../../src/pki/ocsp-request.js';
import { type CertStatusEntry, OcspResponder, errorResponse } from '../../src/pki/ocsp-responder.js';
import { checkOcspRevocationOf, parseOcspResponse } from '../../src/pki/ocsp.js';
import { OID } from '../../src/pki/oids.js';
import { isNonPublicAddress } from '../../src/pki/revocation-http.js';
import { type OcspPki, makeOcspPki, toPem } from './ocsp-test-pki.js';

const run = promisify(execFile);
const LOOPBACK: Partial<OcspClientSettings> = { allowPrivateAddresses: true, timeoutMs: 5000 };

let pki: OcspPki;
let leaf: ChainCert;
let root: ChainCert;
let responder: OcspResponder;
let server: OcspServer;
const statuses = new Map<string, CertStatusEntry>();

beforeAll(async () => {
  pki = await makeOcspPki();
  leaf = parseChainCert(pki.leaf.der);
  root = parseChainCert(pki.root.der);
  responder = new OcspResponder({ issuers: [pki.root.der], signerCertificate: pki.responder.der, signerKey: pki.responder.privateKey, statuses });
  server = await startOcspServer(responder, { port: 0 });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

beforeEach(() => {
  statuses.clear();
  responder.misbehave = {};
  responder.requestCount = 0;
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return e instanceof DocaxisError ? e.code : `not a DocaxisError: ${String(e)}`;
  }
  return 'no error';
}

const query = (settings: Partial<OcspClientSettings> = {}, url = server.url) => queryOcsp({ url, cert: leaf, issuer: root, settings: { ...LOOPBACK, ...settings } });

describe('OCSP request', () => {
  it('carries the CertID of RFC 6960 (SHA-1 and SHA-256) and a 32-byte nonce, read back by our parser', () => {
    for (const hash of ['sha1', 'sha256'] as const) {
      const built = buildOcspRequest(pki.leaf.der, pki.root.der, { hash, nonce: true });
      const read = parseOcspRequest(built.der);
      expect(read.certIds).toHaveLength(1);
      expect(read.certIds[0]!.serialHex).toBe(leaf.serialHex);
      expect(Buffer.from(read.certIds[0]!.issuerKeyHash)).toEqual(Buffer.from(built.certId.issuerKeyHash));
      expect(read.certIds[0]!.issuerKeyHash).toHaveLength(hash === 'sha1' ? 20 : 32);
      expect(built.nonce).toHaveLength(32);
      expect(Buffer.from(read.nonce!)).toEqual(Buffer.from(built.nonce!));
    }
    const a = buildOcspRequest(pki.leaf.der, pki.root.der, { nonce: true });
    const b = buildOcspRequest(pki.leaf.der, pki.root.der, { nonce: true });
    expect(Buffer.from(a.nonce!).equals(b.nonce!)).toBe(false);
    expect(parseOcspRequest(buildOcspRequest(pki.leaf.der, pki.root.der).der).nonce).toBeUndefined();
  });

  it('GET form: the base64 of the DER, percent-encoded, after the responder URL', () => {
    const der = buildOcspRequest(pki.leaf.der, pki.root.der, { nonce: true }).der;
    const url = ocspGetUrl('http://ocsp.example/', der);
    const tail = url.slice('http://ocsp.example/'.length);
    expect(tail).not.toMatch(/[+/=]/);
    expect(Buffer.from(decodeURIComponent(tail), 'base64')).toEqual(Buffer.from(der));
    expect(ocspGetUrl('http://ocsp.example', der)).toBe(url);
  });
});

describe('OCSP answers', () => {
  it('good: a signed, fresh answer by the delegated responder, nonce echoed', async () => {
    const answer = await query();
    expect(answer.status.status).toBe('good');
    expect(answer.status.detail).toContain('id-pkix-ocsp-nocheck');
    expect(answer.fromCache).toBe(false);
    expect(answer.response.nonce).toHaveLength(32);
  });

  it('revoked, with its time and reason', async () => {
    statuses.set(leaf.serialHex, { status: 'revoked', revokedAt: new Date('2025-03-01T00:00:00Z'), reason: 'keyCompromise' });
    const answer = await query();
    expect(answer.status).toMatchObject({ status: 'revoked', reason: 'keyCompromise', revokedAt: new Date('2025-03-01T00:00:00Z') });
  });

  it('unknown: the responder does not know the certificate', async () => {
    statuses.set(leaf.serialHex, { status: 'unknown' });
    const answer = await query();
    expect(answer.status.status).toBe('unknown');
    expect(answer.status.detail).toContain('does not know');
  });

  it('a certificate of a CA the responder does not serve: its answer (unknown) is not trusted for that CA', async () => {
    const rogueLeaf = parseChainCert(pki.rogueResponder.der);
    const rogueRoot = parseChainCert(pki.rogueRoot.der);
    const r = await ocspStatusOrUnknown({ url: server.url, cert: rogueLeaf, issuer: rogueRoot, settings: LOOPBACK });
    expect('error' in r && r.error.code).toBe('OCSP_BAD_RESPONSE');
    expect(r.status.status).toBe('unknown');
    expect(responder.requestCount).toBe(1);
  });
});

describe('the test responder', () => {
  it('answers a SHA-256 CertID in kind, and a GET request (RFC 6960 A.1) like a POST', async () => {
    const built = buildOcspRequest(pki.leaf.der, pki.root.der, { hash: 'sha256', nonce: true });
    const viaGet = await fetch(ocspGetUrl(server.url, built.der));
    expect(viaGet.status).toBe(200);
    expect(viaGet.headers.get('content-type')).toBe('application/ocsp-response');
    const parsed = parseOcspResponse(new Uint8Array(await viaGet.arrayBuffer()));
    expect(parsed.responses[0]!.certId.hashAlgorithmOid).toBe(OID.sha256);
    expect(Buffer.from(parsed.responses[0]!.certId.issuerKeyHash)).toEqual(Buffer.from(built.certId.issuerKeyHash));
    expect(parsed.responses[0]!.status).toBe('good');
    expect(Buffer.from(parsed.nonce as Uint8Array)).toEqual(Buffer.from(built.nonce!));
    expect(checkOcspRevocationOf(leaf, root, [parsed], new Date()).status).toBe('good');
  });

  it('answers malformedRequest to garbage, and refuses other methods and types', async () => {
    const garbage = await fetch(server.url, { method: 'POST', headers: { 'Content-Type': 'application/ocsp-request' }, body: 'not DER' });
    expect(garbage.status).toBe(200);
    expect(Buffer.from(await garbage.arrayBuffer())).toEqual(Buffer.from(errorResponse('malformedRequest')));
    expect((await fetch(server.url, { method: 'PUT', body: 'x' })).status).toBe(405);
    expect((await fetch(server.url, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' })).status).toBe(415);
  });
});

describe('OCSP answers that are refused', () => {
  it('stale (nextUpdate passed), and never good through ocspStatusOrUnknown', async () => {
    responder.misbehave = { stale: true };
    expect(await codeOf(query())).toBe('OCSP_BAD_RESPONSE');
    const r = await ocspStatusOrUnknown({ url: server.url, cert: leaf, issuer: root, settings: LOOPBACK });
    expect(r.status.status).toBe('unknown');
    expect(r.status.detail).toMatch(/stale/);
  });

  it('thisUpdate in the future beyond the skew', async () => {
    responder.misbehave = { futureThisUpdate: true };
    expect(await codeOf(query())).toBe('OCSP_BAD_RESPONSE');
  });

  it('no nextUpdate: accepted within OCSP_MAX_AGE_HOURS, refused past it', async () => {
    responder.misbehave = { noNextUpdate: true };
    expect((await query({ maxAgeHours: 24 })).status.status).toBe('good');
    const later = () => new Date(Date.now() + 25 * 3600 * 1000);
    expect(await codeOf(queryOcsp({ url: server.url, cert: leaf, issuer: root, settings: { ...LOOPBACK, maxAgeHours: 24 }, clock: later }))).toBe('OCSP_BAD_RESPONSE');
  });

  it('wrong responder: signed by a key the CA never certified', async () => {
    responder.misbehave = { wrongResponder: true };
    const r = await ocspStatusOrUnknown({ url: server.url, cert: leaf, issuer: root, settings: LOOPBACK });
    expect('error' in r && r.error.code).toBe('OCSP_BAD_RESPONSE');
    expect(r.status.status).toBe('unknown');
    expect(r.status.detail).toMatch(/untrusted responder/);
  });

  it('bad nonce, and a missing nonce unless nonces are off (OCSP_NONCE=off)', async () => {
    responder.misbehave = { badNonce: true };
    expect(await codeOf(query())).toBe('OCSP_BAD_RESPONSE');
    responder.misbehave = { dropNonce: true };
    expect(await codeOf(query())).toBe('OCSP_BAD_RESPONSE');
    expect((await query({ nonce: false })).status.status).toBe('good');
  });

  it('responder errors map to catalogue codes', async () => {
    const cases = [
      ['tryLater', 'OCSP_TRY_LATER'],
      ['internalError', 'OCSP_RESPONDER_ERROR'],
      ['malformedRequest', 'OCSP_REQUEST_REFUSED'],
      ['unauthorized', 'OCSP_REQUEST_REFUSED'],
      ['sigRequired', 'OCSP_REQUEST_REFUSED'],
    ] as const;
    for (const [status, code] of cases) {
      responder.misbehave = { status };
      expect(await codeOf(query())).toBe(code);
    }
  });

  it('responder down or slow: REVOCATION_UNREACHABLE, and the chain stays revocation-unknown (TRY_LATER), never valid', async () => {
    const down = await startOcspServer(responder, { port: 0 });
    const url = down.url;
    await down.close();
    expect(await codeOf(query({}, url))).toBe('REVOCATION_UNREACHABLE');
    responder.misbehave = { delayMs: 1500 };
    const started = process.hrtime.bigint();
    expect(await codeOf(query({ timeoutMs: 200 }))).toBe('REVOCATION_UNREACHABLE');
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1400);

    const r = await ocspStatusOrUnknown({ url, cert: leaf, issuer: root, settings: LOOPBACK });
    expect(r.status.status).toBe('unknown');
    const fetched = 'der' in r ? [r.der] : [];
    const chain = validateChain({ leaf: pki.leaf.der, candidates: [], trustAnchors: [pki.root.der], ocspResponses: fetched, at: new Date(), purpose: 'document-signing', requireRevocation: true, checkRevocation: true });
    expect(chain.status).toBe('revocation-unknown');
  });

  it('a good fetched answer satisfies --require-revocation in path validation', async () => {
    const answer = await query();
    const chain = validateChain({ leaf: pki.leaf.der, candidates: [], trustAnchors: [pki.root.der], ocspResponses: [answer.der], at: new Date(), purpose: 'document-signing', requireRevocation: true });
    expect(chain.status).toBe('valid');
    expect(chain.revocation[0]).toMatchObject({ status: 'good', source: 'ocsp', origin: 'given' });
  });

  it('oversize body, a redirect, and non-http URLs are refused', async () => {
    const base = server.url.replace(/\/ocsp$/, '');
    expect(await codeOf(query({}, `${base}/oversize`))).toBe('REVOCATION_TOO_LARGE');
    expect(await codeOf(query({}, `${base}/redirect`))).toBe('REVOCATION_URL_REFUSED');
    expect(await codeOf(query({ timeoutMs: 300 }, `${base}/stall`))).toBe('REVOCATION_UNREACHABLE');
    for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/ocsp', 'ldap://127.0.0.1/cn=x', 'not a url', `http://user:pw@127.0.0.1:${server.port}/ocsp`]) {
      expect(await codeOf(query({}, url))).toBe('REVOCATION_URL_REFUSED');
    }
    expect(responder.requestCount).toBe(0);
  });
});

describe('OCSP cache and address guard', () => {
  it('one request for two checks of the same certificate; honours nextUpdate', async () => {
    const cache = new OcspCache();
    const first = await queryOcsp({ url: server.url, cert: leaf, issuer: root, settings: LOOPBACK, cache });
    const second = await queryOcsp({ url: server.url, cert: leaf, issuer: root, settings: LOOPBACK, cache });
    expect(first.fromCache).toBe(false);
    expect(second.fromCache).toBe(true);
    expect(second.status.status).toBe('good');
    expect(responder.requestCount).toBe(1);
    // Past the response's nextUpdate (one hour), the cache does not answer.
    const later = () => new Date(Date.now() + 2 * 3600 * 1000);
    expect(await codeOf(queryOcsp({ url: server.url, cert: leaf, issuer: root, settings: LOOPBACK, cache, clock: later }))).toBe('OCSP_BAD_RESPONSE');
    expect(responder.requestCount).toBe(2);
  });

  it('is bounded: the oldest entry goes first', async () => {
    const cache = new OcspCache(1);
    await queryOcsp({ url: server.url, cert: leaf, issuer: root, settings: LOOPBACK, cache });
    await queryOcsp({ url: server.url, cert: parseChainCert(pki.responderNoEku.der), issuer: root, settings: LOOPBACK, cache });
    expect(cache.size).toBe(1);
    await queryOcsp({ url: server.url, cert: leaf, issuer: root, settings: LOOPBACK, cache });
    expect(responder.requestCount).toBe(3);
  });

  it('refuses loopback (by address and by name) unless allowed, before connecting', async () => {
    expect(await codeOf(query({ allowPrivateAddresses: false }))).toBe('REVOCATION_URL_REFUSED');
    expect(await codeOf(query({ allowPrivateAddresses: false }, `http://localhost:${server.port}/ocsp`))).toBe('REVOCATION_URL_REFUSED');
    expect(await codeOf(query({ allowPrivateAddresses: false }, `http://[::ffff:127.0.0.1]:${server.port}/ocsp`))).toBe('REVOCATION_URL_REFUSED');
    // Other spellings of loopback: decimal, hex, short forms (the URL parser normalises them first).
    for (const host of ['2130706433', '0x7f.1', '127.1', '[::1]', '0']) {
      expect(await codeOf(query({ allowPrivateAddresses: false }, `http://${host}:${server.port}/ocsp`)), host).toBe('REVOCATION_URL_REFUSED');
    }
    expect(responder.requestCount).toBe(0);
    expect((await query({ allowPrivateAddresses: true }, `http://localhost:${server.port}/ocsp`)).status.status).toBe('good');
  });

  it('classifies addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:10.0.0.1', 'not-an-ip']) {
      expect(isNonPublicAddress(a), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '172.32.0.1', '203.162.4.190', '2001:4860:4860::8888', '::ffff:8.8.8.8']) {
      expect(isNonPublicAddress(a), a).toBe(false);
    }
  });
});

describe('openssl as an independent oracle', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'docaxis-ocsp-'));
    writeFileSync(join(dir, 'root.pem'), toPem(pki.root.der));
    writeFileSync(join(dir, 'leaf.pem'), toPem(pki.leaf.der));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads our request: the serial, the issuer key hash and the nonce', async () => {
    const built = buildOcspRequest(pki.leaf.der, pki.root.der, { nonce: true });
    writeFileSync(join(dir, 'req.der'), built.der);
    const { stdout } = await run('openssl', ['ocsp', '-reqin', join(dir, 'req.der'), '-req_text']);
    expect(stdout).toContain('Hash Algorithm: sha1');
    expect(stdout.replace(/[\s:]/g, '').toLowerCase()).toContain(Buffer.from(built.certId.issuerKeyHash).toString('hex'));
    expect(stdout).toMatch(new RegExp(`Serial Number: ${leaf.serialHex.toUpperCase().replace(/^0+/, '')}`, 'i'));
    expect(stdout).toContain('OCSP Nonce');
    expect(stdout.replace(/[\s:]/g, '').toLowerCase()).toContain(Buffer.from(built.nonce!).toString('hex'));
  });

  it('asks our responder and verifies its answer (delegated responder chained to the root)', async () => {
    statuses.set(leaf.serialHex, { status: 'revoked', revokedAt: new Date('2025-03-01T00:00:00Z'), reason: 'keyCompromise' });
    const { stdout, stderr } = await run('openssl', ['ocsp', '-issuer', join(dir, 'root.pem'), '-cert', join(dir, 'leaf.pem'), '-url', server.url, '-CAfile', join(dir, 'root.pem'), '-resp_text']);
    expect(stderr).toContain('Response verify OK');
    expect(stdout).toContain(`${join(dir, 'leaf.pem')}: revoked`);
    expect(stdout).toContain('Reason: keyCompromise');
    expect(stdout).toContain('OCSP Nonce');
    statuses.clear();
    const good = await run('openssl', ['ocsp', '-issuer', join(dir, 'root.pem'), '-cert', join(dir, 'leaf.pem'), '-url', server.url, '-CAfile', join(dir, 'root.pem')]);
    expect(good.stdout).toContain(`${join(dir, 'leaf.pem')}: good`);
  });

  it('refuses the wrong responder and notices the bad nonce', async () => {
    responder.misbehave = { wrongResponder: true };
    const wrong = await run('openssl', ['ocsp', '-issuer', join(dir, 'root.pem'), '-cert', join(dir, 'leaf.pem'), '-url', server.url, '-CAfile', join(dir, 'root.pem')]).catch((e: { stderr: string }) => e);
    expect(wrong.stderr).toMatch(/Response Verify Failure|signer certificate not found/i);
    responder.misbehave = { badNonce: true };
    const bad = await run('openssl', ['ocsp', '-issuer', join(dir, 'root.pem'), '-cert', join(dir, 'leaf.pem'), '-url', server.url, '-CAfile', join(dir, 'root.pem')]).catch((e: { stderr: string }) => e);
    expect(bad.stderr).toMatch(/nonce verify error/i);
  });
});
