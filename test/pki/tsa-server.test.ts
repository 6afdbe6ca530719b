import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocaxisError } from '../../src/errors.js';
import { startTsaServer } from '../../src/http/tsa-server.js';
import { buildTimestampRequest, verifyTimestampToken } from '../../src/pki/timestamp.js';
import { requestTimestamp } from '../../src/pki/tsa-client.js';
import { TimestampAuthority } from '../../src/pki/tsa-responder.js';
import { identityNamed, intermediateDer } from './cms-test-pki.js';

const tsaId = identityNamed('tsa');
const authority = new TimestampAuthority({ certificate: tsaId.certDer, privateKey: tsaId.key, chain: [intermediateDer()] });
let server: Awaited<ReturnType<typeof startTsaServer>>;

beforeAll(async () => {
  server = await startTsaServer(authority, { port: 0, maxRequestBytes: 1024 });
});
afterAll(async () => {
  await server.close();
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DocaxisError);
    return (e as DocaxisError).code;
  }
  return 'no error';
}

/** A throwaway HTTP server with a custom handler, for misbehaving-TSA cases. */
async function fakeTsa(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const s = createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/`, server: s };
}
const closeFake = (s: Server): Promise<void> =>
  new Promise((r) => {
    s.closeAllConnections();
    s.close(() => r());
  });

describe('startTsaServer + requestTimestamp over a real socket', () => {
  it('listens on 127.0.0.1 with an ephemeral port', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
  });

  it('issues a token the client checks and returns', async () => {
    const data = randomBytes(1000);
    for (const digest of ['sha256', 'sha384', 'sha512'] as const) {
      const token = await requestTimestamp(server.url, { data, digest });
      const check = verifyTimestampToken(token, data);
      expect(check.errors).toEqual([]);
      expect(check.imprintMatches && check.signatureValid).toBe(true);
      expect(check.info.imprintAlgorithm).toBe(digest);
    }
  });

  it('405 for GET, 415 for a wrong content type, 413 over the limit', async () => {
    const get = await fetch(server.url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const wrongType = await fetch(server.url, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hello' });
    expect(wrongType.status).toBe(415);
    const big = await fetch(server.url, { method: 'POST', headers: { 'Content-Type': 'application/timestamp-query' }, body: new Uint8Array(5000) });
    expect(big.status).toBe(413);
    // The server keeps working afterwards.
    expect((await requestTimestamp(server.url, { data: Buffer.from('x'), digest: 'sha256' })).length).toBeGreaterThan(1000);
  });

  it('bad requests get a 200 rejection reply, which the raw HTTP client sees', async () => {
    const r = await fetch(server.url, { method: 'POST', headers: { 'Content-Type': 'application/timestamp-query' }, body: Buffer.from('junk') });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/timestamp-reply');
    expect(Buffer.from(await r.arrayBuffer())[4]).toBe(0x02); // PKIStatus rejection
  });
});

describe('requestTimestamp failure modes', () => {
  it('TSA_UNREACHABLE: closed port, bad URL, HTTP error, timeout', async () => {
    const closed = await fakeTsa((_q, s) => s.end());
    await closeFake(closed.server);
    expect(await code(requestTimestamp(closed.url, { data: Buffer.from('x'), digest: 'sha256' }))).toBe('TSA_UNREACHABLE');
    expect(await code(requestTimestamp('not a url', { data: Buffer.from('x'), digest: 'sha256' }))).toBe('TSA_UNREACHABLE');
    expect(await code(requestTimestamp('ftp://127.0.0.1/', { data: Buffer.from('x'), digest: 'sha256' }))).toBe('TSA_UNREACHABLE');

    const err = await fakeTsa((_q, s) => {
      s.writeHead(503);
      s.end();
    });
    expect(await code(requestTimestamp(err.url, { data: Buffer.from('x'), digest: 'sha256' }))).toBe('TSA_UNREACHABLE');
    await closeFake(err.server);

    const silent = await fakeTsa(() => undefined);
    const started = Date.now();
    expect(await code(requestTimestamp(silent.url, { data: Buffer.from('x'), digest: 'sha256', timeoutMs: 300 }))).toBe('TSA_UNREACHABLE');
    expect(Date.now() - started).toBeLessThan(5000);
    await closeFake(silent.server);
  });

  it('TSA_BAD_RESPONSE: wrong content type or garbage body', async () => {
    const html = await fakeTsa((_q, s) => {
      s.writeHead(200, { 'Content-Type': 'text/html' });
      s.end('<html></html>');
    });
    expect(await code(requestTimestamp(html.url, { data: Buffer.from('x'), digest: 'sha256' }))).toBe('TSA_BAD_RESPONSE');
    await closeFake(html.server);
    const junk = await fakeTsa((_q, s) => {
      s.writeHead(200, { 'Content-Type': 'application/timestamp-reply' });
      s.end('junk');
    });
    expect(await code(requestTimestamp(junk.url, { data: Buffer.from('x'), digest: 'sha256' }))).toBe('TSA_BAD_RESPONSE');
    await closeFake(junk.server);
  });

  it('TSA_REJECTED passes the rejection through; TIMESTAMP_INVALID for a replayed reply', async () => {
    const rejecting = await fakeTsa((q, s) => {
      q.resume();
      q.on('end', () => {
        void authority.respond(Buffer.from('not a request')).then((reply) => {
          s.writeHead(200, { 'Content-Type': 'application/timestamp-reply' });
          s.end(reply);
        });
      });
    });
    expect(await code(requestTimestamp(rejecting.url, { data: Buffer.from('x'), digest: 'sha256' }))).toBe('TSA_REJECTED');
    await closeFake(rejecting.server);

    // A TSA that replays an old reply (other nonce, other imprint) must not be believed.
    const old = buildTimestampRequest({ data: Buffer.from('old'), digest: 'sha256' });
    const stale = await authority.respond(old.der);
    const replaying = await fakeTsa((q, s) => {
      q.resume();
      q.on('end', () => {
        s.writeHead(200, { 'Content-Type': 'application/timestamp-reply' });
        s.end(stale);
      });
    });
    expect(await code(requestTimestamp(replaying.url, { data: Buffer.from('new'), digest: 'sha256' }))).toBe('TIMESTAMP_INVALID');
    expect(await code(requestTimestamp(replaying.url, { imprint: old.imprint, digest: 'sha256' }))).toBe('TIMESTAMP_INVALID'); // same imprint, other nonce
    await closeFake(replaying.server);
  });
});
