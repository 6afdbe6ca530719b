// Browser sessions over HTTP: sign-in sets an HttpOnly, SameSite=Strict cookie and answers the
// CSRF token; the cookie reaches every route through the same hook as a bearer token; a
// cross-site form post (cookie, no token; a wrong token; a foreign Origin) is refused with a
// stable code; sign-out, an admin's revocation and a password change end sessions on the server;
// wrong passwords lock a name, known or not, with the same answer; the log holds who and from
// where, never a password.
import { beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { DEMO_PASSWORD } from '../../src/exchange/seed-demo.js';
import { forEachDatabase } from '../support/databases.js';
import { HEALTH_DEPT, PROVINCE, type Harness, startHarness } from './harness.js';

interface Signed {
  cookie: string;
  csrf: string;
  setCookie: string;
}

function cookieOf(res: LightMyRequestResponse): string {
  const raw = res.headers['set-cookie'];
  const line = Array.isArray(raw) ? raw[0]! : String(raw);
  return line;
}

forEachDatabase('http sessions', (t) => {
  let h: Harness;
  const name = (role: string, code = PROVINCE) => h.users.find((u) => u.role === role && (role !== 'clerk' || u.agencyCode === code))!.username;
  beforeAll(async () => {
    h = await startHarness(t.stores);
  });

  const signIn = async (username: string, password = DEMO_PASSWORD, headers: Record<string, string> = {}): Promise<Signed> => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password }, headers });
    expect(res.statusCode, res.body).toBe(200);
    const setCookie = cookieOf(res);
    return { cookie: setCookie.split(';')[0]!, csrf: res.json().csrfToken, setCookie };
  };
  const logOf = async (event: string) => (await t.stores.log.search({ event: event as never }, { limit: 200 })).items;

  describe('sign-in and the cookie', () => {
    it('sets an HttpOnly, SameSite=Strict, Path=/ cookie (not Secure over plain HTTP) and answers the CSRF token and who, never a bearer token', async () => {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: name('clerk', HEALTH_DEPT), password: DEMO_PASSWORD } });
      expect(res.statusCode, res.body).toBe(200);
      const attrs = cookieOf(res).split(';').map((a) => a.trim());
      expect(attrs[0]).toMatch(/^docaxis_session=[A-Za-z0-9_-]{43}$/);
      expect(attrs).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/']));
      expect(attrs).not.toContain('Secure');
      expect(res.headers['cache-control']).toBe('no-store');
      const body = res.json();
      expect(Object.keys(body).sort()).toEqual(['csrfToken', 'me']);
      expect(body.me.agency.code).toBe(HEALTH_DEPT);
      expect(res.body).not.toContain('dax_');
      expect(res.body).not.toContain(attrs[0]!.split('=')[1]);
    });

    it('the cookie reaches the routes through the same hook as a token: GET /me (with the CSRF token) and the inbox', async () => {
      const s = await signIn(name('clerk', HEALTH_DEPT));
      const me = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } });
      expect(me.statusCode, me.body).toBe(200);
      expect(me.json().csrfToken).toBe(s.csrf);
      const inbox = await h.app.inject({ method: 'GET', url: '/api/v1/inbox', headers: { cookie: s.cookie } });
      expect(inbox.statusCode, inbox.body).toBe(200);
      // The session's own role rules apply: a clerk is no admin.
      const admin = await h.app.inject({ method: 'GET', url: '/api/v1/admin/users', headers: { cookie: s.cookie } });
      expect(admin.statusCode).toBe(403);
    });

    it('a forged cookie is 401 UNAUTHENTICATED, and the bearer token still works beside it', async () => {
      const res = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `docaxis_session=${'A'.repeat(43)}` } });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
      const both = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `docaxis_session=${'A'.repeat(43)}`, authorization: h.tokens.auditor } });
      expect(both.statusCode).toBe(200);
    });

    it('Secure when SESSION_COOKIE_SECURE=true', async () => {
      const { openDatabase } = await import('../../src/db/client.js');
      const { createStores } = await import('../../src/db/create-stores.js');
      const database = await openDatabase({});
      await database.migrate();
      const h2 = await startHarness(createStores(database), { env: { SESSION_COOKIE_SECURE: 'true' } });
      const res = await h2.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'quantri', password: DEMO_PASSWORD } });
      expect(cookieOf(res).split(';').map((a) => a.trim())).toContain('Secure');
      await h2.app.close();
      await database.close();
    });
  });

  describe('CSRF', () => {
    it('refuses a cross-site form post carrying the cookie: no token CSRF_MISSING, a wrong token or a foreign Origin CSRF_INVALID; logged', async () => {
      const s = await signIn(name('clerk', HEALTH_DEPT));
      const url = '/api/v1/me/password';
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      // What an attacker's <form method=post> sends: the cookie, its own Origin, no token.
      const crossSiteForm = await h.app.inject({ method: 'POST', url, headers: { cookie: s.cookie, origin: 'https://evil.example', ...form }, payload: 'currentPassword=x&newPassword=y' });
      expect(crossSiteForm.statusCode).toBe(403);
      expect(crossSiteForm.json().error.code).toBe('CSRF_INVALID');
      const missing = await h.app.inject({ method: 'POST', url, headers: { cookie: s.cookie }, payload: { currentPassword: 'x', newPassword: 'y' } });
      expect(missing.statusCode).toBe(403);
      expect(missing.json().error.code).toBe('CSRF_MISSING');
      const wrong = await h.app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf.slice(0, -1) + (s.csrf.endsWith('A') ? 'B' : 'A') }, payload: { currentPassword: 'x', newPassword: 'y' } });
      expect(wrong.json().error.code).toBe('CSRF_INVALID');
      const foreign = await h.app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, origin: 'https://evil.example' }, payload: { currentPassword: 'x', newPassword: 'y' } });
      expect(foreign.json().error.code).toBe('CSRF_INVALID');
      const nullOrigin = await h.app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, origin: 'null' }, payload: { currentPassword: 'x', newPassword: 'y' } });
      expect(nullOrigin.json().error.code).toBe('CSRF_INVALID');
      const crossSite = await h.app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'sec-fetch-site': 'cross-site' }, payload: { currentPassword: 'x', newPassword: 'y' } });
      expect(crossSite.json().error.code).toBe('CSRF_INVALID');
      // The right token from our own origin passes the CSRF check and reaches the use case.
      const ok = await h.app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, origin: 'http://localhost:80' }, payload: { currentPassword: 'wrong wrong wrong', newPassword: 'a new long passphrase' } });
      expect(ok.json().error.code).toBe('PASSWORD_WRONG');
      const denied = (await logOf('access.denied')).filter((e) => String(e.details['what']).includes('CSRF'));
      expect(denied.length).toBeGreaterThanOrEqual(5);
    });

    it("another session's CSRF token does not fit this session", async () => {
      const a = await signIn(name('clerk', HEALTH_DEPT));
      const b = await signIn(name('clerk', HEALTH_DEPT));
      expect(a.csrf).not.toBe(b.csrf);
      const res = await h.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: a.cookie, 'x-csrf-token': b.csrf } });
      expect(res.json().error.code).toBe('CSRF_INVALID');
    });

    it('a bearer token needs no CSRF token (no ambient credential)', async () => {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/log/verify', headers: { authorization: h.tokens.auditor } });
      expect(res.statusCode, res.body).toBe(200);
    });

    it('sign-in from a foreign origin is refused (login CSRF)', async () => {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'quantri', password: DEMO_PASSWORD }, headers: { origin: 'https://evil.example' } });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('CSRF_INVALID');
      expect(res.headers['set-cookie']).toBeUndefined();
    });
  });

  describe('ending sessions', () => {
    it('sign-out ends the session on the server: the same cookie is then refused SESSION_EXPIRED; logged', async () => {
      const s = await signIn(name('auditor'));
      const out = await h.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
      expect(out.statusCode, out.body).toBe(204);
      expect(cookieOf(out)).toContain('Max-Age=0');
      const again = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } });
      expect(again.statusCode).toBe(401);
      expect(again.json().error.code).toBe('SESSION_EXPIRED');
      expect((await logOf('auth.signed-out')).length).toBeGreaterThanOrEqual(1);
    });

    it('an admin lists and ends a user’s sessions; the user’s cookie stops working', async () => {
      const s = await signIn(name('clerk', PROVINCE));
      const user = h.users.find((u) => u.username === name('clerk', PROVINCE))!;
      const id = (await t.stores.credentials.byUsername(user.username))!.userId;
      const list = await h.app.inject({ method: 'GET', url: `/api/v1/admin/users/${id}/sessions`, headers: { authorization: h.tokens.admin } });
      expect(list.statusCode, list.body).toBe(200);
      expect(list.json().length).toBeGreaterThanOrEqual(1);
      expect(list.body).not.toContain(s.cookie.split('=')[1]);
      const end = await h.app.inject({ method: 'DELETE', url: `/api/v1/admin/users/${id}/sessions`, headers: { authorization: h.tokens.admin } });
      expect(end.json().ended).toBeGreaterThanOrEqual(1);
      const me = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } });
      expect(me.json().error.code).toBe('SESSION_EXPIRED');
    });
  });

  describe('accounts', () => {
    it('admin creates a user with a one-time link; the user sets a password, signs in, changes it; the other session ends; the link cannot be reused', async () => {
      const created = await h.app.inject({ method: 'POST', url: '/api/v1/admin/users', headers: { authorization: h.tokens.admin }, payload: { agencyCode: HEALTH_DEPT, name: 'Trần Thị Bình', role: 'clerk', username: 'TranBinh.SYT' } });
      expect(created.statusCode, created.body).toBe(201);
      const link = await h.app.inject({ method: 'POST', url: `/api/v1/admin/users/${created.json().id}/password-link`, headers: { authorization: h.tokens.admin }, payload: {} });
      expect(link.statusCode, link.body).toBe(201);
      expect(link.headers['cache-control']).toBe('no-store');
      const { token, username, expiresAt } = link.json();
      expect(username).toBe('tranbinh.syt');
      const hours = (Date.parse(expiresAt) - Date.now()) / 3_600_000;
      expect(hours).toBeGreaterThan(23.9);
      expect(hours).toBeLessThanOrEqual(24);
      const weak = await h.app.inject({ method: 'POST', url: '/api/v1/session/set-password', payload: { token, password: 'short' } });
      expect(weak.json().error.code).toBe('PASSWORD_TOO_WEAK');
      const set = await h.app.inject({ method: 'POST', url: '/api/v1/session/set-password', payload: { token, password: 'một mật khẩu đủ dài' } });
      expect(set.statusCode, set.body).toBe(200);
      const reuse = await h.app.inject({ method: 'POST', url: '/api/v1/session/set-password', payload: { token, password: 'another long password' } });
      expect(reuse.statusCode).toBe(400);
      expect(reuse.json().error.code).toBe('SET_PASSWORD_LINK_INVALID');
      // The log names the link, never its token or the password.
      const entries = JSON.stringify([...(await logOf('admin.password-link')), ...(await logOf('auth.password-set'))]);
      expect(entries).toContain('tranbinh.syt');
      expect(entries).not.toContain(token);
      expect(entries).not.toContain('một mật khẩu');

      const a = await signIn('tranbinh.syt', 'một mật khẩu đủ dài');
      const b = await signIn('tranbinh.syt', 'một mật khẩu đủ dài');
      const change = await h.app.inject({ method: 'POST', url: '/api/v1/me/password', headers: { cookie: a.cookie, 'x-csrf-token': a.csrf }, payload: { currentPassword: 'một mật khẩu đủ dài', newPassword: 'the new passphrase 2026' } });
      expect(change.statusCode, change.body).toBe(200);
      expect(change.json().sessionsEnded).toBe(1);
      expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: a.cookie } })).statusCode).toBe(200);
      expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: b.cookie } })).json().error.code).toBe('SESSION_EXPIRED');
      const old = await h.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'tranbinh.syt', password: 'một mật khẩu đủ dài' } });
      expect(old.json().error.code).toBe('AUTH_BAD_CREDENTIALS');
      await signIn('tranbinh.syt', 'the new passphrase 2026');
    });

    it('five wrong passwords lock the name, known or unknown, with the same answers; a lock refuses even the right password; logged with the address and never the password', async () => {
      const attempt = (username: string, password: string) => h.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
      const known = name('clerk', '000.00.05.H54');
      for (const who of [known, 'nobody.here']) {
        for (let i = 1; i <= 5; i++) {
          const res = await attempt(who, `wrong guess ${i}!`);
          expect(res.statusCode).toBe(401);
          expect(res.json()).toEqual({ error: { code: 'AUTH_BAD_CREDENTIALS', message: 'The user name or the password is wrong' } });
        }
        const locked = await attempt(who, who === known ? DEMO_PASSWORD : 'still wrong');
        expect(locked.statusCode).toBe(429);
        expect(locked.json().error.code).toBe('AUTH_LOCKED');
        const retry = Number(locked.headers['retry-after']);
        expect(retry).toBeGreaterThan(0);
        expect(retry).toBeLessThanOrEqual(60);
      }
      const failed = await logOf('auth.sign-in-failed');
      const locks = await logOf('auth.locked');
      expect(failed.some((e) => e.details['username'] === known && e.details['ip'] === '127.0.0.1')).toBe(true);
      expect(locks.some((e) => e.details['username'] === known && e.details['minutes'] === 1)).toBe(true);
      // An unknown name locks too, and is not written (it may be a password typed in the wrong field).
      expect(locks.some((e) => e.details['username'] === null)).toBe(true);
      const all = JSON.stringify([...failed, ...locks]);
      expect(all).not.toContain('wrong guess');
      expect(all).not.toContain('nobody.here');
      expect(all).not.toContain(DEMO_PASSWORD);
      const signedIn = await logOf('auth.signed-in');
      expect(signedIn.length).toBeGreaterThan(0);
      expect(signedIn[0]!.details['ip']).toBe('127.0.0.1');
    });
  });

  it('no password, session secret or CSRF token in the service log', async () => {
    const s = await signIn(name('auditor'));
    await h.app.inject({ method: 'POST', url: '/api/v1/me/password', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload: { currentPassword: 'a wrong current one', newPassword: 'never logged at all' } });
    const text = h.logLines().join('\n');
    expect(text).toContain('"reqId"');
    for (const secret of [DEMO_PASSWORD, 'a wrong current one', 'never logged at all', s.cookie.split('=')[1]!, s.csrf]) expect(text).not.toContain(secret);
  });
});
