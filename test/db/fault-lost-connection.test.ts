// Issue 10, finding 5: after a pg_terminate_backend round the pool must be whole again. Two
// postgres-js 3.4.9 defects made it not (db/postgres-lost-connections.ts):
// - a transaction whose backend dies: the driver writes ROLLBACK to the dead connection, throws
//   from a timer, and the slot's stale write buffer makes every later connect on it hang the whole
//   connect_timeout and fail `write CONNECT_TIMEOUT`;
// - a query whose backend dies in flight: the slot's next query fails with the stale 57P01.
// One connection in the pool, so the slot that was hit is the slot the next query gets.
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { translateDbError } from '../../src/db/db-errors.js';
import { isKnownPostgresWriteAfterClose } from '../../src/db/postgres-driver-guard.js';
import { isDocaxisError } from '../../src/errors.js';
import { forEachDatabase, rowsOf } from '../support/databases.js';

const CONNECT_TIMEOUT_S = 3;

forEachDatabase(
  'a terminated backend leaves the pool whole',
  (t) => {
    let one: Database;
    let killer: postgres.Sql;
    const driverBugs: Error[] = [];
    const recordDriverBug = (e: Error) => {
      if (!isKnownPostgresWriteAfterClose(e)) throw e;
      driverBugs.push(e);
    };

    beforeAll(async () => {
      killer = postgres(t.url!, { max: 1, onnotice: () => undefined });
      await t.database.db.execute(sql`create table fault_rows (id int primary key)`);
    });
    afterAll(async () => {
      await killer.end({ timeout: 5 });
    });
    beforeEach(async () => {
      driverBugs.length = 0;
      process.on('uncaughtException', recordDriverBug);
      one = await openDatabase({ url: t.url!, maxConnections: 1, connectTimeoutSeconds: CONNECT_TIMEOUT_S });
    });
    afterEach(async () => {
      await one.close();
      process.off('uncaughtException', recordDriverBug);
    });

    const pidOf = async (run: (q: ReturnType<typeof sql>) => Promise<unknown>) => Number(rowsOf(await run(sql`select pg_backend_pid() as pid`))[0]!['pid']);
    const terminate = (pid: number) => killer`select pg_terminate_backend(${pid})`.then(() => undefined);
    const unavailable = (e: unknown) => isDocaxisError(translateDbError(e), 'DB_UNAVAILABLE');

    /** Ten queries on the one slot: each answers, and fast (not after connect_timeout). */
    async function expectHealthy(): Promise<void> {
      for (let i = 0; i < 10; i++) {
        const started = performance.now();
        await expect(one.db.execute(sql`select 1 as one`)).resolves.toBeDefined();
        expect(performance.now() - started, `query ${i} after the termination`).toBeLessThan(1000);
      }
    }

    it('a transaction whose backend dies mid-query: the caller gets the loss, the slot reconnects at once', async () => {
      const tx = one.db.transaction(async (tx) => {
        const pid = await pidOf((q) => tx.execute(q));
        setTimeout(() => void terminate(pid), 200);
        await tx.execute(sql`select pg_sleep(3)`);
      });
      await expect(tx).rejects.toSatisfy(unavailable);
      await new Promise((r) => setTimeout(r, 50));
      expect(driverBugs, 'postgres-js wrote to the closed connection').toEqual([]);
      await expectHealthy();
    });

    it('a transaction whose backend dies between queries: its later queries never reach a new session', async () => {
      let sent!: (q: { later: Promise<unknown> }) => void;
      const laterSent = new Promise<{ later: Promise<unknown> }>((r) => (sent = r));
      const tx = one.db.transaction(async (tx) => {
        await tx.execute(sql`insert into fault_rows values (1)`);
        const pid = await pidOf((q) => tx.execute(q));
        await terminate(pid);
        await new Promise((r) => setTimeout(r, 300)); // the close is seen while the callback waits
        // Meanwhile another request takes the slot, which reconnects.
        await one.db.execute(sql`select 1`);
        const later = tx.execute(sql`insert into fault_rows values (2)`);
        sent({ later });
        await later;
      });
      await expect(tx).rejects.toSatisfy(unavailable);
      await expect((await laterSent).later).rejects.toSatisfy(unavailable);
      const rows = rowsOf<{ id: number }>(await one.db.execute(sql`select id from fault_rows order by id`));
      expect(rows, 'a row of the failed transaction was stored').toEqual([]);
      expect(driverBugs).toEqual([]);
      await expectHealthy();
    });

    it('a pool query whose backend dies mid-query: CONNECTION_CLOSED for it, the next one succeeds', async () => {
      const pid = await pidOf((q) => one.db.execute(q));
      setTimeout(() => void terminate(pid), 200);
      await expect(one.db.execute(sql`select pg_sleep(3)`)).rejects.toSatisfy(unavailable);
      await expectHealthy();
    });

    it('an idle connection terminated: the next query succeeds', async () => {
      const pid = await pidOf((q) => one.db.execute(q));
      await terminate(pid);
      await new Promise((r) => setTimeout(r, 100));
      await expectHealthy();
    });
  },
  { only: ['postgres'] },
);
