// Agencies, users, tokens, certificates, trust anchors, CRLs and blobs: the store contracts.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { isDocaxisError } from '../../src/errors.js';
import { forEachDatabase } from '../support/databases.js';
import { agencyCode, seedAgency, seedUser, sha } from './seed.js';

/** db.execute answers an array (postgres-js) or { rows } (PGlite). */
const rowsOf = <T,>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

forEachDatabase('directory stores', (t) => {
  describe('agencies', () => {
    it('inserts, finds by code and id, lists, deactivates', async () => {
      const s = t.stores;
      const code = agencyCode();
      const a = await s.agencies.insert({ code, name: 'UBND tỉnh', level: 'province', parentCode: null, active: true });
      expect(a).toMatchObject({ code, name: 'UBND tỉnh', level: 'province', parentCode: null, active: true });
      expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(a.createdAt).toBeInstanceOf(Date);
      expect(await s.agencies.byCode(code)).toEqual(a);
      expect(await s.agencies.byId(a.id)).toEqual(a);
      expect(await s.agencies.byCode('nope')).toBeUndefined();
      expect(await s.agencies.byId('00000000-0000-0000-0000-000000000000')).toBeUndefined();
      expect((await s.agencies.list()).map((x) => x.id)).toContain(a.id);
      await s.agencies.setActive(a.id, false);
      expect((await s.agencies.byId(a.id))?.active).toBe(false);
    });

    it('maps a duplicate code to AGENCY_EXISTS and keeps the transaction usable', async () => {
      const a = await seedAgency(t.stores);
      await t.stores.transaction(async (tx) => {
        const err = await tx.agencies.insert({ code: a.code, name: 'x', level: 'district', parentCode: null, active: true }).catch((e: unknown) => e);
        expect(isDocaxisError(err, 'AGENCY_EXISTS')).toBe(true);
        // PostgreSQL aborts a transaction on an error; the store must not have caused one.
        expect(await tx.agencies.byCode(a.code)).toEqual(a);
      });
    });
  });

  describe('users and tokens', () => {
    it('inserts, lists per agency, deactivates users', async () => {
      const a = await seedAgency(t.stores);
      const u1 = await seedUser(t.stores, a.id, { role: 'admin' });
      const u2 = await seedUser(t.stores, a.id, { role: 'auditor' });
      expect(u1).toMatchObject({ agencyId: a.id, role: 'admin', active: true });
      expect(await t.stores.users.byId(u1.id)).toEqual(u1);
      expect((await t.stores.users.list(a.id)).map((u) => u.id).sort()).toEqual([u1.id, u2.id].sort());
      expect((await t.stores.users.list()).length).toBeGreaterThanOrEqual(2);
      await t.stores.users.setActive(u2.id, false);
      expect((await t.stores.users.byId(u2.id))?.active).toBe(false);
    });

    it('resolves a principal only for an active token, user and agency', async () => {
      const s = t.stores;
      const a = await seedAgency(s);
      const u = await seedUser(s, a.id);
      const hash = sha();
      const token = await s.tokens.insert({ userId: u.id, tokenHash: hash, label: 'cli' });
      expect(token).toMatchObject({ userId: u.id, label: 'cli', revokedAt: null });
      expect(token).not.toHaveProperty('tokenHash');
      expect(await s.tokens.findPrincipal(hash)).toEqual({ user: u, agency: a, tokenId: token.id });
      expect(await s.tokens.findPrincipal(sha())).toBeUndefined();

      await s.agencies.setActive(a.id, false);
      expect(await s.tokens.findPrincipal(hash)).toBeUndefined();
      await s.agencies.setActive(a.id, true);
      await s.users.setActive(u.id, false);
      expect(await s.tokens.findPrincipal(hash)).toBeUndefined();
      await s.users.setActive(u.id, true);
      expect(await s.tokens.findPrincipal(hash)).toBeDefined();

      const at = new Date('2025-05-06T07:08:09.123Z');
      await s.tokens.revoke(token.id, at);
      await s.tokens.revoke(token.id, new Date()); // a second revocation keeps the first time
      expect(await s.tokens.findPrincipal(hash)).toBeUndefined();
      expect(await s.tokens.listForUser(u.id)).toEqual([{ ...token, revokedAt: at }]);
    });
  });

  describe('certificates and trust', () => {
    it('binds certificates to an agency, idempotently, with bytes and dates intact', async () => {
      const a = await seedAgency(t.stores);
      const der = new Uint8Array(randomBytes(300));
      const input = {
        agencyId: a.id,
        der,
        fingerprintSha256: sha(),
        subject: 'CN=Sở Nội vụ',
        notBefore: new Date('2025-01-01T00:00:00.000Z'),
        notAfter: new Date('2027-01-01T00:00:00.000Z'),
      };
      const c = await t.stores.certificates.insert(input);
      expect(c).toMatchObject({ ...input, active: true });
      expect(c.der).toBeInstanceOf(Uint8Array);
      expect(Buffer.isBuffer(c.der)).toBe(false);
      expect(await t.stores.certificates.insert(input)).toEqual(c);
      const c2 = await t.stores.certificates.insert({ ...input, fingerprintSha256: sha() });
      await t.stores.certificates.setActive(c2.id, false);
      expect((await t.stores.certificates.listForAgency(a.id)).map((x) => x.id)).toEqual([c.id, c2.id]);
      expect(await t.stores.certificates.listForAgency(a.id, true)).toEqual([c]);
    });

    it('gives every binding of the fingerprints asked for, active or not, in any case, without DER', async () => {
      const [a, b] = [await seedAgency(t.stores), await seedAgency(t.stores)];
      const cert = (agencyId: string, fingerprintSha256: string) =>
        t.stores.certificates.insert({ agencyId, der: new Uint8Array([0x30, 0]), fingerprintSha256, subject: 'CN=x', notBefore: new Date(), notAfter: new Date() });
      const [fa, fb, unbound] = [sha(), sha(), sha()];
      await cert(a.id, fa);
      await t.stores.certificates.setActive((await cert(b.id, fb)).id, false);
      await cert(a.id, fb); // bound twice: one binding per agency
      const byKey = (xs: { fingerprintSha256: string; agencyId: string; active: boolean }[]) => [...xs].sort((x, y) => `${x.fingerprintSha256}${x.agencyId}`.localeCompare(`${y.fingerprintSha256}${y.agencyId}`));
      expect(byKey(await t.stores.certificates.bindingsAmong([fa.toUpperCase(), fb, fb, unbound]))).toEqual(
        byKey([
          { fingerprintSha256: fa, agencyId: a.id, active: true },
          { fingerprintSha256: fb, agencyId: b.id, active: false },
          { fingerprintSha256: fb, agencyId: a.id, active: true },
        ]),
      );
      expect(await t.stores.certificates.bindingsAmong([unbound])).toEqual([]);
      expect(await t.stores.certificates.bindingsAmong([])).toEqual([]);
    });

    it('keeps trust anchors and CRLs', async () => {
      const s = t.stores;
      const fp = sha();
      const anchor = await s.trust.addAnchor({ der: new Uint8Array([0x30, 1, 2]), fingerprintSha256: fp, subject: 'CN=Root' });
      expect(await s.trust.addAnchor({ der: new Uint8Array([0x30]), fingerprintSha256: fp, subject: 'CN=Root' })).toEqual(anchor);
      expect(await s.trust.anchors(true)).toContainEqual(anchor);
      await s.trust.setAnchorActive(anchor.id, false);
      expect((await s.trust.anchors(true)).map((x) => x.id)).not.toContain(anchor.id);
      expect((await s.trust.anchors()).map((x) => x.id)).toContain(anchor.id);

      const older = await s.trust.addCrl({ der: new Uint8Array([1]), issuer: 'CN=CA', thisUpdate: new Date('2025-01-01Z'), nextUpdate: null });
      const newer = await s.trust.addCrl({
        der: new Uint8Array([2]),
        issuer: 'CN=CA',
        thisUpdate: new Date('2025-02-01Z'),
        nextUpdate: new Date('2025-03-01Z'),
      });
      expect(await s.trust.crls()).toEqual([newer, older]);
    });

    it('gives a trust version that changes with every anchor activation and CRL, and only then', async () => {
      const s = t.stores;
      const v0 = await s.trust.version();
      expect(await s.trust.version()).toBe(v0);
      const anchor = await s.trust.addAnchor({ der: new Uint8Array([0x30, 9]), fingerprintSha256: sha(), subject: 'CN=Version Root' });
      const v1 = await s.trust.version();
      expect(v1).not.toBe(v0);
      expect(v1).toContain(anchor.id);
      await s.trust.setAnchorActive(anchor.id, false);
      const v2 = await s.trust.version();
      expect(v2).not.toContain(anchor.id);
      const crl = await s.trust.addCrl({ der: new Uint8Array([3]), issuer: 'CN=Version CA', thisUpdate: new Date('2025-01-01Z'), nextUpdate: null });
      const v3 = await s.trust.version();
      expect(v3).not.toBe(v2);
      expect(v3).toContain(crl.id);
      await s.trust.setAnchorActive(anchor.id, true);
      expect(await s.trust.version()).toContain(anchor.id);
    });
  });

  describe('blobs', () => {
    it('stores bytes once by hash and reads them back', async () => {
      const bytes = new Uint8Array(randomBytes(100_000));
      const h = sha();
      await t.stores.blobs.put(h, bytes);
      await t.stores.blobs.put(h, new Uint8Array([9])); // no-op: never rewritten
      const back = await t.stores.blobs.get(h);
      expect(back).toEqual(bytes);
      expect(Buffer.isBuffer(back)).toBe(false);
      expect(await t.stores.blobs.get(sha())).toBeUndefined();
    });

    it('round-trips every byte value, an empty file and a 300 KB one exactly (the base64 write path)', async () => {
      const every = new Uint8Array(256 * 4).map((_, i) => i % 256);
      // A view into a larger buffer: only its own bytes may be written.
      const backing = new Uint8Array(randomBytes(300 * 1024 + 10));
      const big = backing.subarray(5, backing.length - 5);
      for (const bytes of [every, new Uint8Array(0), big, new Uint8Array([0])]) {
        const h = sha();
        await t.stores.transaction((tx) => tx.blobs.put(h, bytes));
        const back = await t.stores.blobs.get(h);
        expect(back?.byteLength).toBe(bytes.byteLength);
        expect(Buffer.compare(Buffer.from(back!), Buffer.from(bytes))).toBe(0);
      }
    });

    it('stores blobs uncompressed and out of line (STORAGE EXTERNAL, migration 0003)', async () => {
      const db = t.database.db;
      const [col] = rowsOf<{ attstorage: string }>(await db.execute(sql`select attstorage from pg_attribute where attrelid = 'blobs'::regclass and attname = 'bytes'`));
      expect(col?.attstorage).toBe('e');
      // Highly compressible bytes: under the default EXTENDED storage they would be pglz-compressed.
      const h = sha();
      await t.stores.blobs.put(h, new Uint8Array(64 * 1024).fill(0x20));
      const [row] = rowsOf<{ method: string | null; stored: number }>(
        await db.execute(sql`select pg_column_compression(bytes) as method, pg_column_size(bytes) as stored from blobs where sha256 = ${h}`),
      );
      expect(row?.method).toBeNull();
      expect(Number(row?.stored)).toBeGreaterThanOrEqual(64 * 1024);
    });
  });
});
