// GET /me: every role learns whom it acts for; nothing about tokens leaves.
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../support/databases.js';
import { HEALTH_DEPT, PROVINCE, type Harness, startHarness } from './harness.js';

forEachDatabase('http GET /me', (t) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(t.stores);
  });

  const me = (authorization?: string) => h.app.inject({ method: 'GET', url: '/api/v1/me', headers: authorization ? { authorization } : {} });

  it('a clerk: the user and the agency, exactly these fields', async () => {
    const res = await me(h.tokens.clerk(HEALTH_DEPT));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const agency = (await t.stores.agencies.byCode(HEALTH_DEPT))!;
    const user = (await t.stores.users.list(agency.id)).find((u) => u.role === 'clerk')!;
    expect(body).toEqual({ user: { id: user.id, name: user.name, role: 'clerk', roles: ['clerk'] }, agency: { id: agency.id, code: HEALTH_DEPT, name: agency.name, level: agency.level } });
  });

  it('admin and auditor of the province', async () => {
    for (const [token, role] of [[h.tokens.admin, 'admin'], [h.tokens.auditor, 'auditor']] as const) {
      const res = await me(token);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ user: { role }, agency: { code: PROVINCE, level: 'province' } });
    }
  });

  it('no token: 401 UNAUTHENTICATED', async () => {
    const res = await me();
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });
});
