// What the database itself guarantees: migrations are repeatable, the exchange log refuses
// UPDATE/DELETE/TRUNCATE, tampering behind the trigger's back is caught by the chain check, and a
// failed or interrupted transaction writes nothing.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { createStores } from '../../src/db/create-stores.js';
import { sqlState } from '../../src/db/db-errors.js';
import { verifyChain } from '../../src/db/log-chain.js';
import { isDocaxisError } from '../../src/errors.js';
import { forEachDatabase } from '../support/databases.js';
import { agencyCode, seedAgency } from './seed.js';

const logEntry = { event: 'admin.agency', actorUserId: null, agencyId: null, documentId: null, details: { n: 1 } } as const;

/** The driver's own error message under drizzle's "Failed query" wrapper. */
const causeOf = (e: unknown): string => String((e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message);

forEachDatabase('database integrity', (t) => {
  it('applies the migrations again without error', async () => {
    await t.database.migrate();
    await t.database.migrate();
    await t.database.ping();
  });

  describe('exchange_log is append-only', () => {
    it('refuses UPDATE, DELETE and TRUNCATE', async () => {
      await t.stores.log.append({ ...logEntry, details: { n: 1 } }, new Date());
      const db = t.database.db;
      for (const statement of [
        sql`update exchange_log set details = '{"n": 2}'::jsonb where seq = 1`,
        sql`delete from exchange_log where seq = 1`,
        sql`truncate exchange_log`,
      ]) {
        const err = await db.execute(statement).catch((e: unknown) => e);
        expect(causeOf(err)).toMatch(/exchange_log is append-only: (UPDATE|DELETE|TRUNCATE) refused/);
        expect(sqlState(err)).toBe('42501');
      }
      expect((await t.stores.log.range(1, 1))[0]?.details).toEqual({ n: 1 });
    });

    it('with the trigger disabled by a superuser, a tampered row is named by the chain check', async () => {
      for (let i = 0; i < 5; i++) await t.stores.log.append({ ...logEntry, details: { n: i } }, new Date());
      const head = (await t.stores.log.head())!;
      expect(verifyChain(await t.stores.log.range(1, head.seq)).ok).toBe(true);
      const target = head.seq - 2;
      const db = t.database.db;
      await db.execute(sql`alter table exchange_log disable trigger all`);
      await db.execute(sql`update exchange_log set details = '{"n": 999}'::jsonb where seq = ${target}`);
      await db.execute(sql`alter table exchange_log enable trigger all`);
      const check = verifyChain(await t.stores.log.range(1, head.seq));
      expect(check.ok).toBe(false);
      expect(check.firstBroken).toEqual({ seq: target, reason: 'the entry was changed after it was written' });
      // The trigger is back on.
      await expect(db.execute(sql`delete from exchange_log where seq = ${target}`)).rejects.toThrow();
    });
  });

  describe('transactions', () => {
    it('writes nothing when the function throws', async () => {
      const code = agencyCode();
      const head = await t.stores.log.head();
      const boom = new Error('boom');
      await expect(
        t.stores.transaction(async (tx) => {
          const a = await tx.agencies.insert({ code, name: 'x', level: 'commune', parentCode: null, active: true });
          await tx.blobs.put('f'.repeat(64), new Uint8Array([1]));
          await tx.log.append({ ...logEntry, agencyId: a.id }, new Date());
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await t.stores.agencies.byCode(code)).toBeUndefined();
      expect(await t.stores.blobs.get('f'.repeat(64))).toBeUndefined();
      expect(await t.stores.log.head()).toEqual(head);
    });

    it('runs a nested transaction in the outer one: it commits and rolls back with it', async () => {
      const outerCode = agencyCode();
      const innerCode = agencyCode();
      await expect(
        t.stores.transaction(async (tx) => {
          await tx.agencies.insert({ code: outerCode, name: 'x', level: 'commune', parentCode: null, active: true });
          await tx.transaction(async (inner) => {
            expect(inner).toBe(tx);
            await inner.agencies.insert({ code: innerCode, name: 'y', level: 'commune', parentCode: null, active: true });
          });
          // Seen inside the transaction, before commit.
          expect(await tx.agencies.byCode(innerCode)).toBeDefined();
          throw new Error('undo both');
        }),
      ).rejects.toThrow('undo both');
      expect(await t.stores.agencies.byCode(outerCode)).toBeUndefined();
      expect(await t.stores.agencies.byCode(innerCode)).toBeUndefined();

      const committed = await t.stores.transaction(async (tx) => tx.transaction(async (inner) => seedAgency(inner)));
      expect(await t.stores.agencies.byId(committed.id)).toEqual(committed);
    });

    // A server connection can only be killed on PostgreSQL (PGlite is in-process): declared there only.
  if (t.kind === 'postgres') it('surfaces DB_UNAVAILABLE and writes nothing when the connection is killed mid-transaction', async () => {
      const victim = await openDatabase({ url: t.url!, maxConnections: 1 });
      try {
        const stores = createStores(victim);
        const code = agencyCode();
        const result = stores
          .transaction(async (tx) => {
            await tx.agencies.insert({ code, name: 'x', level: 'commune', parentCode: null, active: true });
            await tx.log.append(logEntry, new Date());
            // Another session kills this backend while the transaction is open (and waits until it is gone).
            await t.database.db.execute(
              sql`select pg_terminate_backend(pid, 5000) from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
            );
            await tx.agencies.byCode(code);
          })
          .catch((e: unknown) => e);
        const err = await result;
        expect(isDocaxisError(err, 'DB_UNAVAILABLE')).toBe(true);
        expect(await t.stores.agencies.byCode(code)).toBeUndefined();
        // The pool reconnects: the retry succeeds.
        const retried = await stores.transaction((tx) => tx.agencies.insert({ code, name: 'x', level: 'commune', parentCode: null, active: true }));
        expect(retried.code).toBe(code);
      } finally {
        await victim.close();
      }
    });

    it('closes gracefully: an open transaction finishes and commits, then nothing answers', async () => {
      // Both drivers drain on close(); an abrupt drop is the pg_terminate_backend case above.
      const victim = t.kind === 'postgres' ? await openDatabase({ url: t.url!, maxConnections: 1 }) : await openDatabase({});
      if (t.kind === 'pglite') await victim.migrate();
      const stores = createStores(victim);
      const code = agencyCode();
      let closed: Promise<void> | undefined;
      await stores.transaction(async (tx) => {
        await tx.agencies.insert({ code, name: 'x', level: 'commune', parentCode: null, active: true });
        closed = victim.close();
        await new Promise((r) => setTimeout(r, 50));
        expect(await tx.agencies.byCode(code)).toBeDefined();
      });
      await closed;
      if (t.kind === 'postgres') expect(await t.stores.agencies.byCode(code)).toBeDefined();
      expect(isDocaxisError(await stores.agencies.byCode(code).catch((e: unknown) => e), 'DB_UNAVAILABLE')).toBe(true);
    });

    it('surfaces DB_UNAVAILABLE from a closed database', async () => {
      const db = t.kind === 'postgres' ? await openDatabase({ url: t.url! }) : await openDatabase({});
      await db.close();
      const stores = createStores(db);
      expect(isDocaxisError(await db.ping().catch((e: unknown) => e), 'DB_UNAVAILABLE')).toBe(true);
      expect(isDocaxisError(await stores.agencies.list().catch((e: unknown) => e), 'DB_UNAVAILABLE')).toBe(true);
      expect(isDocaxisError(await stores.transaction((tx) => tx.agencies.list()).catch((e: unknown) => e), 'DB_UNAVAILABLE')).toBe(true);
    });
  });
});

describe('openDatabase', () => {
  it('refuses an unreachable server with DB_UNAVAILABLE', async () => {
    const err = await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/none', connectTimeoutSeconds: 2 }).catch((e: unknown) => e);
    expect(isDocaxisError(err, 'DB_UNAVAILABLE')).toBe(true);
  });

  it('refuses a URL that is not postgres:// with CONFIG_INVALID', async () => {
    const err = await openDatabase({ url: 'mysql://x' }).catch((e: unknown) => e);
    expect(isDocaxisError(err, 'CONFIG_INVALID')).toBe(true);
  });
});

describe('PGlite in a data directory', () => {
  it('keeps data across a restart and migrates an existing database again', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'docaxis-pglite-'));
    try {
      const first = await openDatabase({ dataDir: dir });
      await first.migrate();
      const a = await seedAgency(createStores(first));
      await first.close();
      const again = await openDatabase({ dataDir: dir });
      expect(again.kind).toBe('pglite');
      await again.migrate();
      expect(await createStores(again).agencies.byId(a.id)).toEqual(a);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
