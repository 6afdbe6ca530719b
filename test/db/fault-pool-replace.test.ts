// The last line of defence of finding 5: if postgres-js 3.4.9 ever writes to a connection that is
// gone (the uncaught TypeError of porsager/postgres#1154), the slot is left unusable: every later
// connect on it hangs connect_timeout and fails CONNECT_TIMEOUT. The driver guard then replaces the
// pool. Reproduced here on the raw driver (a transaction whose backend dies mid-query, without
// db/postgres-lost-connections.ts, which keeps the service's own transactions off that path).
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { installPostgresDriverGuard } from '../../src/db/postgres-driver-guard.js';
import { ReplaceablePostgresPool } from '../../src/db/postgres-pool.js';
import { forEachDatabase } from '../support/databases.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

forEachDatabase(
  'a poisoned pool is replaced',
  (t) => {
    let killer: postgres.Sql;
    beforeAll(() => {
      killer = postgres(t.url!, { max: 1, onnotice: () => undefined });
    });
    afterAll(async () => {
      await killer.end({ timeout: 5 });
    });

    /** The driver's own begin, its backend terminated while a query runs: the bug's trigger. */
    async function poison(sql: postgres.Sql): Promise<void> {
      await expect(
        sql.begin(async (tx) => {
          const [row] = await tx`select pg_backend_pid() as pid`;
          setTimeout(() => void killer`select pg_terminate_backend(${row!['pid'] as number})`.then(() => undefined), 200);
          await tx`select pg_sleep(3)`;
        }),
      ).rejects.toThrow();
      await sleep(50);
    }

    /** Vitest's own uncaughtException listeners would report the driver's TypeError: swapped out meanwhile. */
    async function withGuard(onFault: () => void, fn: (warnings: string[]) => Promise<void>): Promise<void> {
      const saved = process.listeners('uncaughtException');
      process.removeAllListeners('uncaughtException');
      const warnings: string[] = [];
      const remove = installPostgresDriverGuard((m) => warnings.push(m), onFault);
      try {
        await fn(warnings);
      } finally {
        remove();
        for (const l of saved) process.on('uncaughtException', l);
      }
    }

    it('the raw driver: the slot hangs connect_timeout afterwards (the defect, still present in 3.4.9)', async () => {
      const sql = postgres(t.url!, { max: 1, connect_timeout: 1, onnotice: () => undefined });
      try {
        await withGuard(
          () => undefined,
          async (warnings) => {
            await poison(sql);
            expect(warnings).toHaveLength(1);
            const started = performance.now();
            await expect(sql`select 1`).rejects.toMatchObject({ code: 'CONNECT_TIMEOUT' });
            expect(performance.now() - started).toBeGreaterThan(900);
          },
        );
      } finally {
        await sql.end({ timeout: 1 });
      }
    });

    it('with the guard wired to the pool: replaced at once, the next queries answer', async () => {
      const pool = new ReplaceablePostgresPool(() => postgres(t.url!, { max: 1, connect_timeout: 1, onnotice: () => undefined }), 1);
      try {
        await withGuard(
          () => pool.replace(),
          async (warnings) => {
            await poison(pool.client);
            expect(warnings).toHaveLength(1);
            for (let i = 0; i < 5; i++) {
              const started = performance.now();
              await expect(pool.client`select 1 as one`).resolves.toEqual([{ one: 1 }]);
              expect(performance.now() - started).toBeLessThan(500);
            }
          },
        );
      } finally {
        await pool.end({ timeout: 1 });
      }
    });
  },
  { only: ['postgres'] },
);
