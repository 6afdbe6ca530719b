// Admin changes: admin role only, each logged 'admin.*' with what changed and never a secret.
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors.js';
import { addAgencyCertificate, addCrl, addTrustAnchor, createAgency, createUser, issueToken, listAgencies, listTrustAnchors, listUsers, revokeToken, setAgencyActive } from '../../src/exchange/admin.js';
import { deriveLevel, parentCodeOf } from '../../src/exchange/agency-code.js';
import { hashToken } from '../../src/exchange/auth.js';
import { fixture } from '../support/fixtures.js';
import { CODES, lastLog, makeWorld, refused } from './world.js';

describe('agencies', () => {
  it('creates with a strict code, derives level and parent, logs the change', async () => {
    const w = await makeWorld();
    const dept = await createAgency(w.deps, w.admin, { code: '000.00.07.H54', name: 'Sở Tài chính' });
    expect(dept).toMatchObject({ level: 'province', parentCode: CODES.province, active: true });
    expect(lastLog(w)).toMatchObject({ event: 'admin.agency', actorUserId: w.admin.user.id, agencyId: dept.id, details: { action: 'create', code: '000.00.07.H54', level: 'province', parentCode: CODES.province } });
    expect(await createAgency(w.deps, w.admin, { code: '000.17.40.H54', name: 'UBND xã Đông Phương' })).toMatchObject({ level: 'commune', parentCode: CODES.district });
    expect(await createAgency(w.deps, w.admin, { code: '000.01.07.H54', name: 'Phòng Ngân sách' })).toMatchObject({ level: 'province', parentCode: '000.00.07.H54' });
    expect(await createAgency(w.deps, w.admin, { code: '000.00.00.G09', name: 'Bộ Y tế' })).toMatchObject({ level: 'central', parentCode: null });
    expect(await createAgency(w.deps, w.admin, { code: '000.00.41.H54', name: 'UBND huyện Hưng Hà', level: 'district' })).toMatchObject({ level: 'district' });
    expect((await listAgencies(w.deps, w.clerk.dongXa)).map((a) => a.code)).toContain('000.00.41.H54');
  });

  it('the level rule', () => {
    expect(deriveLevel('000.00.00.G22', undefined)).toBe('central');
    expect(deriveLevel('000.00.00.H54', undefined)).toBe('province');
    expect(deriveLevel('000.00.00.K54', undefined)).toBe('province');
    expect(deriveLevel('000.00.12.H54', undefined)).toBe('province');
    expect(deriveLevel('000.15.40.H54', 'district')).toBe('commune');
    expect(deriveLevel('000.15.40.H54', undefined)).toBe('commune');
    expect(deriveLevel('000.02.12.H54', 'province')).toBe('province');
    expect(parentCodeOf('001.15.40.H54')).toBe('000.15.40.H54');
    expect(parentCodeOf('000.15.40.H54')).toBe('000.00.40.H54');
    expect(parentCodeOf('000.00.40.H54')).toBe('000.00.00.H54');
    expect(parentCodeOf('000.00.00.H54')).toBeNull();
  });

  it.each(['H54', '000.00.00.h54', '000.0.00.H54', 'vxp.saas.03', ' '])('code %j: AGENCY_CODE_INVALID', async (code) => {
    const w = await makeWorld();
    const e = await refused(createAgency(w.deps, w.admin, { code, name: 'X' }), 'AGENCY_CODE_INVALID');
    expect(e.message).toContain(ERROR_CATALOGUE.AGENCY_CODE_INVALID.message);
  });

  it('AGENCY_EXISTS, unknown parent, non-admins FORBIDDEN (logged); nothing written', async () => {
    const w = await makeWorld();
    const count = w.stores.state.agencies.length;
    await refused(createAgency(w.deps, w.admin, { code: CODES.health, name: 'Trùng' }), 'AGENCY_EXISTS');
    await refused(createAgency(w.deps, w.admin, { code: '000.00.09.H54', name: 'X', parentCode: '000.00.00.H99' }), 'METADATA_INVALID');
    for (const p of [w.clerk.province, w.auditor]) {
      await refused(createAgency(w.deps, p, { code: '000.00.09.H54', name: 'X' }), 'FORBIDDEN');
      expect(lastLog(w)).toMatchObject({ event: 'access.denied', details: { what: 'create agency' } });
    }
    expect(w.stores.state.agencies).toHaveLength(count);
  });

  it('deactivate / activate, logged with from and to', async () => {
    const w = await makeWorld();
    expect(await setAgencyActive(w.deps, w.admin, CODES.dongHop, false)).toMatchObject({ active: false });
    expect(lastLog(w).details).toEqual({ action: 'deactivate', code: CODES.dongHop, from: true, to: false });
    await setAgencyActive(w.deps, w.admin, CODES.dongHop, true);
    expect(lastLog(w).details).toMatchObject({ action: 'activate' });
    await refused(setAgencyActive(w.deps, w.admin, '000.00.99.H54', false), 'NOT_FOUND');
  });
});

