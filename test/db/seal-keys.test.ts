// The SealKeyStore contract on PGlite and PostgreSQL: one active binding per agency (the partial
// unique index), deactivation keeps the row, the certificate DER comes back byte for byte.
import { expect, it } from 'vitest';
import { readCertificates } from '../../src/pki/pem.js';
import { forEachDatabase } from '../support/databases.js';
import { fixture } from '../support/fixtures.js';
import { seedAgency, seedUser, sha } from './seed.js';

const der = readCertificates(fixture('seal-vpcp.cert.pem'))[0]!;

forEachDatabase('seal keys', (t) => {
  const input = (agencyId: string, createdBy: string | null) => ({ agencyId, modulePath: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'vpcp', keyLabel: 'seal', keyId: '01', certificateDer: der, fingerprintSha256: sha(), pinEnv: 'SEAL_PIN', createdBy });

  it('stores a binding as given and finds it as the active one', async () => {
    const agency = await seedAgency(t.stores);
    const admin = await seedUser(t.stores, agency.id, { role: 'admin' });
    const row = await t.stores.sealKeys.insert(input(agency.id, admin.id));
    expect(row).toMatchObject({ agencyId: agency.id, tokenLabel: 'vpcp', keyLabel: 'seal', keyId: '01', pinEnv: 'SEAL_PIN', active: true, createdBy: admin.id });
    const active = await t.stores.sealKeys.activeFor(agency.id);
    expect(Buffer.from(active!.certificateDer).equals(Buffer.from(der))).toBe(true);
    expect(await t.stores.sealKeys.activeFor((await seedAgency(t.stores)).id)).toBeUndefined();
  });

  it('a second active binding for the agency is refused by the database; deactivate then insert works', async () => {
    const agency = await seedAgency(t.stores);
    await t.stores.sealKeys.insert(input(agency.id, null));
    await expect(t.stores.sealKeys.insert(input(agency.id, null))).rejects.toThrow();
    expect(await t.stores.sealKeys.deactivate(agency.id)).toBe(1);
    expect(await t.stores.sealKeys.deactivate(agency.id)).toBe(0);
    const second = await t.stores.sealKeys.insert(input(agency.id, null));
    const all = await t.stores.sealKeys.listFor(agency.id);
    expect(all).toHaveLength(2);
    expect(all.filter((b) => b.active).map((b) => b.id)).toEqual([second.id]);
  });

  it('a binding names a key label or a key id (CHECK)', async () => {
    const agency = await seedAgency(t.stores);
    await expect(t.stores.sealKeys.insert({ ...input(agency.id, null), keyLabel: null, keyId: null })).rejects.toThrow();
    expect(await t.stores.sealKeys.listFor(agency.id)).toHaveLength(0);
  });
});
