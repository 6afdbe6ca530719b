// The logger's redaction (src/http/logger.ts): a debug line that logs a request's headers and
// body, or a reply's headers, must not carry a password, a session cookie, a CSRF token or a
// bearer token. Real pino output is captured from a Fastify app built with the service's options.
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions, REDACTED } from '../../src/http/logger.js';

const SECRETS = {
  currentPassword: 'old-secret-Pa55word-0001',
  newPassword: 'new-secret-Pa55word-0002',
  password: 'plain-secret-Pa55word-0003',
  cookie: 'docaxis_session=cookie-secret-0004',
  setCookie: 'docaxis_session=set-cookie-secret-0005; Path=/; HttpOnly',
  bearer: 'Bearer bearer-secret-0006',
  csrf: 'csrf-secret-0007',
};

async function capture(log: (req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => void): Promise<string[]> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  const app = Fastify({ loggerInstance: pino({ ...(loggerOptions('debug') as pino.LoggerOptions) }, sink) });
  app.post('/probe', async (_req, reply) => reply.header('set-cookie', SECRETS.setCookie).send({ ok: true }));
  app.addHook('onResponse', async (req, reply) => log(req, reply));
  const res = await app.inject({
    method: 'POST',
    url: '/probe',
    headers: { cookie: SECRETS.cookie, authorization: SECRETS.bearer, 'x-csrf-token': SECRETS.csrf, 'user-agent': 'probe-agent/1.0' },
    payload: { currentPassword: SECRETS.currentPassword, newPassword: SECRETS.newPassword, password: SECRETS.password, username: 'probe.user' },
  });
  expect(res.statusCode).toBe(200);
  await app.close();
  return lines;
}

function expectNoSecret(lines: string[]): void {
  const all = lines.join('\n');
  for (const [name, value] of Object.entries(SECRETS)) {
    // The distinctive part of each secret (cookie values without their name).
    const needle = value.replace(/^docaxis_session=|^Bearer /, '').split(';')[0]!;
    expect(all.includes(needle), `${name} leaked`).toBe(false);
  }
}

describe('logger redaction', () => {
  it('headers of the request and the reply, logged whole, lose their credentials but keep the rest', async () => {
    const lines = await capture((req, reply) => {
      req.log.debug({ headers: req.headers }, 'request headers');
      req.log.debug({ req: { headers: req.headers } }, 'request headers under req');
      req.log.debug({ res: { headers: reply.getHeaders() } }, 'reply headers under res');
      req.log.debug({ reply: { headers: reply.getHeaders() } }, 'reply headers nested');
      req.log.debug(reply.getHeaders() as Record<string, unknown>, 'reply headers at the top');
      req.log.debug({ cookie: req.headers.cookie, authorization: req.headers.authorization }, 'loose header values');
    });
    expectNoSecret(lines);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const headers = parsed.find((l) => l['msg'] === 'request headers')!['headers'] as Record<string, unknown>;
    // Redacted, not dropped: the line still says a cookie was there; the harmless header is kept.
    expect(headers['cookie']).toBe(REDACTED);
    expect(headers['authorization']).toBe(REDACTED);
    expect(headers['x-csrf-token']).toBe(REDACTED);
    expect(headers['user-agent']).toBe('probe-agent/1.0');
    // (`res` goes through Fastify's reply serialiser, which keeps the status code only.)
    const res = parsed.find((l) => l['msg'] === 'reply headers nested')!['reply'] as { headers: Record<string, unknown> };
    expect(res.headers['set-cookie']).toBe(REDACTED);
    expect(res.headers['content-type']).toMatch(/json/);
    expect(parsed.find((l) => l['msg'] === 'reply headers at the top')!['set-cookie']).toBe(REDACTED);
  });

  it('bodies, logged whole or field by field, lose the passwords', async () => {
    const lines = await capture((req) => {
      req.log.debug({ body: req.body }, 'body');
      req.log.debug({ input: req.body }, 'body under another name');
      req.log.debug(req.body as Record<string, unknown>, 'body at the top');
    });
    expectNoSecret(lines);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.find((l) => l['msg'] === 'body')!['body']).toBe(REDACTED);
    const input = parsed.find((l) => l['msg'] === 'body under another name')!['input'] as Record<string, unknown>;
    expect(input).toEqual({ currentPassword: REDACTED, newPassword: REDACTED, password: REDACTED, username: 'probe.user' });
    const top = parsed.find((l) => l['msg'] === 'body at the top')!;
    expect(top['newPassword']).toBe(REDACTED);
    expect(top['username']).toBe('probe.user');
  });
});
