// Issue 10, findings 3 (the metadata part) and 8: every way the adversarial run had a classified
// document stored as unclassified, and the upload's loose ends. Each variant is refused with a
// field error (a catalogue code and the field or part named), nothing is stored (no document, no
// blob, not a byte of the file in any table), and the refusal leaves a send.refused entry that
// carries the number and the code but none of the content.
import { connect } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachDatabase, rowsOf, type TestDatabase } from '../support/databases.js';
import { PROVINCE, type Harness, type Part, metadata, multipart, sealedLetter, startHarness } from './harness.js';

const LIMIT = 512 * 1024;

interface Variant {
  name: string;
  /** The parts, given the metadata JSON text and the (marked) PDF. */
  parts: (meta: Record<string, unknown>, pdf: Uint8Array) => Part[];
  code: string;
  field: string;
  status?: number;
  /** False when the refusal comes before the metadata is read: the log line then has no number. */
  numbered?: false;
}

const filePart = (pdf: Uint8Array): Part => ({ name: 'file', value: pdf, filename: 'letter.pdf', contentType: 'application/pdf' });
const metaPart = (text: string): Part => ({ name: 'metadata', value: text });
/** The metadata JSON with `extra` spliced in as raw text before the last brace (keys JSON.stringify cannot write twice). */
const withRaw = (meta: Record<string, unknown>, extra: string) => JSON.stringify(meta).replace(/}$/, `,${extra}}`);
const without = (meta: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(meta).filter(([k]) => k !== key));

const VARIANTS: Variant[] = [
  { name: '"Classification":"MAT" beside "classification":"NONE"', parts: (m, pdf) => [metaPart(withRaw(m, '"Classification":"MAT"')), filePart(pdf)], code: 'METADATA_INVALID', field: 'Classification' },
  { name: '"classification ":"MAT" beside "classification":"NONE"', parts: (m, pdf) => [metaPart(withRaw(m, '"classification ":"MAT"')), filePart(pdf)], code: 'METADATA_INVALID', field: 'classification ' },
  { name: '{"__proto__":{"classification":"MAT"}}', parts: (m, pdf) => [metaPart(withRaw(m, '"__proto__":{"classification":"MAT"}')), filePart(pdf)], code: 'METADATA_INVALID', field: '__proto__' },
  {
    name: 'duplicate keys: MAT then NONE',
    parts: (m, pdf) => [metaPart(JSON.stringify(without(m, 'classification')).replace(/^{/, '{"classification":"MAT",').replace(/}$/, ',"classification":"NONE"}')), filePart(pdf)],
    code: 'METADATA_INVALID',
    field: 'classification',
  },
  {
    name: 'duplicate keys written with an escape',
    parts: (m, pdf) => [metaPart(withRaw(m, '"\\u0063lassification":"MAT"')), filePart(pdf)],
    code: 'METADATA_INVALID',
    field: 'classification',
  },
  { name: 'no classification', parts: (m, pdf) => [metaPart(JSON.stringify(without(m, 'classification'))), filePart(pdf)], code: 'METADATA_INVALID', field: 'classification' },
  { name: 'classification null', parts: (m, pdf) => [metaPart(JSON.stringify({ ...m, classification: null })), filePart(pdf)], code: 'METADATA_INVALID', field: 'classification' },
  { name: 'classification ""', parts: (m, pdf) => [metaPart(JSON.stringify({ ...m, classification: '' })), filePart(pdf)], code: 'METADATA_INVALID', field: 'classification' },
  { name: 'a second metadata part after the file saying MAT', parts: (m, pdf) => [metaPart(JSON.stringify(m)), filePart(pdf), metaPart(JSON.stringify({ ...m, classification: 'MAT' }))], code: 'METADATA_INVALID', field: 'metadata' },
  { name: 'a second metadata part before the file', parts: (m, pdf) => [metaPart(JSON.stringify(m)), metaPart(JSON.stringify({ ...m, classification: 'MAT' })), filePart(pdf)], code: 'METADATA_INVALID', field: 'metadata' },
  { name: 'a second file part', parts: (m, pdf) => [metaPart(JSON.stringify(m)), filePart(pdf), filePart(pdf)], code: 'MULTIPART_INVALID', field: 'file' },
  { name: 'the file before the metadata', parts: (m, pdf) => [filePart(pdf), metaPart(JSON.stringify(m))], code: 'METADATA_INVALID', field: 'metadata', numbered: false },
  { name: 'a part of another name', parts: (m, pdf) => [metaPart(JSON.stringify(m)), { name: 'classification', value: 'MAT' }, filePart(pdf)], code: 'MULTIPART_INVALID', field: 'classification' },
  { name: 'a part of another name after the file', parts: (m, pdf) => [metaPart(JSON.stringify(m)), filePart(pdf), { name: 'Metadata', value: '{}' }], code: 'MULTIPART_INVALID', field: 'Metadata' },
  {
    name: 'metadata as a field typed application/json (its duplicates are lost to the parser)',
    parts: (m, pdf) => [{ name: 'metadata', value: JSON.stringify(m), contentType: 'application/json' }, filePart(pdf)],
    code: 'METADATA_INVALID',
    field: 'metadata',
  },
  {
    name: 'a signer with a key of another case',
    parts: (m, pdf) => [metaPart(JSON.stringify({ ...m, signer: { fullName: 'Nguyễn Văn An', FullName: 'X' } })), filePart(pdf)],
    code: 'METADATA_INVALID',
    field: 'signer.FullName',
  },
  { name: 'a file over the upload limit', parts: (m, pdf) => [metaPart(JSON.stringify(m)), filePart(Buffer.concat([Buffer.from(pdf), Buffer.alloc(LIMIT)]))], code: 'FILE_TOO_LARGE', field: '', status: 413 },
];

