// Live events across two service instances on one database: a send or a status change through
// instance A reaches, on instance B's GET /api/v1/events, the clerks of the agencies concerned and
// nobody else; the count on the stream agrees with GET /inbox/count on both instances; streams are
// capped per user and in total (429), only clerks may open one, and B's close() ends its streams
// instead of hanging on them. On PostgreSQL the instances have their own pools and listening
// connections (LISTEN/NOTIFY between them); on PGlite they share the one embedded database.
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createStores } from '../../src/db/create-stores.js';
import { seedDemoProvince, type SeededUser } from '../../src/exchange/seed-demo.js';
import { buildApp } from '../../src/http/app.js';
import { forEachDatabase } from '../support/databases.js';
import { FIXTURES_DIR } from '../support/fixtures.js';
import { openSse, type SseEvent, type SseStream } from '../support/sse-client.js';
import { HEALTH_DEPT, HOME_AFFAIRS, PROVINCE, metadata, sealedLetter, sendBody } from './harness.js';

let pdf: Uint8Array;
beforeAll(async () => {
  pdf = await sealedLetter();
});

// An idle-connection timeout of 2 s: only the 1 s heartbeat keeps a quiet stream open past it.
const ENV = { LOG_LEVEL: 'silent', LIVE_CONNECTIONS_PER_USER: '2', LIVE_CONNECTIONS_TOTAL: '5', LIVE_HEARTBEAT_SECONDS: '1', HTTP_CONNECTION_TIMEOUT_SECONDS: '2' };

