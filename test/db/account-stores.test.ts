// Credentials, the sign-in throttle, set-password links and sessions: the store contracts on
// PGlite and PostgreSQL. Hashes only; a taken name keeps the transaction usable; the throttle's
// counts are atomic under concurrency; links are single use.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isDocaxisError } from '../../src/errors.js';
import { forEachDatabase } from '../support/databases.js';
import { seedAgency, seedUser, sha } from './seed.js';

const uname = () => `u.${randomBytes(4).toString('hex')}`;

forEachDatabase('account stores', (t) => {
  describe('credentials', () => {
    it('inserts, finds by name and user, sets the password; a taken name is USERNAME_TAKEN and the transaction stays usable', async () => {
      const s = t.stores;
      const a = await seedAgency(s);
      const u = await seedUser(s, a.id);
      const name = uname();
      const c = await s.credentials.insert({ userId: u.id, username: name });
      expect(c).toEqual({ userId: u.id, username: name, passwordHash: null, passwordChangedAt: null });
      expect(await s.credentials.byUsername(name)).toEqual(c);
      expect(await s.credentials.byUserId(u.id)).toEqual(c);
      const at = new Date('2026-03-01T08:00:00.123Z');
      await s.credentials.setPassword(u.id, 'scrypt$15$8$3$salt$key', at);
      expect(await s.credentials.byUsername(name)).toEqual({ ...c, passwordHash: 'scrypt$15$8$3$salt$key', passwordChangedAt: at });
      const other = await seedUser(s, a.id);
      await s.transaction(async (tx) => {
        const err = await tx.credentials.insert({ userId: other.id, username: name }).catch((e: unknown) => e);
        expect(isDocaxisError(err, 'USERNAME_TAKEN')).toBe(true);
        expect(await tx.credentials.byUsername(name)).toEqual({ ...c, passwordHash: 'scrypt$15$8$3$salt$key', passwordChangedAt: at });
      });
    });

    it('the database refuses a name of the wrong form', async () => {
      const a = await seedAgency(t.stores);
      const u = await seedUser(t.stores, a.id);
      await expect(t.stores.credentials.insert({ userId: u.id, username: 'Has Spaces' })).rejects.toThrow();
    });
  });

  describe('throttle', () => {
    it('counts concurrent failures without losing any, locks with a growing count, clears', async () => {
      const s = t.stores;
      const name = uname();
      const at = new Date();
      const counts = await Promise.all(Array.from({ length: 8 }, () => s.credentials.addFailure(name, at)));
      expect(counts.map((c) => c.failures).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const until = new Date(at.getTime() + 60_000);
      expect(await s.credentials.lock(name, until, at)).toEqual({ username: name, failures: 0, lockCount: 1, lockedUntil: until });
      expect((await s.credentials.lock(name, until, at)).lockCount).toBe(2);
      expect(await s.credentials.throttle(name)).toEqual({ username: name, failures: 0, lockCount: 2, lockedUntil: until });
      await s.credentials.clearThrottle(name);
      expect(await s.credentials.throttle(name)).toBeUndefined();
    });
  });

  describe('set-password links', () => {
    it('usable once, before expiry; endLinks ends the unused ones; the hash never comes back', async () => {
      const s = t.stores;
      const a = await seedAgency(s);
      const u = await seedUser(s, a.id);
      const at = new Date('2026-03-01T08:00:00Z');
      const hash = sha();
      const link = await s.credentials.insertLink({ userId: u.id, tokenHash: hash, expiresAt: new Date(at.getTime() + 3_600_000) });
      expect(link).not.toHaveProperty('tokenHash');
      expect(await s.credentials.usableLink(hash, at)).toEqual(link);
      expect(await s.credentials.usableLink(hash, new Date(at.getTime() + 3_600_000))).toBeUndefined();
      expect(await s.credentials.useLink(link.id, at)).toBe(true);
      expect(await s.credentials.useLink(link.id, at)).toBe(false);
      expect(await s.credentials.usableLink(hash, at)).toBeUndefined();
      const h2 = sha();
      await s.credentials.insertLink({ userId: u.id, tokenHash: h2, expiresAt: new Date(at.getTime() + 3_600_000) });
      await s.credentials.endLinks(u.id, at);
      expect(await s.credentials.usableLink(h2, at)).toBeUndefined();
    });
  });

  describe('sessions', () => {
    it('finds by secret hash with the principal, touches, revokes one or all but one, lists the open ones; inactive users have none', async () => {
      const s = t.stores;
      const a = await seedAgency(s);
      const u = await seedUser(s, a.id);
      const at = new Date('2026-03-01T08:00:00.000Z');
      const expiresAt = new Date(at.getTime() + 12 * 3_600_000);
      const hashes = [sha(), sha(), sha()];
      const [s1, s2, s3] = await Promise.all(hashes.map((secretHash) => s.sessions.insert({ userId: u.id, secretHash, at, expiresAt, ip: '10.0.0.1', userAgent: 'test' })));
      expect(s1).toEqual({ id: expect.any(String), userId: u.id, createdAt: at, lastSeenAt: at, expiresAt, revokedAt: null, ip: '10.0.0.1', userAgent: 'test' });
      const found = await s.sessions.findBySecret(hashes[0]!);
      expect(found?.session).toEqual(s1);
      expect(found?.principal).toEqual({ user: u, agency: a, tokenId: null, sessionId: s1!.id });
      expect(await s.sessions.findBySecret(sha())).toBeUndefined();
      const later = new Date(at.getTime() + 60_000);
      await s.sessions.touch(s1!.id, later);
      expect((await s.sessions.byId(s1!.id))?.lastSeenAt).toEqual(later);
      await s.sessions.revoke(s3!.id, later);
      await s.sessions.revoke(s3!.id, new Date(later.getTime() + 1000));
      expect((await s.sessions.byId(s3!.id))?.revokedAt).toEqual(later);
      expect((await s.sessions.listOpenForUser(u.id, later)).map((x) => x.id).sort()).toEqual([s1!.id, s2!.id].sort());
      expect(await s.sessions.listOpenForUser(u.id, expiresAt)).toEqual([]);
      expect(await s.sessions.revokeAllForUser(u.id, later, s1!.id)).toBe(1);
      expect((await s.sessions.listOpenForUser(u.id, later)).map((x) => x.id)).toEqual([s1!.id]);
      await s.users.setActive(u.id, false);
      expect(await s.sessions.findBySecret(hashes[0]!)).toBeUndefined();
    });
  });
});
