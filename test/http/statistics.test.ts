// GET /api/v1/statistics through app.inject: a flow of real sends (accepted, rejected, completed)
// and a classified refusal gives the expected counts and shares; roles and ranges are enforced;
// the route is in the OpenAPI document. Exact medians are covered with a pinned clock in
// test/exchange/statistics.test.ts; here the clock is real, so only their bounds are checked.
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../support/databases.js';
import { HEALTH_DEPT, HOME_AFFAIRS, PROVINCE, type Harness, metadata, sealedLetter, sendBody, startHarness } from './harness.js';

interface FiguresBody {
  sent: number;
  received: number;
  accepted: number;
  rejected: number;
  acceptedShare: number | null;
  rejectedShare: number | null;
  medianSecondsToAcceptance: number | null;
  signedByBoth: number;
  signedByBothShare: number | null;
  classifiedRefusals: number;
}

forEachDatabase('http statistics', (t) => {
  let h: Harness;
  let before: string;
  beforeAll(async () => {
    before = new Date(Date.now() - 1000).toISOString();
    h = await startHarness(t.stores);
    const pdf = await sealedLetter();
    const send = async (recipients: string[], classification = 'NONE') => {
      const body = sendBody(metadata({ recipients, classification }), pdf);
      return h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
    };
    const status = async (code: string, id: string, s: string, reason?: string) => {
      const res = await h.app.inject({ method: 'POST', url: `/api/v1/documents/${id}/status`, headers: { authorization: h.tokens.clerk(code) }, payload: { status: s, ...(reason ? { reason } : {}) } });
      expect(res.statusCode, res.body).toBe(200);
    };
    const ids: string[] = [];
    for (const recipients of [[HEALTH_DEPT, HOME_AFFAIRS], [HEALTH_DEPT], [HOME_AFFAIRS]]) {
      const res = await send(recipients);
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().document.id as string);
    }
    for (const s of ['03', '05', '06']) await status(HEALTH_DEPT, ids[0]!, s); // completed
    await status(HOME_AFFAIRS, ids[0]!, '02', 'Không thuộc thẩm quyền'); // rejected
    await status(HEALTH_DEPT, ids[1]!, '03'); // accepted; ids[2] stays at 01
    const classified = await send([HEALTH_DEPT], 'TOI_MAT');
    expect(classified.json().error.code).toBe('CLASSIFIED_REFUSED');
  });

  const get = (auth: string, query = '') => h.app.inject({ method: 'GET', url: `/api/v1/statistics${query}`, headers: { authorization: auth } });

  it('the auditor reads the figures of the flow', async () => {
    const res = await get(h.tokens.auditor);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { agencies: Array<FiguresBody & { code: string; level: string }>; levels: Array<FiguresBody & { level: string }>; total: FiguresBody; range: unknown };
    const of = (code: string) => body.agencies.find((a) => a.code === code)!;
    expect(of(PROVINCE)).toMatchObject({ level: 'province', sent: 3, signedByBoth: 3, signedByBothShare: 1, received: 0, acceptedShare: null, classifiedRefusals: 1 });
    expect(of(HEALTH_DEPT)).toMatchObject({ sent: 0, signedByBothShare: null, received: 2, accepted: 2, rejected: 0, acceptedShare: 1, rejectedShare: 0, classifiedRefusals: 0 });
    expect(of(HOME_AFFAIRS)).toMatchObject({ received: 2, accepted: 0, rejected: 1, acceptedShare: 0, rejectedShare: 0.5, medianSecondsToAcceptance: null });
    expect(of(HEALTH_DEPT).medianSecondsToAcceptance).toBeGreaterThanOrEqual(0);
    expect(of(HEALTH_DEPT).medianSecondsToAcceptance).toBeLessThan(120);
    expect(body.levels.map((l) => l.level)).toEqual(['central', 'province', 'district', 'commune']);
    expect(body.levels[1]).toMatchObject({ sent: 3, received: 4, accepted: 2, rejected: 1, classifiedRefusals: 1 });
    expect(body.levels[0]).toMatchObject({ sent: 0, received: 0, acceptedShare: null, medianSecondsToAcceptance: null });
    expect(body.total).toMatchObject({ sent: 3, received: 4, accepted: 2, rejected: 1, acceptedShare: 0.5, rejectedShare: 0.25, signedByBoth: 3, signedByBothShare: 1, classifiedRefusals: 1 });
    expect(body.range).toEqual({ from: null, to: null });
  });

  it('from/to bound the figures; a day is a whole Vietnamese day', async () => {
    const since = await get(h.tokens.admin, `?from=${encodeURIComponent(before)}`);
    expect(since.statusCode, since.body).toBe(200);
    expect(since.json().total).toMatchObject({ sent: 3, classifiedRefusals: 1 });
    expect(since.json().range.from).toBe(before);
    const past = await get(h.tokens.admin, '?from=2020-01-01&to=2020-12-31');
    expect(past.statusCode, past.body).toBe(200);
    expect(past.json().total).toMatchObject({ sent: 0, received: 0, classifiedRefusals: 0, medianSecondsToAcceptance: null });
    expect(past.json().range).toEqual({ from: '2019-12-31T17:00:00.000Z', to: '2020-12-31T16:59:59.999Z' });
  });

  it('refuses clerks (403), bad dates and an inverted range (400)', async () => {
    const clerk = await get(h.tokens.clerk(PROVINCE));
    expect(clerk.statusCode).toBe(403);
    expect(clerk.json().error.code).toBe('FORBIDDEN');
    const denied = await h.app.inject({ method: 'GET', url: '/api/v1/log?event=access.denied&limit=1', headers: { authorization: h.tokens.auditor } });
    expect(denied.json().items[0].details).toMatchObject({ what: 'read statistics', role: 'clerk' });
    expect((await get(h.tokens.admin, '?from=not-a-date!')).statusCode).toBe(400);
    const inverted = await get(h.tokens.admin, '?from=2025-02-01&to=2025-01-01');
    expect(inverted.statusCode).toBe(400);
    expect(inverted.json().error.code).toBe('USAGE');
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/statistics' })).statusCode).toBe(401);
  });

  it('is listed in the OpenAPI document', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/docs/json' });
    const op = res.json().paths['/api/v1/statistics'].get;
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['from', 'to']);
    expect(op.responses['200']).toBeTruthy();
  });
});
