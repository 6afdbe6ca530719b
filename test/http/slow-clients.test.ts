// Slow clients on a real listening socket (issue 10, finding 6): an upload trickling below the
// floor rate is cut with 408 UPLOAD_TOO_SLOW within its grace period; headers or a whole request
// that do not arrive in time get 408 REQUEST_TIMEOUT; 500 stalled uploads declaring 64 MiB each
// are not all held (the caps answer 503 UPLOAD_SLOTS_FULL / 429 UPLOADS_PER_USER_LIMIT with
// Retry-After, at once); and a normal send still works afterwards.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerVerifierPool } from '../../src/pades/verify-pool.js';
import { forEachDatabase, type TestDatabase } from '../support/databases.js';
import { HEALTH_DEPT, PROVINCE, type Harness, metadata, sealedLetter, sendBody, startHarness } from './harness.js';

const MIB = 1024 * 1024;

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: { error?: { code?: string } } | undefined;
  /** ms from the first byte written to the connection's end. */
  ms: number;
}

/** An HTTP request written by hand, so that its pace is ours; resolves with the answer when the server closes. */
class RawRequest {
  readonly socket: Socket;
  readonly answer: Promise<RawAnswer>;
  readonly #started = performance.now();

  constructor(port: number, head: string) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.write(head);
    this.answer = new Promise((resolve) => {
      const chunks: Buffer[] = [];
      this.socket.on('data', (c: Buffer) => chunks.push(c));
      this.socket.on('error', () => undefined); // a reset after the answer changes nothing
      this.socket.on('close', () => resolve(parse(Buffer.concat(chunks).toString('utf8'), performance.now() - this.#started)));
    });
  }

  write(bytes: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Writes `perSecond` bytes a second, in 4 ticks, until the socket closes. */
  trickle(perSecond: number): void {
    const timer = setInterval(() => (this.socket.destroyed ? clearInterval(timer) : this.write(Buffer.alloc(perSecond / 4, 0x41))), 250);
    this.socket.once('close', () => clearInterval(timer));
  }
}

function parse(text: string, ms: number): RawAnswer {
  const [head = '', ...rest] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  let body: RawAnswer['body'];
  try {
    body = JSON.parse(rest.join('\r\n\r\n')) as RawAnswer['body'];
  } catch {
    body = undefined;
  }
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body, ms };
}

function verifyHead(token: string, declared: number): string {
  return `POST /api/v1/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${token}\r\nContent-Type: application/pdf\r\nContent-Length: ${declared}\r\nConnection: close\r\n\r\n`;
}

/** A send whose metadata part is complete and whose file part declares `declared` bytes in all. */
function sendHead(token: string, declared: number): { head: string; preamble: string } {
  const boundary = '----docaxis-slow';
  const preamble =
    `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(metadata())}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="letter.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`;
  return {
    head: `POST /api/v1/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${token}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${declared}\r\n\r\n`,
    preamble,
  };
}

async function listening(t: TestDatabase, env: Record<string, string>): Promise<{ h: Harness; port: number; verifier: WorkerVerifierPool }> {
  const verifier = new WorkerVerifierPool(1);
  const h = await startHarness(t.stores, { verifier, env });
  const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
  return { h, port: Number(new URL(address).port), verifier };
}

async function normalSend(h: Harness, port: number, pdf: Uint8Array): Promise<number> {
  const { payload, headers } = sendBody(metadata({ recipients: [HEALTH_DEPT] }), pdf);
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/documents`, { method: 'POST', headers: { ...headers, authorization: h.tokens.clerk(PROVINCE) }, body: payload });
  return res.status;
}

// One database per block: each seeds the demo province.
forEachDatabase(
  'slow clients: a floor rate, and the server timeouts',
  (t) => {
    describe('on a listening socket', () => {
      let s: Awaited<ReturnType<typeof listening>>;
      beforeAll(async () => {
        // Grace 2 s at 8 KiB/s; headers within 1 s; a whole request within 6 s.
        s = await listening(t, { UPLOAD_GRACE_SECONDS: '2', UPLOAD_MIN_BYTES_PER_SECOND: '8192', HTTP_HEADERS_TIMEOUT_SECONDS: '1', HTTP_REQUEST_TIMEOUT_SECONDS: '6' });
      });
      afterAll(async () => {
        await s.h.app.close();
        await s.verifier.close();
      });

      it('cuts a 1 KB/s raw upload to POST /verify with 408 UPLOAD_TOO_SLOW within its grace period', async () => {
        const r = new RawRequest(s.port, verifyHead(s.h.tokens.clerk(PROVINCE), 64 * MIB));
        r.trickle(1024);
        const a = await r.answer;
        expect(a.status).toBe(408);
        expect(a.body?.error?.code).toBe('UPLOAD_TOO_SLOW');
        expect(a.headers['connection']).toBe('close');
        expect(a.ms).toBeGreaterThan(1900);
        expect(a.ms).toBeLessThan(4500);
      });

      it('cuts a 1 KB/s file part of a send (POST /documents) the same way, and logs it without content', async () => {
        const { head, preamble } = sendHead(s.h.tokens.clerk(PROVINCE), 64 * MIB);
        const r = new RawRequest(s.port, head + preamble);
        r.trickle(1024);
        const a = await r.answer;
        expect(a.body?.error?.code).toBe('UPLOAD_TOO_SLOW');
        expect(a.status).toBe(408);
        expect(a.ms).toBeLessThan(4500);
        expect(s.h.logLines().some((l) => l.includes('slow upload cut') && l.includes('UPLOAD_TOO_SLOW'))).toBe(true);
      });

      it('lets an upload above the floor through, past the grace period, with its verdict', async () => {
        const pdf = Buffer.from(await sealedLetter());
        // The letter in 10 pieces, one per 250 ms: 2.5 s, past the grace period.
        const piece = Math.ceil(pdf.length / 10);
        expect(piece * 4).toBeGreaterThan(8192 * 1.5); // well above the floor
        const r = new RawRequest(s.port, verifyHead(s.h.tokens.clerk(PROVINCE), pdf.length));
        for (let at = 0; at < pdf.length; at += piece) {
          r.write(pdf.subarray(at, at + piece));
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        const a = await r.answer;
        expect(a.status).toBe(200);
        expect(a.ms).toBeGreaterThan(2200);
      });

      it('answers headers that never end with 408 REQUEST_TIMEOUT (HTTP_HEADERS_TIMEOUT_SECONDS)', async () => {
        const r = new RawRequest(s.port, 'POST /api/v1/verify HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        const timer = setInterval(() => r.write('X-Slow: 1\r\n'), 200);
        const a = await r.answer;
        clearInterval(timer);
        expect(a.status).toBe(408);
        expect(a.body?.error?.code).toBe('REQUEST_TIMEOUT');
        expect(a.ms).toBeLessThan(3500);
      });

      it('answers a request whose body is still arriving after HTTP_REQUEST_TIMEOUT_SECONDS with 408, even above the floor', async () => {
        const r = new RawRequest(s.port, verifyHead(s.h.tokens.clerk(PROVINCE), 64 * MIB));
        r.trickle(16 * 1024); // above the floor: only the request deadline cuts it
        const a = await r.answer;
        expect(a.status).toBe(408);
        expect(a.body?.error?.code).toBe('REQUEST_TIMEOUT');
        expect(a.ms).toBeGreaterThan(5500);
        expect(a.ms).toBeLessThan(9000);
      });
    });
  },
  { only: ['pglite'] },
);

forEachDatabase(
  'slow clients: 500 stalled uploads declaring 64 MiB each',
  (t) => {
    describe('on a listening socket', () => {
      let s: Awaited<ReturnType<typeof listening>>;
      beforeAll(async () => {
        s = await listening(t, { UPLOADS_TOTAL: '32', UPLOADS_PER_USER: '1000', UPLOAD_GRACE_SECONDS: '600' });
      });
      afterAll(async () => {
        await s.h.app.close();
        await s.verifier.close();
      });

      it('holds at most UPLOADS_TOTAL: the rest are refused at once with 503 UPLOAD_SLOTS_FULL and Retry-After; once the held ones go, a send works', async () => {
        const token = s.h.tokens.clerk(PROVINCE);
        const stalled = Array.from({ length: 500 }, (_, i) => {
          const { head, preamble } = sendHead(token, 64 * MIB);
          return new RawRequest(s.port, i % 2 === 0 ? head + preamble : verifyHead(token, 64 * MIB));
        });
        const answered: RawAnswer[] = [];
        for (const r of stalled) void r.answer.then((a) => answered.push(a));
        // Every request over the cap is answered without waiting for its body (each one costs a
        // token lookup first: on a loaded machine that is what takes the time).
        const deadline = performance.now() + 150_000;
        while (answered.length < 468 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(answered.length).toBe(468);
        for (const a of answered) {
          expect(a.status).toBe(503);
          expect(a.body?.error?.code).toBe('UPLOAD_SLOTS_FULL');
          expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
        }
        // The 32 held are still open (their grace period is long here); a new upload is refused too.
        expect(stalled.filter((r) => !r.socket.destroyed)).toHaveLength(32);
        expect(await normalSend(s.h, s.port, await sealedLetter())).toBe(503);
        // The clients give up: the slots come back.
        for (const r of stalled) r.socket.destroy();
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(await normalSend(s.h, s.port, await sealedLetter())).toBe(201);
      }, 180_000);
    });
  },
  { only: ['pglite'] },
);

forEachDatabase(
  'slow clients: a cap per user',
  (t) => {
    describe('on a listening socket', () => {
      let s: Awaited<ReturnType<typeof listening>>;
      beforeAll(async () => {
        s = await listening(t, { UPLOADS_PER_USER: '2', UPLOADS_TOTAL: '32', UPLOAD_GRACE_SECONDS: '30' });
      });
      afterAll(async () => {
        await s.h.app.close();
        await s.verifier.close();
      });

      it('refuses a user’s third upload in progress with 429 UPLOADS_PER_USER_LIMIT, not another user’s; a slot comes back when an upload ends', async () => {
        const mine = s.h.tokens.clerk(PROVINCE);
        const held = [new RawRequest(s.port, verifyHead(mine, 64 * MIB)), new RawRequest(s.port, verifyHead(mine, 64 * MIB))];
        await new Promise((resolve) => setTimeout(resolve, 300)); // their headers are in
        const third = await new RawRequest(s.port, verifyHead(mine, 64 * MIB)).answer;
        expect(third.status).toBe(429);
        expect(third.body?.error?.code).toBe('UPLOADS_PER_USER_LIMIT');
        expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
        // Another clerk is not affected.
        const pdf = await sealedLetter();
        const other = await fetch(`http://127.0.0.1:${s.port}/api/v1/verify`, { method: 'POST', headers: { authorization: s.h.tokens.clerk(HEALTH_DEPT), 'content-type': 'application/pdf' }, body: Buffer.from(pdf) });
        expect(other.status).toBe(200);
        // One of mine ends (the client gives up): its slot is free again.
        held[0]!.socket.destroy();
        await held[0]!.answer;
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(await normalSend(s.h, s.port, pdf)).toBe(201);
        held[1]!.socket.destroy();
      });
    });
  },
  { only: ['pglite'] },
);
