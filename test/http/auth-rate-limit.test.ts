// Issue 10, finding 7: every unauthenticated 401 appended its own hash-chained entry (~5,600 per
// 15 s). Failed authentication is now limited per address (429 AUTH_RATE_LIMITED, Retry-After) and
// aggregated in the log: one entry per address per interval, with a count.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/db/ports.js';
import { AuthFailureLog } from '../../src/exchange/auth-failures.js';
import { DEFAULT_FAILED_AUTH } from '../../src/http/auth-plugin.js';
import { forEachDatabase } from '../support/databases.js';
import { makeWorld } from '../exchange/world.js';
import { PROVINCE, type Harness, startHarness } from './harness.js';

const FLOOD = 2000;

/** Failures an auth.failed entry stands for: 1 for a single one, its count for an aggregate. */
const failuresIn = (e: LogEntry) => (typeof e.details['count'] === 'number' ? e.details['count'] : 1);

forEachDatabase('failed authentication: limited and aggregated', (t) => {
  let h: Harness;
  let closed = false;
  beforeAll(async () => {
    h = await startHarness(t.stores);
  });
  afterAll(async () => {
    if (!closed) await h.app.close();
  });

  it(`${FLOOD} bad tokens from one address: 401 then 429 with Retry-After, a handful of log entries whose counts add up`, async () => {
    const before = (await t.stores.log.head())?.seq ?? 0;
    const address = '198.51.100.7';
    const statuses: Record<number, number> = {};
    const started = performance.now();
    for (let i = 0; i < FLOOD; i++) {
      // Mostly well-formed unknown tokens (a lookup each), some malformed, some missing.
      const authorization = i % 10 === 0 ? 'Bearer nope' : i % 10 === 1 ? undefined : `Bearer dax_${randomBytes(32).toString('base64url')}`;
      const res = await h.app.inject({ method: 'GET', url: '/api/v1/inbox', remoteAddress: address, headers: authorization ? { authorization } : {} });
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      if (i < DEFAULT_FAILED_AUTH.maxFailures) {
        expect(res.statusCode, res.body).toBe(401);
        expect(res.json().error.code).toBe('UNAUTHENTICATED');
      } else {
        expect(res.statusCode, res.body).toBe(429);
        expect(res.json().error.code).toBe('AUTH_RATE_LIMITED');
        const retryAfter = Number(res.headers['retry-after']);
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(DEFAULT_FAILED_AUTH.intervalMs / 1000);
      }
    }
    const elapsed = performance.now() - started;
    expect(statuses).toEqual({ 401: DEFAULT_FAILED_AUTH.maxFailures, 429: FLOOD - DEFAULT_FAILED_AUTH.maxFailures });

    // A valid token from the same address still passes: only failures are limited.
    const me = await h.app.inject({ method: 'GET', url: '/api/v1/me', remoteAddress: address, headers: { authorization: h.tokens.clerk(PROVINCE) } });
    expect(me.statusCode, me.body).toBe(200);
    // Another address is not affected by this one's failures.
    const other = await h.app.inject({ method: 'GET', url: '/api/v1/inbox', remoteAddress: '198.51.100.8' });
    expect(other.statusCode).toBe(401);

    // During the flood: the first failure of each address, nothing more.
    const during = (await t.stores.log.range(before + 1, before + FLOOD + 10)).filter((e) => e.event === 'auth.failed');
    expect(during.map((e) => e.details['ip'])).toEqual([address, '198.51.100.8']);
    expect(elapsed, 'the interval must outlast the flood for this count').toBeLessThan(DEFAULT_FAILED_AUTH.intervalMs);

    // Closing the app writes the open counts (as main.ts does before closing the database).
    const verify = await h.app.inject({ method: 'POST', url: '/api/v1/log/verify', headers: { authorization: h.tokens.auditor } });
    await h.app.close();
    closed = true;
    const entries = (await t.stores.log.range(before + 1, before + FLOOD + 10)).filter((e) => e.event === 'auth.failed');
    const flood = entries.filter((e) => e.details['ip'] === address);
    expect(flood.length).toBeLessThanOrEqual(3);
    expect(flood.reduce((n, e) => n + failuresIn(e), 0)).toBe(FLOOD);
    const aggregate = flood.find((e) => typeof e.details['count'] === 'number')!;
    expect(aggregate.details).toMatchObject({ ip: address, count: FLOOD - 1, reasons: { 'unknown-or-revoked': 1600, malformed: 199, missing: 200 } });
    expect(Object.keys(aggregate.details).sort()).toEqual(['count', 'ip', 'reasons', 'since', 'until']);
    // No token material in the log.
    expect(JSON.stringify(entries)).not.toMatch(/dax_/);
    expect(verify.json()).toMatchObject({ ok: true });
  });
});

describe('the per-address aggregation over time', () => {
  it('one entry at once, one per elapsed interval with the count, and a quiet address starts over', async () => {
    const w = await makeWorld();
    const failures = new AuthFailureLog(w.deps, { intervalMs: 300, maxAddresses: 2 });
    const authFailed = () => w.stores.state.log.filter((e) => e.event === 'auth.failed');
    const base = authFailed().length;
    try {
      await failures.record('203.0.113.1', 'malformed');
      expect(authFailed().length - base).toBe(1);
      for (let i = 0; i < 50; i++) await failures.record('203.0.113.1', 'unknown-or-revoked');
      expect(authFailed().length - base).toBe(1);
      expect(failures.pending()).toBe(50);
      // The bound on addresses: a third one shares the overflow bucket.
      await failures.record('203.0.113.2', 'missing');
      await failures.record('203.0.113.3', 'missing');
      await failures.record('203.0.113.4', 'missing');
      expect(authFailed().slice(base).map((e) => e.details['ip'])).toEqual(['203.0.113.1', '203.0.113.2', '*']);

      await new Promise((r) => setTimeout(r, 1500));
      const after = authFailed().slice(base);
      expect(after.map((e) => e.details['ip'])).toEqual(['203.0.113.1', '203.0.113.2', '*', '203.0.113.1', '*']);
      expect(after[3]!.details).toMatchObject({ count: 50, reasons: { 'unknown-or-revoked': 50 } });
      expect(after[4]!.details).toMatchObject({ count: 1, reasons: { missing: 1 } });
      expect(failures.pending()).toBe(0);

      // Quiet for a whole interval: forgotten, so the next failure is logged at once again.
      await new Promise((r) => setTimeout(r, 1500));
      await failures.record('203.0.113.1', 'missing');
      expect(authFailed().length - base).toBe(6);
      expect(authFailed().at(-1)!.details).toEqual({ reason: 'missing', ip: '203.0.113.1' });
    } finally {
      await failures.close();
    }
  });
});