let pdf: Uint8Array;
beforeAll(async () => {
  pdf = await sealedLetter();
});

forEachDatabase('http classified metadata and upload parts', (t) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(t.stores, { uploadLimitBytes: LIMIT });
  });

  for (const v of VARIANTS) {
    it(`${v.name}: ${v.status ?? 400} ${v.code}, nothing stored, the refusal logged without content`, async () => {
      const marker = `DOCAXIS-MARKER-${Math.random().toString(36).slice(2)}`;
      const marked = Buffer.concat([Buffer.from(pdf), Buffer.from(`\n%${marker}\n`)]);
      const meta = metadata({ subject: `Bí mật ${marker}` });
      const before = await counts(t);
      const body = multipart(v.parts(meta, marked));
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });

      expect(res.statusCode, res.body).toBe(v.status ?? 400);
      expect(res.json().error.code, res.body).toBe(v.code);
      if (v.field) expect(Object.keys(res.json().error.details?.fields ?? {}), res.body).toContain(v.field);

      expect(await counts(t)).toEqual(before);
      expect(await databaseHas(t, marker)).toBe(false);
      expect(h.logLines().join('\n')).not.toContain(marker);

      if (v.numbered === false) {
        const [last] = (await t.stores.log.search({ event: 'send.refused' }, { limit: 1 })).items;
        expect(last!.details).toEqual({ senderCode: PROVINCE, code: v.code });
        return;
      }
      const refusals = await t.stores.log.search({ event: 'send.refused', documentNumber: meta['codeNotation'] as string }, { limit: 5 });
      expect(refusals.items.map((e) => e.details['code'])).toEqual([v.code]);
      expect(Object.keys(refusals.items[0]!.details).sort()).toEqual(['code', 'codeNotation', 'codeNumber', 'senderCode']);
    });
  }

  it('a refusal before the metadata is read (the file first) is logged too, without a number', async () => {
    const before = (await t.stores.log.search({ event: 'send.refused' }, { limit: 500 })).items.length;
    const body = multipart([filePart(pdf), metaPart(JSON.stringify(metadata()))]);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
    expect(res.statusCode).toBe(400);
    const after = await t.stores.log.search({ event: 'send.refused' }, { limit: 500 });
    expect(after.items.length).toBe(before + 1);
    expect(after.items[0]!.details).toEqual({ senderCode: PROVINCE, code: 'METADATA_INVALID' });
  });

  it('a classified level still refuses as CLASSIFIED_REFUSED whatever else is wrong, before the file is read', async () => {
    const meta = metadata({ classification: 'Tối mật' });
    const body = multipart([metaPart(withRaw(meta, '"Extra":1')), filePart(pdf), filePart(pdf)]);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.code).toBe('CLASSIFIED_REFUSED');
  });

  it('a valid send still passes, with the metadata as a field or as a file part', async () => {
    for (const asFile of [false, true]) {
      const meta = metadata();
      const body = multipart([{ name: 'metadata', value: JSON.stringify(meta), ...(asFile ? { filename: 'meta.json' } : {}) }, filePart(pdf)]);
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().document.metadata.classification).toBe('NONE');
    }
  });
});

forEachDatabase('http client aborts', (t) => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness(t.stores, { uploadLimitBytes: LIMIT });
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    port = (h.app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await h.app.close();
  });

  it('a client that hangs up mid-upload is logged at info, not as an error, and leaves no refusal', async () => {
    const before = (await t.stores.log.search({ event: 'send.refused' }, { limit: 500 })).items.length;
    for (const path of ['/api/v1/documents', '/api/v1/verify']) {
      const boundary = 'abortabort';
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(metadata())}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      );
      const socket = connect(port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${h.tokens.clerk(PROVINCE)}\r\n` +
          `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${head.length + 100_000}\r\n\r\n`,
      );
      socket.write(head);
      socket.write(Buffer.from(pdf).subarray(0, 2000));
      await new Promise((r) => setTimeout(r, 150));
      socket.destroy();
    }
    // Wait until both requests have been completed by the service.
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && h.logLines().filter((l) => /request completed|request refused/.test(l)).length < 2) await new Promise((r) => setTimeout(r, 50));
    const lines = h.logLines().map((l) => JSON.parse(l) as { level: number; msg: string; code?: string });
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines.filter((l) => l.code === 'REQUEST_ABORTED').length).toBe(2);
    expect((await t.stores.log.search({ event: 'send.refused' }, { limit: 500 })).items.length).toBe(before);
  });
});

async function counts(t: TestDatabase): Promise<{ documents: number; blobs: number; deliveries: number }> {
  const [row] = rowsOf<{ d: number | string; b: number | string; v: number | string }>(
    await t.database.db.execute(sql.raw('select (select count(*) from documents) as d, (select count(*) from blobs) as b, (select count(*) from deliveries) as v')),
  );
  return { documents: Number(row!.d), blobs: Number(row!.b), deliveries: Number(row!.v) };
}

/** Whether any row of the data tables holds `marker` as text or as the hex of its bytes. */
async function databaseHas(t: TestDatabase, marker: string): Promise<boolean> {
  const hex = Buffer.from(marker).toString('hex');
  for (const table of ['documents', 'blobs', 'deliveries', 'status_events', 'exchange_log']) {
    const [row] = rowsOf<{ n: number | string }>(
      await t.database.db.execute(sql.raw(`select count(*) as n from ${table} x where position('${marker}' in x::text) > 0 or position('${hex}' in lower(x::text)) > 0`)),
    );
    if (Number(row!.n) > 0) return true;
  }
  return false;
}
