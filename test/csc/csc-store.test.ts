// The remote signing store contract (ports-csc.ts) on PGlite, PostgreSQL and the in-memory test
// double: values read back as written, a pending signature moves only by compare-and-set on its
// status (a poller and a callback racing cannot both complete it), the database refuses an unknown
// status, and a provider row has no column for a secret.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Stores } from '../../src/db/ports.js';
import { forEachDatabase, rowsOf } from '../support/databases.js';
import { MemoryStores } from '../support/memory-stores.js';
import { metadata, seedAgency, seedUser } from '../db/seed.js';

async function seedPending(s: Stores) {
  const at = new Date('2026-06-01T01:02:03.456Z');
  const agency = await seedAgency(s);
  const user = await seedUser(s, agency.id, { role: 'signer' });
  const provider = await s.csc.insertProvider({ name: `p-${randomBytes(4).toString('hex')}`, baseUrl: 'https://rssp.example/csc/v2', apiVersion: 'v2', oauthTokenUrl: 'https://rssp.example/oauth2/token', clientId: 'c', clientSecretEnv: 'CSC_SECRET', agencyIds: [agency.id], active: true }, at);
  const cert = new Uint8Array(randomBytes(40));
  const credential = await s.csc.insertCredential({ userId: user.id, providerId: provider.id, credentialId: 'cred-1', certificateSha256: 'ab'.repeat(32), certificates: [cert], keyAlgorithm: 'rsa', authMode: 'implicit', scal: '2', subject: 'CN=Nguyễn Văn An' }, at);
  const { codeNumber: _n, ...meta } = metadata();
  const draft = await s.drafts.insert({ agencyId: agency.id, drafterUserId: user.id, signerUserId: user.id, status: 'submitted', metadata: meta, currentVersion: 1 }, at);
  const prepared = await s.drafts.insertPrepared({ draftId: draft.id, version: 1, userId: user.id, certificateSha256: 'ab'.repeat(32), certificates: [cert], record: {}, update: new Uint8Array([1, 2, 3]), expiresAt: new Date(at.getTime() + 600_000) }, at);
  const pending = await s.csc.insertPending({ draftId: draft.id, userId: user.id, credentialRef: credential.id, preparedId: prepared.id, digest: 'AAAA', status: 'awaiting-confirmation', transactionId: null, callbackSecretSha256: 'cd'.repeat(32), errorCode: null, expiresAt: prepared.expiresAt }, at);
  return { at, provider, credential, pending, cert, user };
}

async function contract(s: Stores) {
  const { at, provider, credential, pending, cert, user } = await seedPending(s);
  expect(await s.csc.providerById(provider.id)).toEqual(provider);
  expect(await s.csc.credentialById(credential.id)).toEqual(credential);
  expect(Buffer.from((await s.csc.credentialsOf(user.id))[0]!.certificates[0]!).equals(Buffer.from(cert))).toBe(true);
  expect(await s.csc.pendingById(pending.id)).toEqual(pending);
  expect((await s.csc.awaitingConfirmation()).map((p) => p.id)).toContain(pending.id);

  const later = new Date(at.getTime() + 1000);
  expect(await s.csc.updatePending(pending.id, 'awaiting-confirmation', { transactionId: 'tx-1' }, later)).toBe(true);
  // Two hands complete at once: one wins.
  const race = await Promise.all([
    s.csc.updatePending(pending.id, 'awaiting-confirmation', { status: 'completed' }, later),
    s.csc.updatePending(pending.id, 'awaiting-confirmation', { status: 'failed', errorCode: 'X' }, later),
  ]);
  expect(race.filter(Boolean)).toHaveLength(1);
  expect((await s.csc.awaitingConfirmation()).map((p) => p.id)).not.toContain(pending.id);
  expect(await s.csc.updateProvider(provider.id, { active: false }, later)).toMatchObject({ active: false, updatedAt: later });
}

forEachDatabase('csc stores', (t) => {
  it('store contract', () => contract(t.stores));

  it('the database refuses an unknown status or auth mode; no column holds a secret', async () => {
    const { pending } = await seedPending(t.stores);
    await expect(t.database.db.execute(sql.raw(`update csc_pending set status = 'signed-somehow' where id = '${pending.id}'`))).rejects.toThrow();
    await expect(t.database.db.execute(sql.raw(`update csc_credentials set auth_mode = 'magic'`))).rejects.toThrow();
    const columns = rowsOf<{ column_name: string }>(await t.database.db.execute(sql.raw(`select column_name from information_schema.columns where table_name in ('csc_providers', 'csc_credentials', 'csc_pending')`))).map((r) => r.column_name);
    expect(columns).toContain('client_secret_env');
    expect(columns.filter((c) => /sad|^access_token|^client_secret$/.test(c))).toEqual([]);
  });
});

describe('csc stores [memory]', () => {
  it('store contract', () => contract(new MemoryStores()));
});
