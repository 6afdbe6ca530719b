// The CSC client against the TEST-ONLY CSC server, in both request shapes (v1 as MySign-style
// services speak it, v2): the SAD is bound to the hashes it was authorized for and is single use
// (a replay is refused by the server; our client never reuses one), transport failures are retried
// and then reported as CSC_PROVIDER_UNAVAILABLE, 4xx answers are never retried, and the service
// token is fetched once and reused.
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CscClient } from '../../src/csc/client.js';
import { startCscTestServer, type CscTestServer } from '../../src/csc/test-server.js';
import { isDocaxisError } from '../../src/errors.js';
import { loadPkcs12 } from '../../src/pki/pkcs12.js';
import { X509Certificate, verify } from 'node:crypto';
import { fixture, P12_PASSWORD } from '../support/fixtures.js';

let server: CscTestServer;
beforeAll(async () => {
  const an = loadPkcs12(fixture('signer-nguyen-van-an.p12'), P12_PASSWORD);
  server = await startCscTestServer({ credentials: [{ userId: 'u1', credentialId: 'c1', key: an, authMode: 'explicit' }] });
});
afterAll(async () => server?.close());

const client = (version: 'v1' | 'v2', extra: Partial<ConstructorParameters<typeof CscClient>[0]> = {}) =>
  new CscClient({ baseUrl: server.baseUrl(version), apiVersion: version, tokenUrl: server.tokenUrl, clientId: server.clientId, clientSecret: server.clientSecret, backoffMs: 10, ...extra });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isDocaxisError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a refusal');
}

const digest = (s: string) => createHash('sha256').update(s).digest('base64');

describe.each(['v1', 'v2'] as const)('CSC client, API %s', (version) => {
  it('info, list, credential info with the chain, SCAL2 and OTP', async () => {
    const c = client(version);
    expect((await c.info()).specs).toBe(version === 'v2' ? '2.0.0.2' : '1.0.4.0');
    expect(await c.listCredentials('u1')).toEqual(['c1']);
    const info = await c.credentialInfo('c1');
    expect(info).toMatchObject({ scal: '2', authMode: 'explicit', otp: true, keyStatus: 'enabled' });
    expect(new X509Certificate(info.certificates[0]!).subject).toContain('Nguyễn Văn An');
    expect(await codeOf(c.credentialInfo('nope'))).toBe('CSC_CREDENTIAL_NOT_FOUND');
  });

  it('authorize with the OTP, sign the bound hash; the signature verifies; a replayed SAD and an unbound hash are refused', async () => {
    const c = client(version);
    const info = await c.credentialInfo('c1');
    const hash = digest(`doc-${version}`);
    expect(await codeOf(c.authorize({ credentialId: 'c1', hashes: [hash], otp: '123456' }))).toBe('CSC_INVALID_OTP');
    await c.sendOtp('c1');
    const { sad } = await c.authorize({ credentialId: 'c1', hashes: [hash], otp: server.lastOtp('c1')! });
    expect(await codeOf(c.signHash({ credentialId: 'c1', sad, hashes: [digest('other')], keyAlgorithm: 'rsa' }))).toBe('CSC_SAD_EXPIRED');
    const signed = await c.signHash({ credentialId: 'c1', sad, hashes: [hash], keyAlgorithm: 'rsa' });
    expect(signed.kind).toBe('signed');
    const sig = (signed as { signatures: Uint8Array[] }).signatures[0]!;
    // An independent check: node's verify of PKCS#1 v1.5 over `doc-v*` with the certificate's key.
    expect(verify('sha256', Buffer.from(`doc-${version}`), new X509Certificate(info.certificates[0]!).publicKey, sig)).toBe(true);
    expect(await codeOf(c.signHash({ credentialId: 'c1', sad, hashes: [hash], keyAlgorithm: 'rsa' }))).toBe('CSC_SAD_EXPIRED');
  });
});

describe('CSC client transport', () => {
  it('fetches the service token once and reuses it until it expires', async () => {
    const c = client('v2');
    const before = server.log.filter((l) => l.endpoint.includes('oauth2/token')).length;
    await c.listCredentials('u1');
    await c.listCredentials('u1');
    await c.credentialInfo('c1');
    expect(server.log.filter((l) => l.endpoint.includes('oauth2/token')).length - before).toBe(1);
  });

  it('a wrong client secret: CSC_PROVIDER_AUTH_FAILED', async () => {
    expect(await codeOf(client('v2', { clientSecret: 'wrong' }).listCredentials('u1'))).toBe('CSC_PROVIDER_AUTH_FAILED');
  });

  it('nothing listening: tried 1 + retries times, then CSC_PROVIDER_UNAVAILABLE', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const down = new CscClient({ baseUrl: `http://127.0.0.1:${port}/csc/v2`, apiVersion: 'v2', tokenUrl: `http://127.0.0.1:${port}/oauth2/token`, clientId: 'x', clientSecret: 'y', retries: 2, backoffMs: 5, fetch: counting });
    expect(await codeOf(down.info())).toBe('CSC_PROVIDER_UNAVAILABLE');
    expect(calls).toBe(3);
  });

  it('v1 has no asynchronous signHash', async () => {
    expect(await codeOf(client('v1').signHash({ credentialId: 'c1', sad: 'x', hashes: [digest('a')], keyAlgorithm: 'rsa', async: {} }))).toBe('CSC_PROVIDER_INVALID');
  });
});