forEachDatabase('live events between two instances', (t) => {
  let second: Database | undefined;
  let a: FastifyInstance;
  let b: FastifyInstance;
  let baseB: string;
  let users: SeededUser[];
  const open: SseStream[] = [];

  const bearer = (pred: (u: SeededUser) => boolean) => `Bearer ${users.find(pred)!.token}`;
  const clerk = (code: string) => bearer((u) => u.role === 'clerk' && u.agencyCode === code);
  const stream = async (token: string) => {
    const s = await openSse(`${baseB}/api/v1/events`, { authorization: token });
    open.push(s);
    return s;
  };
  const send = async (recipients: string[]) => {
    const body = sendBody(metadata({ recipients }), pdf);
    const r = await a.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: clerk(PROVINCE) }, payload: body.payload });
    expect(r.statusCode, r.body).toBe(201);
    return (r.json() as { document: { id: string } }).document.id;
  };
  const countOn = async (app: FastifyInstance, code: string) => {
    const r = await app.inject({ url: '/api/v1/inbox/count', headers: { authorization: clerk(code) } });
    expect(r.statusCode, r.body).toBe(200);
    return (r.json() as { notHandled: number }).notHandled;
  };
  const mentions = (id: string) => (e: SseEvent) => JSON.stringify(e.data ?? '').includes(id);
  const lastCount = (s: SseStream) => [...s.events].reverse().find((e) => e.event === 'count')?.data as { notHandled: number } | undefined;

  beforeAll(async () => {
    const seeded = await seedDemoProvince({ stores: t.stores, clock: () => new Date() }, { fixturesDir: FIXTURES_DIR });
    users = seeded.users;
    const config = loadConfig(ENV);
    const instance = (database: Database) =>
      buildApp({ stores: createStores(database), config, logger: pino({ level: 'silent' }), notifications: database.notifications, webUi: false, ping: () => database.ping() });
    second = t.kind === 'postgres' ? await openDatabase({ url: t.url!, connectTimeoutSeconds: 3 }) : undefined;
    a = instance(t.database);
    b = instance(second ?? t.database);
    await a.ready();
    baseB = await b.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await a.close();
    await b.close();
    await second?.close();
  });

  it('a send through A reaches the recipient clerk and the sender on B, and not another agency’s clerk', async () => {
    const health = await stream(clerk(HEALTH_DEPT));
    const sender = await stream(clerk(PROVINCE));
    const other = await stream(clerk(HOME_AFFAIRS));
    expect(health.status).toBe(200);
    expect(health.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(health.headers.get('cache-control')).toBe('no-store');
    const before = (await health.waitFor((e) => e.event === 'count')).data as { notHandled: number };
    expect(before.notHandled).toBe(await countOn(b, HEALTH_DEPT));
    await other.waitFor((e) => e.event === 'count');

    const id = await send([HEALTH_DEPT]);
    expect((await health.waitFor((e) => e.event === 'inbox')).data).toEqual({ kind: 'sent', documentId: id });
    expect((await sender.waitFor((e) => e.event === 'outbox')).data).toEqual({ kind: 'sent', documentId: id });
    await health.waitFor((e) => e.event === 'count' && (e.data as { notHandled: number }).notHandled === before.notHandled + 1);
    expect(await countOn(a, HEALTH_DEPT)).toBe(before.notHandled + 1);
    expect(await countOn(b, HEALTH_DEPT)).toBe(before.notHandled + 1);

    // A later document to the other agency is its proof of delivery: nothing of the first came before it.
    const marker = await send([HOME_AFFAIRS]);
    await other.waitFor(mentions(marker));
    expect(other.events.filter(mentions(id))).toEqual([]);
    expect(sender.events.filter((e) => e.event === 'count')).toHaveLength(1); // the sender's inbox did not change
    // What a stream carries is ids: no number, subject or file.
    for (const e of health.events.filter((x) => x.event !== ':' && x.event !== 'retry')) expect(Object.keys(e.data as object).every((k) => ['kind', 'documentId', 'notHandled'].includes(k)), JSON.stringify(e)).toBe(true);
    for (const s of [health, sender, other]) s.close();
  });

  it('a status change through A reaches both sides on B, and the count goes down on the stream and the endpoint', async () => {
    const id = await send([HEALTH_DEPT]);
    const health = await stream(clerk(HEALTH_DEPT));
    const sender = await stream(clerk(PROVINCE));
    const start = ((await health.waitFor((e) => e.event === 'count')).data as { notHandled: number }).notHandled;
    expect(start).toBeGreaterThan(0);
    const r = await a.inject({ method: 'POST', url: `/api/v1/documents/${id}/status`, headers: { authorization: clerk(HEALTH_DEPT), 'content-type': 'application/json' }, payload: { status: '03' } });
    expect(r.statusCode, r.body).toBe(200);
    const statusOf = (box: string) => (e: SseEvent) => e.event === box && JSON.stringify(e.data) === JSON.stringify({ kind: 'status', documentId: id });
    await health.waitFor(statusOf('inbox'));
    await sender.waitFor(statusOf('outbox'));
    await health.waitFor((e) => e.event === 'count' && (e.data as { notHandled: number }).notHandled === start - 1);
    expect(lastCount(health)?.notHandled).toBe(await countOn(a, HEALTH_DEPT));
    expect(await countOn(b, HEALTH_DEPT)).toBe(start - 1);
    health.close();
    sender.close();
  });

  it('a recall through A tells the recipient on B', async () => {
    const id = await send([HEALTH_DEPT]);
    const health = await stream(clerk(HEALTH_DEPT));
    await health.waitFor((e) => e.event === 'count');
    const r = await a.inject({ method: 'POST', url: `/api/v1/documents/${id}/recall`, headers: { authorization: clerk(PROVINCE) }, payload: { reason: 'Gửi nhầm nơi nhận' } });
    expect(r.statusCode, r.body).toBe(200);
    // The send's own notice may arrive after the stream opened: wait for the recall's.
    await health.waitFor((e) => e.event === 'inbox' && (e.data as { kind: string }).kind === 'recall' && mentions(id)(e));
    health.close();
  });

  it('the OpenAPI document lists both routes, the stream as text/event-stream', async () => {
    const paths = (await b.inject({ url: '/docs/json' })).json().paths as Record<string, { get: { responses: Record<string, { content?: Record<string, unknown> }> } }>;
    expect(paths['/api/v1/inbox/count']).toBeDefined();
    expect(Object.keys(paths['/api/v1/events']!.get.responses['200']!.content ?? {})).toEqual(['text/event-stream']);
  });

  it('only clerks: admins and auditors are refused (403), a request without credentials 401', async () => {
    for (const role of ['admin', 'auditor'] as const) {
      const s = await stream(bearer((u) => u.role === role));
      expect(s.status).toBe(403);
      const c = await b.inject({ url: '/api/v1/inbox/count', headers: { authorization: bearer((u) => u.role === role) } });
      expect(c.statusCode).toBe(403);
    }
    expect((await openSse(`${baseB}/api/v1/events`, {})).status).toBe(401);
    expect((await b.inject({ url: '/api/v1/inbox/count' })).statusCode).toBe(401);
  });

  it('streams per user and in total are capped (429 with Retry-After); a closed stream frees its place', async () => {
    const first = await stream(clerk(HEALTH_DEPT));
    const secondOne = await stream(clerk(HEALTH_DEPT));
    expect([first.status, secondOne.status]).toEqual([200, 200]);
    const third = await fetch(`${baseB}/api/v1/events`, { headers: { authorization: clerk(HEALTH_DEPT) } });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('LIVE_CONNECTIONS_PER_USER_LIMIT');

    const more = [await stream(clerk(PROVINCE)), await stream(clerk(HOME_AFFAIRS)), await stream(clerk(PROVINCE))];
    expect(more.map((s) => s.status)).toEqual([200, 200, 200]); // 5 = LIVE_CONNECTIONS_TOTAL
    const full = await fetch(`${baseB}/api/v1/events`, { headers: { authorization: clerk(HOME_AFFAIRS) } });
    expect(full.status).toBe(429);
    expect(full.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await full.json()) as { error: { code: string } }).error.code).toBe('LIVE_CONNECTIONS_FULL');

    first.close();
    await new Promise((r) => setTimeout(r, 300)); // the server sees the socket close
    const again = await stream(clerk(HEALTH_DEPT));
    expect(again.status).toBe(200);
    for (const s of [secondOne, ...more, again]) s.close();
    await new Promise((r) => setTimeout(r, 300));
  });

  it('a quiet stream carries heartbeat comments, which keep it open past the idle-connection timeout', async () => {
    const s = await stream(clerk(HEALTH_DEPT));
    let ended = false;
    void s.ended.then(() => (ended = true));
    await vi.waitFor(() => expect(s.events.filter((e) => e.event === ':' && e.data === 'heartbeat').length).toBeGreaterThanOrEqual(4), { timeout: 10_000, interval: 50 });
    expect(ended).toBe(false);
    s.close();
  });

  it('close() of instance B ends its open streams and does not hang', async () => {
    const s1 = await stream(clerk(HEALTH_DEPT));
    const s2 = await stream(clerk(PROVINCE));
    await s1.waitFor((e) => e.event === 'count');
    const started = performance.now();
    await b.close();
    expect(performance.now() - started).toBeLessThan(3000);
    await Promise.all([s1.ended, s2.ended]);
  });
});
