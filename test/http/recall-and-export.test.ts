// Issue 11 through the API: POST /recall needs a reason (validated like every text), the recipient
// answers with { answer: '15' | '16' } (the former { accept } is refused, not re-read), the
// document's history names who acted, and /log.csv speaks the reader's language.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../support/databases.js';
import { FIXTURES_DIR } from '../support/fixtures.js';
import { tempDir, writeTemp } from '../support/oracles.js';
import { HEALTH_DEPT, HOME_AFFAIRS, PROVINCE, type Harness, metadata, sealedLetter, sendBody, startHarness } from './harness.js';

forEachDatabase('http recall with a reason, explicit answers, named history, CSV language', (t) => {
  let h: Harness;
  let documentId: string;
  const post = (url: string, code: string, payload?: unknown) =>
    h.app.inject({ method: 'POST', url: `/api/v1/documents/${documentId}/${url}`, headers: { authorization: h.tokens.clerk(code) }, ...(payload !== undefined ? { payload: payload as object } : {}) });

  beforeAll(async () => {
    h = await startHarness(t.stores);
    const body = sendBody(metadata({ recipients: [HEALTH_DEPT, HOME_AFFAIRS] }), await sealedLetter());
    const sent = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
    expect(sent.statusCode, sent.body).toBe(201);
    documentId = sent.json().document.id as string;
  });

  it('a recall without a reason, with a blank, an oversized or a NUL reason is refused with a stable code', async () => {
    const codes: string[] = [];
    for (const payload of [undefined, {}, { reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(1001) }, { reason: 'a\u0000b' }]) {
      const res = await post('recall', PROVINCE, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      codes.push(res.json().error.code as string);
    }
    // The schema's refusals share one code; the use case's name what is wrong.
    expect(codes[3]).toBe('REASON_REQUIRED');
    expect(codes[5]).toBe('TEXT_INVALID');
    for (const c of codes) expect(c).toMatch(/^[A-Z_]+$/);
    const detail = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${documentId}`, headers: { authorization: h.tokens.clerk(PROVINCE) } });
    expect(detail.json().deliveries.map((d: { status: string }) => d.status)).toEqual(['01', '01']);
  });

  it('the reason reaches the recipient with the name of who asked; answers are 15 or 16 only', async () => {
    const asked = await post('recall', PROVINCE, { reason: 'Ban hành nhầm số' });
    expect(asked.statusCode, asked.body).toBe(200);
    const detail = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${documentId}`, headers: { authorization: h.tokens.clerk(HEALTH_DEPT) } });
    const events = detail.json().deliveries[0].events as Array<{ status: string; reason: string | null; actor: { name: string; agencyCode: string; agencyName: string } | null }>;
    const recall = events.find((e) => e.status === '13')!;
    expect(recall.reason).toBe('Ban hành nhầm số');
    const sender = h.users.find((u) => u.role === 'clerk' && u.agencyCode === PROVINCE)!;
    expect(recall.actor).toMatchObject({ name: sender.name, agencyCode: PROVINCE });
    expect(recall.actor!.agencyName.length).toBeGreaterThan(0);
    // The axis-made arrival event names the sender's clerk too (it was their send).
    expect(events.find((e) => e.status === '01')!.actor).toMatchObject({ agencyCode: PROVINCE });

    for (const payload of [{ accept: false }, { accept: true }, { answer: '03' }, { answer: '02' }, { answer: '13' }, {}]) {
      const res = await post('recall-answer', HEALTH_DEPT, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const refuse = await post('recall-answer', HEALTH_DEPT, { answer: '16', reason: 'Đã trình lãnh đạo' });
    expect(refuse.statusCode, refuse.body).toBe(200);
    expect(refuse.json().delivery.status).toBe('16');
    const me = h.users.find((u) => u.role === 'clerk' && u.agencyCode === HEALTH_DEPT)!;
    expect(refuse.json().event).toMatchObject({ status: '16', reason: 'Đã trình lãnh đạo', actor: { name: me.name, agencyCode: HEALTH_DEPT } });
    const agree = await post('recall-answer', HOME_AFFAIRS, { answer: '15' });
    expect(agree.json().delivery).toMatchObject({ status: '15', withdrawn: true });

    // The README's way to read a receipt: base64 -d, then openssl cms -verify prints the event.
    const dir = tempDir('docaxis-receipt-');
    const b64 = writeTemp(dir, 'receipt.b64', Buffer.from(refuse.json().event.receipt as string, 'ascii'));
    const der = join(dir, 'receipt.der');
    execFileSync('sh', ['-c', `base64 -d < "${b64}" > "${der}"`]);
    const printed = execFileSync('openssl', ['cms', '-verify', '-inform', 'DER', '-in', der, '-CAfile', `${FIXTURES_DIR}root-ca.cert.pem`, '-purpose', 'any'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(JSON.parse(printed)).toMatchObject({ status: '16', reason: 'Đã trình lãnh đạo' });
  });

  it('/log.csv: Vietnamese by default, English by ?lang=en or Accept-Language, a BOM either way', async () => {
    const get = (query: string, headers: Record<string, string> = {}) =>
      h.app.inject({ method: 'GET', url: `/api/v1/log.csv?event=document.recall-requested${query}`, headers: { authorization: h.tokens.auditor, ...headers } });
    const vi = await get('');
    expect(vi.statusCode).toBe(200);
    expect(vi.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(vi.body.split('\r\n')[0]).toMatch(/^\uFEFFSố thứ tự,Thời gian \(giờ Việt Nam\),/);
    expect(vi.body).toContain(PROVINCE);
    expect(vi.body).toContain('Ban hành nhầm số');
    expect(vi.headers['vary']).toContain('accept-language');
    for (const [query, headers] of [['&lang=en', {}], ['', { 'accept-language': 'en-US,en;q=0.9' }]] as const) {
      const en = await get(query, headers);
      expect(en.body.split('\r\n')[0]).toMatch(/^\uFEFFSequence,Time \(Vietnam time UTC\+7\),Event,Done by,Agency code,Agency name,/);
    }
    // The explicit switch wins over the browser's language; a Vietnamese browser gets Vietnamese.
    expect((await get('&lang=vi', { 'accept-language': 'en' })).body).toMatch(/^\uFEFFSố thứ tự/);
    expect((await get('', { 'accept-language': 'vi-VN,vi;q=0.9,en;q=0.8' })).body).toMatch(/^\uFEFFSố thứ tự/);
    expect((await get('&lang=fr')).statusCode).toBe(400);
  });
});
