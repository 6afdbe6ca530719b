// Issue 10, finding 5 and the fault suite: the service under steady load while PostgreSQL's
// backends are terminated, the network is cut, connections are reset, and the server "restarts"
// (all connections dropped, connects refused for 3 s). The service talks to PostgreSQL through a
// TCP proxy the test controls (test/support/tcp-proxy.ts); the machine's server is never stopped.
// During a fault requests may fail (503 DB_UNAVAILABLE) or wait; from 5 s after recovery on, none
// fails and none hangs.
import { randomInt } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createStores } from '../../src/db/create-stores.js';
import { forEachDatabase } from '../support/databases.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { HEALTH_DEPT, PROVINCE, type Harness, startHarness } from '../http/harness.js';

/** Past this, a request counts as hung (healthy ones take a few ms). */
const HANG_MS = 2000;
const GRACE_MS = 5000;
const WINDOW_MS = 5000;
const WORKERS = 6;

interface Outcome {
  startedAt: number;
  ms: number;
  status: number;
  code?: string;
}

forEachDatabase(
  'the pool heals after database faults',
  (t) => {
    let proxy: TcpProxy;
    let database: Database;
    let h: Harness;
    let admin: postgres.Sql;

    beforeAll(async () => {
      const target = new URL(t.url!);
      proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
      // As the service opens it (pool of 10, connect_timeout 10 s), only through the proxy.
      database = await openDatabase({ url: proxy.url(t.url!) });
      h = await startHarness(createStores(database));
      admin = postgres(t.url!, { max: 1, onnotice: () => undefined });
    });
    afterAll(async () => {
      await h?.app.close();
      await database?.close();
      await admin?.end({ timeout: 5 });
      await proxy?.close();
    });

    /** WORKERS loops of reads and transactional writes until stopped. */
    function load(): { stop: () => Promise<Outcome[]> } {
      const outcomes: Outcome[] = [];
      let running = true;
      const one = async (i: number) => {
        const kind = i % 3;
        const req =
          kind === 0
            ? { method: 'GET' as const, url: '/api/v1/inbox', headers: { authorization: h.tokens.clerk(HEALTH_DEPT) } }
            : kind === 1
              ? { method: 'GET' as const, url: '/api/v1/me', headers: { authorization: h.tokens.clerk(PROVINCE) } }
              : {
                  method: 'POST' as const,
                  url: '/api/v1/admin/agencies',
                  headers: { authorization: h.tokens.admin },
                  payload: { code: `${randomInt(100, 1000)}.${randomInt(10, 100)}.${randomInt(10, 100)}.G${randomInt(10, 100)}`, name: 'Fault test agency' },
                };
        const startedAt = performance.now();
        const res = await h.app.inject(req);
        const o: Outcome = { startedAt, ms: performance.now() - startedAt, status: res.statusCode };
        if (res.statusCode >= 400) o.code = (res.json() as { error: { code: string } }).error.code;
        outcomes.push(o);
      };
      const worker = async () => {
        for (let i = randomInt(3); running; i++) await one(i);
      };
      const workers = Array.from({ length: WORKERS }, worker);
      return {
        stop: async () => {
          running = false;
          await Promise.all(workers);
          return outcomes;
        },
      };
    }

    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    /** Runs `fault` under load; returns what was asked from GRACE_MS after `fault` resolved on. */
    async function underLoad(fault: () => Promise<void>): Promise<{ after: Outcome[]; during: Outcome[] }> {
      const running = load();
      await sleep(1000);
      const faultAt = performance.now();
      await fault();
      const recoveredAt = performance.now();
      await sleep(GRACE_MS + WINDOW_MS);
      const all = await running.stop();
      const after = all.filter((o) => o.startedAt >= recoveredAt + GRACE_MS);
      // Also the requests in flight when the fault began.
      const during = all.filter((o) => o.startedAt + o.ms >= faultAt && o.startedAt < recoveredAt + GRACE_MS);
      return { after, during };
    }

    function expectHealthy(after: Outcome[]): void {
      expect(after.length, 'requests in the window after recovery').toBeGreaterThan(50);
      const failed = after.filter((o) => o.status >= 500 || o.status === 429);
      expect(failed, 'requests that failed 5 s after recovery').toEqual([]);
      expect(after.filter((o) => o.status !== 200 && o.status !== 201 && o.status !== 409)).toEqual([]);
      const hung = after.filter((o) => o.ms > HANG_MS);
      expect(hung, 'requests that hung 5 s after recovery').toEqual([]);
    }

    const terminateAll = () => admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`.then(() => undefined);

    it('backends terminated three times: no failure, no hang 5 s later', async () => {
      const { after, during } = await underLoad(async () => {
        for (let round = 0; round < 3; round++) {
          await terminateAll();
          await sleep(500);
        }
      });
      expectHealthy(after);
      // The fault did happen: some requests lost their connection.
      expect(during.some((o) => o.code === 'DB_UNAVAILABLE')).toBe(true);
      expect(during.filter((o) => o.status >= 500).every((o) => o.code === 'DB_UNAVAILABLE')).toBe(true);
    });

    it('the network cut for 3 s (nothing passes), then back: no failure, no hang 5 s later', async () => {
      const { after, during } = await underLoad(async () => {
        proxy.pause();
        await sleep(3000);
        proxy.resume();
      });
      expectHealthy(after);
      // Requests waited through the cut rather than failing.
      expect(during.some((o) => o.ms > 2000)).toBe(true);
    });

    it('every connection reset twice: no failure, no hang 5 s later', async () => {
      const { after, during } = await underLoad(async () => {
        proxy.dropAll();
        await sleep(300);
        proxy.dropAll();
      });
      expectHealthy(after);
      expect(during.filter((o) => o.status >= 500).every((o) => o.code === 'DB_UNAVAILABLE')).toBe(true);
    });

    it('a restart: connections dropped and refused for 3 s, then accepted: no failure, no hang 5 s later', async () => {
      const acceptedBefore = proxy.accepted;
      const { after, during } = await underLoad(async () => {
        await proxy.down();
        await sleep(3000);
        await proxy.up();
      });
      expectHealthy(after);
      // While down, requests failed fast with DB_UNAVAILABLE (refused connects), none hung.
      const failed = during.filter((o) => o.status >= 500);
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.every((o) => o.code === 'DB_UNAVAILABLE')).toBe(true);
      expect(proxy.accepted).toBeGreaterThan(acceptedBefore);
    });
  },
  { only: ['postgres'] },
);
