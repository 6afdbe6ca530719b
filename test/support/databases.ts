// Runs a test suite against every database available: PGlite in memory always, and PostgreSQL
// when TEST_DATABASE_URL is set (CI: postgres://postgres@127.0.0.1:5432/test). Each describe block
// gets its own fresh, migrated database, dropped afterwards; tests inside one block share it, so
// make each test's data unique (e.g. fresh agency codes) rather than relying on an empty table.
//
//   forEachDatabase('documents', (t) => {
//     it('inserts', async () => { await t.stores.agencies.insert(...); });
//   });
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createStores } from '../../src/db/create-stores.js';
import type { Stores } from '../../src/db/ports.js';

export interface TestDatabase {
  /** Which database this describe block runs on. */
  readonly kind: Database['kind'];
  /** The block's fresh, migrated database (valid inside tests and hooks, not at collection time). */
  readonly database: Database;
  /** createStores(database). */
  readonly stores: Stores;
  /** PostgreSQL: the URL of the fresh database, to open a second connection. PGlite: undefined. */
  readonly url: string | undefined;
}

export type DatabaseKind = Database['kind'];

/** The kinds this run covers: ['pglite'] or ['pglite', 'postgres']. */
export function availableDatabases(): DatabaseKind[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * One `describe(`${name} [kind]`)` per available database; `fn` declares the tests. `only` limits
 * it to some kinds (a PostgreSQL-server behaviour runs where CI gives it one, like the rest).
 */
export function forEachDatabase(name: string, fn: (t: TestDatabase) => void, opts: { only?: readonly DatabaseKind[] } = {}): void {
  for (const kind of availableDatabases().filter((k) => !opts.only || opts.only.includes(k))) {
    describe(`${name} [${kind}]`, () => {
      let current: { database: Database; stores: Stores; url: string | undefined; drop: () => Promise<void> } | undefined;
      const ready = () => {
        if (!current) throw new Error('forEachDatabase: the database is only available inside tests and hooks');
        return current;
      };
      beforeAll(async () => {
        const fresh = kind === 'postgres' ? await freshPostgres(process.env.TEST_DATABASE_URL!) : await freshPglite();
        await fresh.database.migrate();
        current = { ...fresh, stores: createStores(fresh.database) };
      });
      afterAll(async () => {
        await current?.drop();
        current = undefined;
      });
      fn({
        kind,
        get database() {
          return ready().database;
        },
        get stores() {
          return ready().stores;
        },
        get url() {
          return ready().url;
        },
      });
    });
  }
}

async function freshPglite() {
  const database = await openDatabase({});
  return { database, url: undefined, drop: () => database.close() };
}

async function freshPostgres(serverUrl: string) {
  const name = `docaxis_t_${randomBytes(6).toString('hex')}`;
  const admin = await openDatabase({ url: serverUrl, maxConnections: 1 });
  await admin.db.execute(sql.raw(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  const drop = async () => {
    await database.close();
    // FORCE: a test may have left a connection behind (e.g. one it killed on purpose).
    await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
    await admin.close();
  };
  return { database, url: url.toString(), drop };
}

/** Rows of db.execute(), whichever driver answered (the stores' own helper). */
export { rowsOf } from '../../src/db/rows.js';
