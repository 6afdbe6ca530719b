// Opens the database: PostgreSQL through postgres-js when a postgres:// URL is given, otherwise
// PGlite (real PostgreSQL in-process) in a data directory or in memory. Both speak the same SQL,
// so the stores, migrations and tests are shared. No global: every caller owns its Database.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { DocaxisError } from '../errors.js';
import type { Db } from './db.js';
import { translateDbError } from './db-errors.js';
import { defaultMigrationsFolder } from './migrations-folder.js';
import type { Notifications } from './notifications.js';
import { PgliteNotifications } from './notifications-pglite.js';
import { PostgresNotifications } from './notifications-postgres.js';
import { pgliteByteaOptions } from './pglite-bytea.js';
import { preparingClient } from './postgres-prepared.js';
import { lostConnectionGuardedClient } from './postgres-lost-connections.js';
import { ReplaceablePostgresPool } from './postgres-pool.js';

export interface OpenDatabaseOptions {
  /** postgres:// or postgresql:// URL: use a PostgreSQL server through postgres-js. */
  url?: string;
  /** PGlite data directory; undefined (and no url) = an in-memory database. */
  dataDir?: string;
  /** postgres-js pool size (default 10). */
  maxConnections?: number;
  /** Seconds to wait for a PostgreSQL connection (default 10). */
  connectTimeoutSeconds?: number;
  /** Where the generated migrations live (default: the repository's drizzle/). */
  migrationsFolder?: string;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /**
   * Messages between the processes on this database (LISTEN/NOTIFY; db/notifications.ts). The
   * PostgreSQL listener connects on the first subscribe, not before.
   */
  notifications: Notifications;
  /** Applies pending migrations from drizzle/ (idempotent). */
  migrate(): Promise<void>;
  /** Resolves when the database answers; DB_UNAVAILABLE otherwise. */
  ping(): Promise<void>;
  /**
   * PostgreSQL: swaps the connection pool for a fresh one (queries in flight finish on the old),
   * after the driver guard saw a fault that can leave a pool slot unusable. PGlite: nothing.
   */
  replaceConnections(): void;
  close(): Promise<void>;
}

export async function openDatabase(opts: OpenDatabaseOptions = {}): Promise<Database> {
  const database = opts.url ? openPostgres(opts.url, opts) : await openPglite(opts.dataDir, opts);
  try {
    // Fail at start, with a typed error, rather than on the first request.
    await database.ping();
  } catch (e) {
    await database.close().catch(() => undefined);
    throw e;
  }
  return database;
}

function openPostgres(url: string, opts: OpenDatabaseOptions): Database {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new DocaxisError('CONFIG_INVALID', 'the database URL must start with postgres://');
  const connectTimeout = opts.connectTimeoutSeconds ?? 10;
  const pool = new ReplaceablePostgresPool(() => {
    const client = postgres(url, {
      max: opts.maxConnections ?? 10,
      connect_timeout: connectTimeout,
      backoff: reconnectDelaySeconds,
      onnotice: () => undefined, // "relation already exists, skipping" etc. from migrations: noise
    });
    // drizzle sets its type parsers on the client it is given: a replacement pool gets them too.
    drizzlePostgres({ client });
    return client;
  }, connectTimeout + 5);
  const db = drizzlePostgres({ client: lostConnectionGuardedClient(preparingClient(pool.client)) });
  const notifications = new PostgresNotifications(url, db, { connectTimeoutSeconds: connectTimeout });
  return wrap(
    'postgres',
    db,
    notifications,
    () => migratePostgres(db, { migrationsFolder: opts.migrationsFolder ?? defaultMigrationsFolder() }),
    async () => {
      await notifications.close();
      await pool.end({ timeout: 5 });
    },
    () => pool.replace(),
  );
}

/**
 * How long a pool slot waits before reconnecting after a failed connection. postgres-js counts the
 * failures for the whole pool and by default waits up to 20 s (3^n / 100 s), so after a few seconds
 * of a database that refused connections the first requests after its return would wait that long.
 * Capped at 1 s: a refused connect costs the server nothing, and recovery is seen within a second.
 */
export function reconnectDelaySeconds(failures: number): number {
  return (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** failures, 1);
}

async function openPglite(dataDir: string | undefined, opts: OpenDatabaseOptions): Promise<Database> {
  let client: PGlite;
  try {
    // PGlite creates its own folder but not the parents: a fresh clone has no .data/ yet.
    if (dataDir !== undefined) mkdirSync(dirname(resolve(dataDir)), { recursive: true });
    client = await PGlite.create(dataDir, pgliteByteaOptions());
  } catch (e) {
    const cause = e instanceof Error ? e.message : String(e);
    throw new DocaxisError('DB_UNAVAILABLE', `PGlite could not open ${dataDir ?? 'an in-memory database'}: ${cause}`, { cause: e });
  }
  const db = drizzlePglite({ client });
  const notifications = new PgliteNotifications(client, db);
  return wrap(
    'pglite',
    db,
    notifications,
    () => migratePglite(db, { migrationsFolder: opts.migrationsFolder ?? defaultMigrationsFolder() }),
    async () => {
      await notifications.close();
      if (!client.closed) await client.close();
    },
    () => undefined,
  );
}

function wrap(kind: Database['kind'], db: Db, notifications: Notifications, runMigrations: () => Promise<void>, close: () => Promise<void>, replaceConnections: () => void): Database {
  const guarded = async (fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
    } catch (e) {
      throw translateDbError(e);
    }
  };
  let closing: Promise<void> | undefined;
  return {
    kind,
    db,
    notifications,
    migrate: () => guarded(runMigrations),
    ping: () => guarded(() => db.execute(sql`select 1`)),
    replaceConnections,
    // Idempotent: shutdown paths (signal handler, test teardown) may both call it.
    close: () => (closing ??= close()),
  };
}
