// Passwords, sessions and lockout on in-memory stores with a pinned clock: scrypt hashes carry
// their parameters and a salt each; sessions end when idle, at the absolute cap, on sign-out and
// on a password change; each lock is longer than the last; unknown names cost the same work.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCK_POLICY, changePassword, lockMinutes, signIn } from '../../src/exchange/accounts.js';
import { createPasswordLink, revokeSession } from '../../src/exchange/admin-accounts.js';
import { checkPasswordPolicy, hashPassword, needsRehash, verifyPassword } from '../../src/exchange/passwords.js';
import { csrfMatches, csrfTokenOf, endSession, resolveSession, type SessionSettings } from '../../src/exchange/sessions.js';
import { DEMO_PASSWORD } from '../../src/exchange/seed-demo.js';
import { isDocaxisError } from '../../src/errors.js';
import { CODES, makeWorld, refused } from './world.js';

const SETTINGS: SessionSettings = { idleMinutes: 30, maxHours: 12 };
const LOW = { logN: 10, r: 8, p: 1 };

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2026-03-01T08:00:00Z')) {
  let now = start;
  return { clock: () => new Date(now), advance: (ms: number) => (now += ms) };
}

describe('passwords (scrypt)', () => {
  it('encodes the parameters with a fresh salt per hash, verifies in both directions, flags weaker parameters for rehash', async () => {
    const a = await hashPassword('correct horse battery', LOW);
    const b = await hashPassword('correct horse battery', LOW);
    expect(a).toMatch(/^scrypt\$10\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(needsRehash(a)).toBe(true);
    expect(needsRehash(a, LOW)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
  });

  it('an unknown user (no hash) costs a full default-cost scrypt and is false', async () => {
    const real = await hashPassword('the right password');
    // CPU time, not wall time (the machine is shared): both run one scrypt at the default cost.
    const cpu = async (fn: () => Promise<unknown>) => {
      const t0 = process.cpuUsage();
      await fn();
      const d = process.cpuUsage(t0);
      return d.user + d.system;
    };
    await verifyPassword('warm-up', null);
    const known = await cpu(() => verifyPassword('a wrong password', real));
    const unknown = await cpu(() => verifyPassword('a wrong password', null));
    expect(await verifyPassword('the right password', null)).toBe(false);
    expect(unknown).toBeGreaterThan(known * 0.5);
    expect(unknown).toBeLessThan(known * 2);
  });

  it('policy: 12 to 256 characters, counted as characters not bytes', () => {
    expect(() => checkPasswordPolicy('elevenchars')).toThrow(/too short/);
    expect(checkPasswordPolicy('mật khẩu dài')).toBe('mật khẩu dài');
    expect(() => checkPasswordPolicy('x'.repeat(257))).toThrow();
  });
});

describe('sessions', () => {
  it('end after the idle time, refresh with use, and never outlive the absolute cap', async () => {
    const c = manualClock();
    const w = await makeWorld(c.clock);
    const s = await signIn(w.deps, SETTINGS, { username: 'kiemtra', password: DEMO_PASSWORD }, { ip: '10.0.0.1' });
    expect(s.principal.sessionId).toBe(s.session.id);
    expect(s.principal.tokenId).toBeNull();
    c.advance(29 * 60_000);
    expect('principal' in (await resolveSession(w.deps, SETTINGS, s.secret))).toBe(true);
    c.advance(29 * 60_000); // 58 min since sign-in, 29 since last use
    expect('principal' in (await resolveSession(w.deps, SETTINGS, s.secret))).toBe(true);
    c.advance(31 * 60_000);
    expect(await resolveSession(w.deps, SETTINGS, s.secret)).toEqual({ failure: 'expired' });

    const busy = await signIn(w.deps, SETTINGS, { username: 'kiemtra', password: DEMO_PASSWORD }, {});
    for (let i = 0; i < 12 * 4 - 1; i++) {
      c.advance(15 * 60_000);
      expect('principal' in (await resolveSession(w.deps, SETTINGS, busy.secret)), `after ${(i + 1) * 15} min`).toBe(true);
    }
    c.advance(15 * 60_000);
    expect(await resolveSession(w.deps, SETTINGS, busy.secret)).toEqual({ failure: 'expired' });
    expect(await resolveSession(w.deps, SETTINGS, 'x'.repeat(43))).toEqual({ failure: 'unknown' });
    expect(await resolveSession(w.deps, SETTINGS, 'short')).toEqual({ failure: 'malformed' });
  });

  it('only the hash of the secret is stored; the CSRF token is per session and one-way', async () => {
    const w = await makeWorld();
    const a = await signIn(w.deps, SETTINGS, { username: 'quantri', password: DEMO_PASSWORD }, {});
    const b = await signIn(w.deps, SETTINGS, { username: 'quantri', password: DEMO_PASSWORD }, {});
    const stored = JSON.stringify(w.stores.state);
    expect(stored).not.toContain(a.secret);
    expect(stored).not.toContain(csrfTokenOf(a.secret));
    expect(csrfTokenOf(a.secret)).not.toBe(csrfTokenOf(b.secret));
    expect(csrfMatches(a.secret, csrfTokenOf(a.secret))).toBe(true);
    expect(csrfMatches(a.secret, csrfTokenOf(b.secret))).toBe(false);
    expect(csrfMatches(a.secret, '')).toBe(false);
  });

  it('sign-out and an admin revocation end the session on the server', async () => {
    const w = await makeWorld();
    const s = await signIn(w.deps, SETTINGS, { username: 'kiemtra', password: DEMO_PASSWORD }, {});
    await endSession(w.deps, s.principal, { ip: '10.0.0.2' });
    expect(await resolveSession(w.deps, SETTINGS, s.secret)).toEqual({ failure: 'expired' });
    const s2 = await signIn(w.deps, SETTINGS, { username: 'kiemtra', password: DEMO_PASSWORD }, {});
    await refused(revokeSession(w.deps, w.auditor, s2.session.id), 'FORBIDDEN');
    await revokeSession(w.deps, w.admin, s2.session.id);
    expect(await resolveSession(w.deps, SETTINGS, s2.secret)).toEqual({ failure: 'expired' });
    // A bearer-token caller has no session to end.
    await refused(endSession(w.deps, w.auditor, {}), 'FORBIDDEN');
  });

  it('a password change keeps this session and ends the others; the current password is required', async () => {
    const w = await makeWorld();
    const a = await signIn(w.deps, SETTINGS, { username: 'kiemtra', password: DEMO_PASSWORD }, {});
    const b = await signIn(w.deps, SETTINGS, { username: 'kiemtra', password: DEMO_PASSWORD }, {});
    await refused(changePassword(w.deps, a.principal, { currentPassword: 'not it at all', newPassword: 'a brand new passphrase' }, {}), 'PASSWORD_WRONG');
    await refused(changePassword(w.deps, a.principal, { currentPassword: DEMO_PASSWORD, newPassword: 'short' }, {}), 'PASSWORD_TOO_WEAK');
    expect(await changePassword(w.deps, a.principal, { currentPassword: DEMO_PASSWORD, newPassword: 'a brand new passphrase' }, {})).toEqual({ sessionsEnded: 1 });
    expect('principal' in (await resolveSession(w.deps, SETTINGS, a.secret))).toBe(true);
    expect(await resolveSession(w.deps, SETTINGS, b.secret)).toEqual({ failure: 'expired' });
    expect(JSON.stringify(w.stores.state.log)).not.toContain('a brand new passphrase');
  });
});

describe('lockout', () => {
  it('locks for 1, 2, 4 ... minutes, capped at 60', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((n) => lockMinutes(DEFAULT_LOCK_POLICY, n))).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
  });

  it('the 5th wrong password locks; the lock ends on time; the next lock is twice as long; a sign-in clears the count', async () => {
    const c = manualClock();
    const w = await makeWorld(c.clock);
    const name = 'vanthu.12.h54';
    const attempt = (password: string) => signIn(w.deps, SETTINGS, { username: name, password }, { ip: '192.0.2.7' }).catch((e: unknown) => e);
    for (let i = 0; i < 5; i++) expect(isDocaxisError(await attempt('wrong password'), 'AUTH_BAD_CREDENTIALS')).toBe(true);
    const locked = await attempt(DEMO_PASSWORD);
    expect(isDocaxisError(locked, 'AUTH_LOCKED')).toBe(true);
    expect((locked as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds).toBe(60);
    c.advance(61_000);
    for (let i = 0; i < 5; i++) expect(isDocaxisError(await attempt('wrong again'), 'AUTH_BAD_CREDENTIALS')).toBe(true);
    expect((((await attempt(DEMO_PASSWORD)) as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds)).toBe(120);
    c.advance(121_000);
    expect((await attempt(DEMO_PASSWORD)) as object).toHaveProperty('secret');
    expect(w.stores.state.throttles.find((t) => t.username === name)).toBeUndefined();
    const locks = w.stores.state.log.filter((e) => e.event === 'auth.locked');
    expect(locks.map((e) => e.details['minutes'])).toEqual([1, 2]);
    expect(locks.every((e) => e.details['ip'] === '192.0.2.7' && e.details['username'] === name)).toBe(true);
  });

  it('parallel guesses cannot exceed the limit: each attempt is counted before the password is checked', async () => {
    const w = await makeWorld();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => signIn(w.deps, SETTINGS, { username: 'quantri', password: `guess number ${i}` }, {}).catch((e: unknown) => e)));
    const bad = results.filter((e) => isDocaxisError(e, 'AUTH_BAD_CREDENTIALS')).length;
    expect(bad).toBeLessThanOrEqual(DEFAULT_LOCK_POLICY.maxFailures);
    expect(results.filter((e) => isDocaxisError(e, 'AUTH_LOCKED')).length).toBe(12 - bad);
  });

  it('an inactive user cannot sign in even with the right password (the same answer)', async () => {
    const w = await makeWorld();
    const user = w.stores.state.credentials.find((c) => c.username === 'kiemtra')!;
    await w.stores.users.setActive(user.userId, false);
    await refused(signIn(w.deps, SETTINGS, { username: 'kiemtra', password: DEMO_PASSWORD }, {}), 'AUTH_BAD_CREDENTIALS');
  });
});