describe('users and tokens', () => {
  it('creates users, issues a token once (secret never logged), revokes it', async () => {
    const w = await makeWorld();
    const user = await createUser(w.deps, w.admin, { agencyCode: CODES.dongHop, name: 'Văn thư 2', role: 'clerk' });
    expect(lastLog(w)).toMatchObject({ event: 'admin.user', details: { action: 'create', userId: user.id, role: 'clerk', agencyCode: CODES.dongHop } });
    expect((await listUsers(w.deps, w.admin, CODES.dongHop)).map((u) => u.name)).toContain('Văn thư 2');
    const { token, secret } = await issueToken(w.deps, w.admin, user.id, 'máy văn thư');
    expect(lastLog(w).details).toEqual({ action: 'issue', tokenId: token.id, userId: user.id, label: 'máy văn thư' });
    const log = JSON.stringify(w.stores.state.log);
    expect(log).not.toContain(secret);
    expect(log).not.toContain(hashToken(secret));
    await revokeToken(w.deps, w.admin, token.id);
    expect(lastLog(w).details).toEqual({ action: 'revoke', tokenId: token.id });
    expect(w.stores.state.tokens.find((t) => t.id === token.id)!.revokedAt).not.toBeNull();
  });

  it('refusals', async () => {
    const w = await makeWorld();
    await refused(createUser(w.deps, w.admin, { agencyCode: CODES.dongHop, name: 'X', role: 'root' as 'admin' }), 'METADATA_INVALID');
    await refused(createUser(w.deps, w.admin, { agencyCode: '000.00.99.H54', name: 'X', role: 'clerk' }), 'NOT_FOUND');
    await refused(createUser(w.deps, w.admin, { agencyCode: CODES.dongHop, name: '  ', role: 'clerk' }), 'METADATA_INVALID');
    await refused(issueToken(w.deps, w.admin, 'nobody', 'x'), 'NOT_FOUND');
    await refused(issueToken(w.deps, w.clerk.province, w.clerk.province.user.id, 'x'), 'FORBIDDEN');
    await refused(listUsers(w.deps, w.auditor), 'FORBIDDEN');
    await refused(revokeToken(w.deps, w.clerk.province, w.clerk.province.tokenId!), 'FORBIDDEN');
  });
});

describe('certificates, trust anchors, CRLs', () => {
  it('binds a seal certificate to its agency; idempotent; refuses CA, foreign and double-bound ones', async () => {
    const w = await makeWorld();
    const agency = await createAgency(w.deps, w.admin, { code: '000.00.07.H54', name: 'Sở Tài chính' });
    // A personal certificate (no agency code in its subject) can be bound.
    const cert = await addAgencyCertificate(w.deps, w.admin, agency.code, fixture('signer-tran-thi-binh.cert.pem'));
    expect(cert).toMatchObject({ agencyId: agency.id, active: true });
    expect(lastLog(w)).toMatchObject({ event: 'admin.certificate', details: { action: 'add', agencyCode: agency.code, fingerprintSha256: cert.fingerprintSha256 } });
    const entries = w.stores.state.log.length;
    expect((await addAgencyCertificate(w.deps, w.admin, agency.code, fixture('signer-tran-thi-binh.cert.pem'))).id).toBe(cert.id);
    expect(w.stores.state.log).toHaveLength(entries);
    await refused(addAgencyCertificate(w.deps, w.admin, agency.code, fixture('root-ca.cert.pem')), 'METADATA_INVALID');
    const foreign = await refused(addAgencyCertificate(w.deps, w.admin, agency.code, fixture('seal-vpcp.cert.pem')), 'METADATA_INVALID');
    expect(foreign.details).toEqual({ fields: { certificate: `the certificate names agency ${CODES.vpcp}` } });
    const twice = await refused(addAgencyCertificate(w.deps, w.admin, CODES.health, fixture('signer-tran-thi-binh.cert.pem')), 'METADATA_INVALID');
    expect(twice.details).toEqual({ fields: { certificate: 'already bound to agency 000.00.07.H54' } });
    await refused(addAgencyCertificate(w.deps, w.admin, agency.code, new TextEncoder().encode('not a certificate')), 'CERT_MALFORMED');
    await refused(addAgencyCertificate(w.deps, w.clerk.province, agency.code, fixture('signer-tran-thi-binh.cert.pem')), 'FORBIDDEN');
  });

  it('trust anchors: CA certificates only, no duplicates, logged', async () => {
    const w = await makeWorld();
    const before = (await listTrustAnchors(w.deps, w.admin)).length;
    const [same] = await addTrustAnchor(w.deps, w.admin, fixture('root-ca.cert.pem'));
    expect(await listTrustAnchors(w.deps, w.admin)).toHaveLength(before);
    expect(same!.subject).toContain('TEST');
    const added = await addTrustAnchor(w.deps, w.admin, fixture('intermediate-ca.cert.pem'));
    expect(added).toHaveLength(1);
    expect(lastLog(w)).toMatchObject({ event: 'admin.trust-anchor', details: { action: 'add', fingerprintSha256: added[0]!.fingerprintSha256 } });
    await refused(addTrustAnchor(w.deps, w.admin, fixture('seal-vpcp.cert.pem')), 'METADATA_INVALID');
    await refused(listTrustAnchors(w.deps, w.auditor), 'FORBIDDEN');
  });

  it('CRLs: PEM or DER, no duplicates, logged', async () => {
    const w = await makeWorld();
    const count = w.stores.state.crls.length;
    await addCrl(w.deps, w.admin, fixture('intermediate-ca.crl.der'));
    expect(w.stores.state.crls).toHaveLength(count);
    w.stores.state.crls = [];
    const added = await addCrl(w.deps, w.admin, fixture('crls.pem'));
    expect(added).toHaveLength(2);
    expect(lastLog(w)).toMatchObject({ event: 'admin.crl', details: { action: 'add' } });
    await refused(addCrl(w.deps, w.admin, fixture('root-ca.cert.pem')), 'CRL_MALFORMED');
  });
});
