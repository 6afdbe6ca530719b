// The one drizzle type the stores see: a PostgreSQL database or an open transaction, from either
// driver (PGlite or postgres-js). PgTransaction extends PgDatabase, so queries run on both alike.
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

export type Db = PgDatabase<PgQueryResultHKT>;