describe('set-password links', () => {
  it('admin only; expires after 24 h; a new link ends the old one; the token is stored only hashed', async () => {
    const c = manualClock();
    const w = await makeWorld(c.clock);
    const clerk = w.clerk.health.user;
    await refused(createPasswordLink(w.deps, w.clerk.health, clerk.id), 'FORBIDDEN');
    const first = await createPasswordLink(w.deps, w.admin, clerk.id);
    expect(first.username).toBe('vanthu.12.h54');
    expect(first.link.expiresAt.getTime() - c.clock().getTime()).toBe(24 * 3_600_000);
    expect(JSON.stringify(w.stores.state)).not.toContain(first.token);
    const second = await createPasswordLink(w.deps, w.admin, clerk.id);
    const { setPasswordWithLink } = await import('../../src/exchange/accounts.js');
    await refused(setPasswordWithLink(w.deps, { token: first.token, password: 'a good long password' }, {}), 'SET_PASSWORD_LINK_INVALID');
    c.advance(24 * 3_600_000 + 1);
    await refused(setPasswordWithLink(w.deps, { token: second.token, password: 'a good long password' }, {}), 'SET_PASSWORD_LINK_INVALID');
    const third = await createPasswordLink(w.deps, w.admin, clerk.id);
    expect(await setPasswordWithLink(w.deps, { token: third.token, password: 'a good long password' }, {})).toEqual({ username: 'vanthu.12.h54' });
    expect((await signIn(w.deps, SETTINGS, { username: 'VanThu.12.H54 ', password: 'a good long password' }, {})).principal.agency.code).toBe(CODES.health);
  });

  it('a user without a sign-in name needs one; a taken name is refused', async () => {
    const w = await makeWorld();
    const { createUser } = await import('../../src/exchange/admin.js');
    const u = await createUser(w.deps, w.admin, { agencyCode: CODES.health, name: 'Lê Văn Cường', role: 'clerk' });
    await refused(createPasswordLink(w.deps, w.admin, u.id), 'ACCOUNT_NO_USERNAME');
    await refused(createPasswordLink(w.deps, w.admin, u.id, { username: 'kiemtra' }), 'USERNAME_TAKEN');
    await refused(createPasswordLink(w.deps, w.admin, u.id, { username: 'Ab' }), 'USERNAME_INVALID');
    expect((await createPasswordLink(w.deps, w.admin, u.id, { username: 'le.cuong' })).username).toBe('le.cuong');
  });
});
