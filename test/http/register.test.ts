// The outgoing register over HTTP: a clerk registers, every reader of the agency searches and
// exports its own register (UTF-8 with BOM, Vietnamese headers), another agency sees none of it,
// bad input is a stable 400, and the routes are in the OpenAPI document.
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../support/databases.js';
import { createHash } from 'node:crypto';
import { numberLine, placeDateLine } from '../../src/exchange/document-notation.js';
import { sealLines } from '../../src/pades/appearance.js';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { fixtureSigner, fontBytes, image, sampleLetter } from '../support/fixtures.js';
import { HEALTH_DEPT, PROVINCE, type Harness, metadata, sendBody, startHarness } from './harness.js';

const body = (over: Record<string, unknown> = {}) => ({ documentType: 'QĐ', subject: 'Về việc ban hành quy chế', signerName: 'Nguyễn Văn An', documentSha256: 'c'.repeat(64), ...over });

forEachDatabase('http register', (t) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(t.stores);
  });

  it('a clerk registers; numbers follow; the agency’s readers find and export them, another agency does not', async () => {
    const post = (payload: object) => h.app.inject({ method: 'POST', url: '/api/v1/register', headers: { authorization: h.tokens.clerk(PROVINCE) }, payload });
    const first = await post(body());
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ number: 1, notation: 'QĐ-UBND' });
    const second = await post(body({ documentType: 'Công văn', unitAbbreviation: 'VP', subject: 'V/v triển khai' }));
    expect(second.json()).toMatchObject({ number: 2, notation: 'UBND-VP' });

    const search = await h.app.inject({ method: 'GET', url: `/api/v1/register?text=${encodeURIComponent('triển khai')}`, headers: { authorization: h.tokens.auditor } });
    expect(search.statusCode, search.body).toBe(200);
    expect(search.json().items.map((e: { number: number; notation: string }) => `${e.number}/${e.notation}`)).toEqual(['2/UBND-VP']);

    const paged = await h.app.inject({ method: 'GET', url: '/api/v1/register?limit=1', headers: { authorization: h.tokens.admin } });
    expect(paged.json().items).toHaveLength(1);
    const next = await h.app.inject({ method: 'GET', url: `/api/v1/register?limit=1&after=${paged.json().next}`, headers: { authorization: h.tokens.admin } });
    expect(next.json().items.map((e: { number: number }) => e.number)).toEqual([1]);

    const csv = await h.app.inject({ method: 'GET', url: '/api/v1/register.csv', headers: { authorization: h.tokens.clerk(PROVINCE) } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toContain('attachment');
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = csv.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(rows[0]).toMatch(/^Năm,Số,Ký hiệu,/);
    expect(rows.slice(1).map((r) => r.split(',').slice(1, 3).join('/'))).toEqual(['2/UBND-VP', '1/QĐ-UBND']);

    const other = await h.app.inject({ method: 'GET', url: '/api/v1/register', headers: { authorization: h.tokens.clerk(HEALTH_DEPT) } });
    expect(other.json().items).toEqual([]);
    // agencyId in the query is not a filter the route knows: dropped, never used to reach another register.
    const forged = await h.app.inject({ method: 'GET', url: `/api/v1/register?agencyId=${first.json().id}`, headers: { authorization: h.tokens.clerk(HEALTH_DEPT) } });
    expect(forged.json().items ?? []).toEqual([]);
  });

  it('bad input: a stable code, and no number is taken', async () => {
    const post = (payload: object) => h.app.inject({ method: 'POST', url: '/api/v1/register', headers: { authorization: h.tokens.clerk(HEALTH_DEPT) }, payload });
    for (const bad of [body({ documentSha256: 'xyz' }), body({ documentType: 'Thư' }), body({ subject: '' }), body({ subject: '   ' })]) {
      const res = await post(bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json().error.code).toMatch(/^[A-Z_]+$/);
    }
    const cursor = await h.app.inject({ method: 'GET', url: '/api/v1/register?after=bm90LWEtY3Vyc29y', headers: { authorization: h.tokens.clerk(HEALTH_DEPT) } });
    expect(cursor.json().error.code).toBe('CURSOR_INVALID');
    const ok = await post(body());
    expect(ok.json()).toMatchObject({ number: 1, notation: 'QĐ-SYT' });
  });

  it('register, seal with the number widget, send: the send path accepts the sealed letter under that number', async () => {
    const fonts = await fontBytes();
    const letter = await sampleLetter();
    const signed = joinDocument(
      await signPdf(letter.pdf, fixtureSigner('signer-nguyen-van-an'), {
        fieldName: 'ChuTich',
        visible: { placement: { kind: 'rect', ...letter.signerBox }, layout: 'signer', lines: [], image: image('handwritten-nguyen-van-an'), fontBytes: fonts },
      }),
    );
    const clerk = { authorization: h.tokens.clerk(PROVINCE) };
    const sha = createHash('sha256').update(signed).digest('hex');
    const reg = await h.app.inject({ method: 'POST', url: '/api/v1/register', headers: clerk, payload: body({ documentType: 'Công văn', unitAbbreviation: 'VP', documentSha256: sha }) });
    expect(reg.statusCode, reg.body).toBe(201);
    const { number, notation, registeredAt } = reg.json() as { number: number; notation: string; registeredAt: string };
    const at = new Date(registeredAt);
    const sealed = joinDocument(
      await signPdf(signed, fixtureSigner('seal-ubnd-thai-binh'), {
        fieldName: 'VanThu',
        visible: {
          placement: { kind: 'over', field: 'ChuTich' },
          layout: 'seal',
          lines: sealLines({ signerName: 'Ủy ban nhân dân tỉnh Thái Bình', time: at }),
          image: image('seal-ubnd-thai-binh'),
          fontBytes: fonts,
          extraWidgets: [
            { placement: { kind: 'rect', page: 1, x: 60, y: 712, width: 180, height: 16 }, lines: [numberLine(number, notation)], align: 'center' },
            { placement: { kind: 'rect', page: 1, x: 300, y: 712, width: 230, height: 16 }, lines: [placeDateLine('Thái Bình', at)], align: 'center' },
          ],
        },
      }),
    );
    const send = sendBody(metadata({ codeNumber: String(number), codeNotation: notation }), sealed);
    const sent = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...send.headers, ...clerk }, payload: send.payload });
    expect(sent.statusCode, sent.body).toBe(201);
    const detail = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${sent.json().document.id}`, headers: clerk });
    const report = detail.json().document.verification as { document: { verdict: string }; signatures: Array<{ fieldName: string; modifiedAfterSigning: string }> };
    expect(report.document.verdict).toBe('valid');
    expect(report.signatures.map((x) => [x.fieldName, x.modifiedAfterSigning])).toEqual([
      ['ChuTich', 'allowed'],
      ['VanThu', 'none'],
    ]);
  });

  it('the routes are in the OpenAPI document', async () => {
    const paths = Object.keys((await h.app.inject({ method: 'GET', url: '/docs/json' })).json().paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/register', '/api/v1/register.csv']));
  });
});
