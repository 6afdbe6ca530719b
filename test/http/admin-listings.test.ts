// The admin listings behind the management pages: CRLs, an agency's certificates, a user's
// tokens. Admin only (an auditor reviews the log, not the configuration); never a DER blob, a
// token secret or its hash; an unknown agency or user is a logged 404.
import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { describeCertificate } from '../../src/pki/certificate.js';
import { readCertificates } from '../../src/pki/pem.js';
import { forEachDatabase } from '../support/databases.js';
import { fixture } from '../support/fixtures.js';
import { HEALTH_DEPT, HOME_AFFAIRS, PROVINCE, type Harness, startHarness } from './harness.js';

forEachDatabase('http admin listings', (t) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(t.stores);
  });

  const get = (url: string, authorization: string) => h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { authorization } });

  const refusedToNonAdmins = async (url: string) => {
    for (const token of [h.tokens.auditor, h.tokens.clerk(PROVINCE), h.tokens.clerk(HEALTH_DEPT)]) {
      const before = (await t.stores.log.head())?.seq ?? 0;
      const res = await get(url, token);
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
      expect((await t.stores.log.range(before + 1, before + 10)).map((e) => e.event)).toContain('access.denied');
    }
  };

  const notFoundLogged = async (url: string) => {
    const before = (await t.stores.log.head())?.seq ?? 0;
    const res = await get(url, h.tokens.admin);
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
    expect((await t.stores.log.range(before + 1, before + 10)).map((e) => e.event)).toContain('access.denied');
  };

  it('GET /admin/crls: the stored CRLs without their DER', async () => {
    const res = await get('/admin/crls', h.tokens.admin);
    expect(res.statusCode, res.body).toBe(200);
    const crls = res.json() as Array<Record<string, unknown>>;
    expect(crls.length).toBe((await t.stores.trust.crls()).length);
    expect(crls.length).toBeGreaterThan(0);
    for (const c of crls) {
      expect(Object.keys(c).sort()).toEqual(['createdAt', 'id', 'issuer', 'nextUpdate', 'thisUpdate']);
      expect(Number.isNaN(Date.parse(c['thisUpdate'] as string))).toBe(false);
    }
    await refusedToNonAdmins('/admin/crls');
  });

  it('GET /admin/agencies/:code/certificates: the agency’s seal certificates without their DER', async () => {
    const seal = describeCertificate(readCertificates(fixture('seal-ubnd-thai-binh.cert.pem'))[0]!);
    const res = await get(`/admin/agencies/${PROVINCE}/certificates`, h.tokens.admin);
    expect(res.statusCode, res.body).toBe(200);
    const certs = res.json() as Array<Record<string, unknown>>;
    expect(certs.map((c) => c['fingerprintSha256'])).toEqual([seal.fingerprintSha256]);
    expect(Object.keys(certs[0]!).sort()).toEqual(['active', 'agencyId', 'createdAt', 'fingerprintSha256', 'id', 'notAfter', 'notBefore', 'subject']);
    expect(certs[0]).toMatchObject({ active: true, agencyId: (await t.stores.agencies.byCode(PROVINCE))!.id, subject: seal.subject.text });

    const other = await get(`/admin/agencies/${HOME_AFFAIRS}/certificates`, h.tokens.admin);
    expect(other.statusCode).toBe(200);
    expect(other.json()).toHaveLength(1);
    expect(other.json()[0].fingerprintSha256).not.toBe(seal.fingerprintSha256);

    await notFoundLogged('/admin/agencies/999.99.99.Z99/certificates');
    await refusedToNonAdmins(`/admin/agencies/${PROVINCE}/certificates`);
  });

  it('GET /admin/users/:id/tokens: issued and revoked tokens, never a secret or a hash', async () => {
    const agency = (await t.stores.agencies.byCode(HOME_AFFAIRS))!;
    const clerk = (await t.stores.users.list(agency.id)).find((u) => u.role === 'clerk')!;
    const issued = await h.app.inject({ method: 'POST', url: `/api/v1/admin/users/${clerk.id}/tokens`, headers: { authorization: h.tokens.admin }, payload: { label: 'listing' } });
    expect(issued.statusCode, issued.body).toBe(201);
    const { token, secret } = issued.json() as { token: { id: string }; secret: string };
    const revoked = await h.app.inject({ method: 'DELETE', url: `/api/v1/admin/tokens/${token.id}`, headers: { authorization: h.tokens.admin } });
    expect(revoked.statusCode).toBe(204);

    const res = await get(`/admin/users/${clerk.id}/tokens`, h.tokens.admin);
    expect(res.statusCode, res.body).toBe(200);
    const tokens = res.json() as Array<Record<string, unknown>>;
    expect(tokens.length).toBe(2); // the demo seed's token and this one
    for (const tk of tokens) expect(Object.keys(tk).sort()).toEqual(['createdAt', 'id', 'label', 'revokedAt', 'userId']);
    expect(tokens.find((tk) => tk['id'] === token.id)).toMatchObject({ label: 'listing', userId: clerk.id, revokedAt: expect.any(String) });
    expect(tokens.filter((tk) => tk['revokedAt'] === null)).toHaveLength(1);
    expect(res.body).not.toContain(secret);
    expect(res.body).not.toMatch(/dax_/);

    await notFoundLogged(`/admin/users/${randomUUID()}/tokens`);
    await refusedToNonAdmins(`/admin/users/${clerk.id}/tokens`);
  });

  it('a malformed user id is a 400 before any lookup', async () => {
    const res = await get('/admin/users/not-a-uuid/tokens', h.tokens.admin);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('USAGE');
  });
});
