// The demo province: what the seed creates, and that it runs once.
import { describe, expect, it } from 'vitest';
import { authenticate } from '../../src/exchange/auth.js';
import { seedDemoProvince } from '../../src/exchange/seed-demo.js';
import { verifyLog } from '../../src/exchange/exchange-log.js';
import { FIXTURES_DIR } from '../support/fixtures.js';
import { MemoryStores } from '../support/memory-stores.js';
import { CODES } from './world.js';

describe('seedDemoProvince', () => {
  it('seeds the fixture agencies, their seals, trust, users with tokens; then never again', async () => {
    const stores = new MemoryStores();
    const deps = { stores, clock: () => new Date() };
    const first = await seedDemoProvince(deps, { fixturesDir: FIXTURES_DIR });
    expect(first.seeded).toBe(true);
    const agencies = await stores.agencies.list();
    expect(agencies.map((a) => [a.code, a.level, a.parentCode])).toEqual([
      [CODES.vpcp, 'central', null],
      [CODES.province, 'province', null],
      [CODES.interior, 'province', CODES.province],
      [CODES.health, 'province', CODES.province],
      [CODES.district, 'district', CODES.province],
      [CODES.dongHop, 'commune', CODES.district],
      [CODES.dongXa, 'commune', CODES.district],
    ]);
    expect(agencies.find((a) => a.code === CODES.health)!.name).toBe('Sở Y tế tỉnh Thái Bình');
    for (const a of agencies) expect(await stores.certificates.listForAgency(a.id, true)).toHaveLength(1);
    expect(await stores.trust.anchors(true)).toHaveLength(1);
    expect(await stores.trust.crls()).toHaveLength(2);
    expect(first.users.map((u) => u.role).sort()).toEqual([...Array(7).fill('clerk'), 'admin', 'auditor', 'drafter', 'drafter', 'signer', 'signer'].sort());
    // The signers sign drafts with their agency's leader's fixture certificate (certs-fixtures/manifest.json).
    expect(first.users.filter((u) => u.role === 'signer').map((u) => [u.agencyCode, u.username, u.p12])).toEqual([
      [CODES.province, 'lanhdao.h54', 'signer-nguyen-van-an.p12'],
      [CODES.health, 'lanhdao.12.h54', 'signer-tran-thi-binh.p12'],
    ]);
    for (const u of first.users) {
      const p = await authenticate(deps, u.token, {});
      expect([p.user.role, p.agency.code]).toEqual([u.role, u.agencyCode]);
    }
    expect(first.users.find((u) => u.role === 'admin')!.agencyCode).toBe(CODES.province);
    const admin = await authenticate(deps, first.users.find((u) => u.role === 'admin')!.token, {});
    expect(await verifyLog(deps, admin)).toMatchObject({ ok: true });
    expect(JSON.stringify(stores.state.log)).not.toContain(first.users[0]!.token);

    const entries = stores.state.log.length;
    expect(await seedDemoProvince(deps, { fixturesDir: FIXTURES_DIR })).toEqual({ seeded: false, users: [] });
    expect(await stores.agencies.list()).toHaveLength(7);
    expect(stores.state.log).toHaveLength(entries);
  });

  it('two instances starting together seed once', async () => {
    const stores = new MemoryStores();
    const deps = { stores, clock: () => new Date() };
    const results = await Promise.all([seedDemoProvince(deps, { fixturesDir: FIXTURES_DIR }), seedDemoProvince(deps, { fixturesDir: FIXTURES_DIR })]);
    expect(results.map((r) => r.seeded).sort()).toEqual([false, true]);
    expect(await stores.agencies.list()).toHaveLength(7);
  });
});
