// Concurrent sends through app.inject: two clerks of different agencies, and one agency sending
// two numbers at once, are all accepted with distinct ids and leave a valid log chain (the
// advisory lock in db/stores/log.ts serialises the appends). The same Idempotency-Key sent twice
// at once yields one document, and both answers name it.
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { forEachDatabase, rowsOf } from '../support/databases.js';
import { fixtureSigner, sampleLetter } from '../support/fixtures.js';
import { HEALTH_DEPT, PROVINCE, type Harness, metadata, sealedLetter, sendBody, startHarness } from './harness.js';

let provinceLetter: Uint8Array;
let healthLetter: Uint8Array;
beforeAll(async () => {
  provinceLetter = await sealedLetter();
  // The health department's own letter: its director signs, then its office seals.
  const signed = joinDocument(await signPdf((await sampleLetter()).pdf, fixtureSigner('signer-tran-thi-binh'), { fieldName: 'GiamDoc' }));
  healthLetter = joinDocument(await signPdf(signed, fixtureSigner('seal-syt-thai-binh'), { fieldName: 'VanThu' }));
});

/** postgres-js answers a row array, PGlite an object with `rows`. */

forEachDatabase('http concurrent sends', (t) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(t.stores);
  });

  const send = (code: string, meta: Record<string, unknown>, pdf: Uint8Array, key?: string) => {
    const body = sendBody(meta, pdf);
    return h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(code), ...(key ? { 'idempotency-key': key } : {}) }, payload: body.payload });
  };

  const verifyLog = async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/log/verify', headers: { authorization: h.tokens.auditor } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { ok: boolean; checked: number; firstBroken: unknown };
  };

  it('two clerks of different agencies, and one agency with two numbers, all at once: all accepted, the log chain holds', async () => {
    const answers = await Promise.all([
      send(PROVINCE, metadata({ recipients: [HEALTH_DEPT] }), provinceLetter),
      send(HEALTH_DEPT, metadata({ codeNotation: 'SYT-VP', recipients: [PROVINCE] }), healthLetter),
      send(PROVINCE, metadata({ recipients: [HEALTH_DEPT] }), provinceLetter),
      send(PROVINCE, metadata({ recipients: [HEALTH_DEPT] }), provinceLetter),
    ]);
    for (const a of answers) expect(a.statusCode, a.body).toBe(201);
    const ids = answers.map((a) => a.json().document.id as string);
    expect(new Set(ids).size).toBe(ids.length);
    expect(answers.map((a) => a.json().document.senderCode)).toEqual([PROVINCE, HEALTH_DEPT, PROVINCE, PROVINCE]);

    const check = await verifyLog();
    expect(check).toMatchObject({ ok: true, firstBroken: null });
    // Each send wrote 'document.sent' and one 'document.delivered', with consecutive seqs and no fork.
    const seqs = rowsOf(await t.database.db.execute(sql`select seq from exchange_log order by seq`)).map((r) => Number(r['seq']));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const sent = rowsOf(await t.database.db.execute(sql`select document_id from exchange_log where event = 'document.sent'`)).map((r) => r['document_id']);
    expect(new Set(sent)).toEqual(new Set(ids));
  });

  it('the same Idempotency-Key twice at once: one document, both answers carry its id', async () => {
    const meta = metadata();
    const key = `concurrent-${meta['codeNotation'] as string}`;
    const [a, b] = await Promise.all([send(PROVINCE, meta, provinceLetter, key), send(PROVINCE, meta, provinceLetter, key)]);
    expect([a!.statusCode, b!.statusCode].sort(), `${a!.body}\n${b!.body}`).toEqual([200, 201]);
    expect(a!.json().document.id).toBe(b!.json().document.id);
    expect([a!.json().replayed, b!.json().replayed].sort()).toEqual([false, true]);
    const rows = rowsOf(await t.database.db.execute(sql`select id from documents where idempotency_key = ${key}`));
    expect(rows.map((r) => r['id'])).toEqual([a!.json().document.id]);
    const deliveries = rowsOf(await t.database.db.execute(sql`select count(*)::int as n from deliveries where document_id = ${a!.json().document.id as string}`));
    expect(Number(deliveries[0]!['n'])).toBe(1);
    expect((await verifyLog()).ok).toBe(true);
  });
});
