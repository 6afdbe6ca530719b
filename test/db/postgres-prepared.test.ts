// On PostgreSQL the stores' queries run as named prepared statements (db/postgres-prepared.ts):
// parsed once per connection, then bound and executed in one round trip. Checked on the server
// itself: pg_prepared_statements lists what this session prepared.
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { createStores } from '../../src/db/create-stores.js';
import { forEachDatabase, rowsOf } from '../support/databases.js';
import { agencyCode, sha } from './seed.js';

// PGlite re-parses every query whatever the client does: this is about the PostgreSQL server only.
forEachDatabase(
  'prepared statements',
  (t) => {
    it('prepares store queries once per connection, in and out of transactions', async () => {
      // One connection, so every query below shares the session whose statements are listed.
      const one = await openDatabase({ url: t.url!, maxConnections: 1 });
      try {
        const stores = createStores(one);
        const codes = [agencyCode(), agencyCode(), agencyCode()];
        for (const code of codes) await stores.agencies.byCode(code);
        await stores.transaction(async (tx) => {
          for (const code of codes) await tx.agencies.insert({ code, name: 'x', level: 'commune', parentCode: null, active: true });
          await tx.blobs.put(sha(), new Uint8Array([1, 2, 3]));
        });
        const listed = rowsOf<{ statement: string; generic: number; custom: number }>(
          await one.db.execute(sql`select statement, generic_plans::int as generic, custom_plans::int as custom from pg_prepared_statements`),
        );
        const uses = (pattern: RegExp) => listed.filter((s) => pattern.test(s.statement));
        // The lookup by code: one statement for three executions, not three.
        const byCode = uses(/from "agencies" where "agencies"."code" = \$1/i);
        expect(byCode).toHaveLength(1);
        expect(byCode[0]!.generic + byCode[0]!.custom).toBe(3);
        // Inside the transaction too (the transaction client is wrapped as well).
        expect(uses(/^insert into "agencies"/i)).toHaveLength(1);
        expect(uses(/^insert into "blobs"/i)).toHaveLength(1);
        for (const code of codes) expect((await stores.agencies.byCode(code))?.code).toBe(code);
      } finally {
        await one.close();
      }
    });
  },
  { only: ['postgres'] },
);
