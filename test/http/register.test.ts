// The outgoing register over HTTP: a clerk registers, every reader of the agency searches and
// exports its own register (UTF-8 with BOM, Vietnamese headers), another agency sees none of it,
// bad input is a stable 400, and the routes are in the OpenAPI document.
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../support/databases.js';
import { HEALTH_DEPT, PROVINCE, type Harness, startHarness } from './harness.js';

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

  it('the routes are in the OpenAPI document', async () => {
    const paths = Object.keys((await h.app.inject({ method: 'GET', url: '/docs/json' })).json().paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/register', '/api/v1/register.csv']));
  });
});
