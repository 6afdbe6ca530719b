// Refusals of POST /documents that happen while reading the upload: a classified document (no
// byte of it kept anywhere: every table of the database and every new temp file is searched for
// a marker), a file over the limit, no file, metadata after the file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase, rowsOf, type TestDatabase } from '../support/databases.js';
import { PROVINCE, type Harness, metadata, multipart, sealedLetter, sendBody, startHarness } from './harness.js';

const LIMIT = 512 * 1024;

let pdf: Uint8Array;
beforeAll(async () => {
  pdf = await sealedLetter();
});

forEachDatabase('http upload refusals', (t) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(t.stores, { uploadLimitBytes: LIMIT });
  });

  const send = (body: { payload: Buffer; headers: Record<string, string> }, token = h.tokens.clerk(PROVINCE)) =>
    h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: token }, payload: body.payload });

  for (const level of ['MAT', 'Tối mật', 'TUYET_MAT']) {
    it(`a classified (${level}) send is refused and no byte of the file is kept`, async () => {
      const marker = `DOCAXIS-SECRET-MARKER-${Math.random().toString(36).slice(2)}-${Date.now()}`;
      const secretPdf = Buffer.concat([Buffer.from(pdf), Buffer.from(`\n%${marker}\n`)]);
      const meta = metadata({ classification: level });
      const before = tempFiles();
      const startedAt = Date.now();

      const res = await send(sendBody(meta, secretPdf));
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error.code).toBe('CLASSIFIED_REFUSED');
      expect(res.json().error.message).toMatch(/Mật/);

      expect(await databaseText(t)).not.toContain(marker);
      expect((await databaseText(t)).toLowerCase()).not.toContain(Buffer.from(marker).toString('hex'));
      for (const file of tempFiles()) {
        if (before.has(file) && statSync(file).mtimeMs < startedAt) continue;
        expect(readFileSync(file).includes(marker), file).toBe(false);
      }
      expect(h.logLines().join('\n')).not.toContain(marker);

      const refusals = await t.stores.log.search({ event: 'send.refused' }, { limit: 100 });
      const entry = refusals.items.find((e) => e.details['codeNumber'] === meta.codeNumber);
      expect(entry).toBeTruthy();
      expect(Object.keys(entry!.details).sort()).toEqual(['codeNotation', 'codeNumber', 'level', 'senderCode']);
      expect(entry!.actorUserId).toBeTruthy();
    });
  }

  it('a file over the upload limit: 413 FILE_TOO_LARGE (as the README says), nothing stored', async () => {
    const big = Buffer.concat([Buffer.from(pdf), Buffer.alloc(LIMIT, 0x20)]);
    const meta = metadata();
    const res = await send(sendBody(meta, big));
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json().error.code).toBe('FILE_TOO_LARGE');
    const outbox = await h.app.inject({ method: 'GET', url: '/api/v1/outbox', headers: { authorization: h.tokens.clerk(PROVINCE) } });
    expect(outbox.json().items.some((i: { document: { metadata: { codeNumber: string } } }) => i.document.metadata.codeNumber === meta.codeNumber)).toBe(false);
  });

  it('no file part: FILE_MISSING', async () => {
    const res = await send(multipart([{ name: 'metadata', value: JSON.stringify(metadata()) }]));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('FILE_MISSING');
  });

  it('an empty file part: FILE_MISSING', async () => {
    const res = await send(sendBody(metadata(), new Uint8Array(0)));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('FILE_MISSING');
  });

  it('metadata after the file: refused with a message saying so, the file never read', async () => {
    const body = multipart([
      { name: 'file', value: pdf, filename: 'letter.pdf', contentType: 'application/pdf' },
      { name: 'metadata', value: JSON.stringify(metadata()) },
    ]);
    const res = await send(body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('METADATA_INVALID');
    expect(res.json().error.message).toMatch(/"metadata" part must come before the "file" part/);
  });

  it('metadata that is not JSON: METADATA_INVALID', async () => {
    const res = await send(multipart([{ name: 'metadata', value: '{not json' }, { name: 'file', value: pdf, filename: 'a.pdf' }]));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('METADATA_INVALID');
  });

  it('not multipart at all: a clear 4xx, not a 500', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { authorization: h.tokens.clerk(PROVINCE), 'content-type': 'application/json' }, payload: { metadata: {} } });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.json().error.code).toBeTruthy();
  });
});

/** Every row of every table (schemas other than the catalogs) as text; bytea shows as \x hex. */
async function databaseText(t: TestDatabase): Promise<string> {
  const tables = rowsOf<{ s: string; n: string }>(
    await t.database.db.execute(sql.raw(`select table_schema as s, table_name as n from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`)),
  );
  expect(tables.length).toBeGreaterThan(5);
  const out: string[] = [];
  for (const { s, n } of tables) {
    const rows = rowsOf<{ dump: string | null }>(await t.database.db.execute(sql.raw(`select string_agg(x::text, E'\\n') as dump from "${s}"."${n}" x`)));
    out.push(rows[0]?.dump ?? '');
  }
  return out.join('\n');
}


/** Files directly in the temp dir and one level below (where multipart libraries spill uploads). */
function tempFiles(): Set<string> {
  const out = new Set<string>();
  const dir = tmpdir();
  for (const name of safeList(dir)) {
    const p = join(dir, name);
    const st = safeStat(p);
    if (st?.isFile()) out.add(p);
    else if (st?.isDirectory()) for (const inner of safeList(p)) if (safeStat(join(p, inner))?.isFile()) out.add(join(p, inner));
  }
  return out;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function safeStat(p: string) {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}
