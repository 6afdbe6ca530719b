// The account and session gaps of issue 11, in headless Chromium against the whole service:
// - the account page (top bar → "Tài khoản"): who the user is, a password change that needs the
//   current password and signs out the user's other sessions;
// - a session ended under the user (an admin ends it) sends them to sign-in WITH the reason, in
//   both languages, and signing in again returns to the screen they were on (a reload and a call
//   that fails both lead there);
// - the admin's user list shows sign-in names and its session count follows sign-ins;
// - a local file name and a recipient filter holding a right-to-left override are isolated.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/exchange/seed-demo.js';
import { HEALTH_DEPT, HOME_AFFAIRS, PROVINCE } from '../http/harness.js';
import { demoUsernames, launchChromium, signIn, startUiServer, type Session, type UiServer } from './browser.js';

const EXPIRED_VI = 'Phiên làm việc đã hết hạn, vui lòng đăng nhập lại.';
const EXPIRED_EN = 'Your session has expired, please sign in again.';

describe('account, expiry and admin users in headless Chromium', () => {
  let server: UiServer;
  let browser: Browser;
  const sessions: Session[] = [];
  const open = async (username: string, password?: string) => {
    const s = await signIn(browser, server.base, username, password ? { password } : {});
    sessions.push(s);
    return s;
  };
  /** Sign-in name → user id, from the admin listing (which carries the names since this change). */
  let ids = new Map<string, string>();
  const userIdOf = (username: string) => {
    const id = ids.get(username);
    if (!id) throw new Error(`no user ${username}`);
    return id;
  };
  const endSessionsOf = async (username: string) => {
    const res = await server.h.app.inject({ method: 'DELETE', url: `/api/v1/admin/users/${userIdOf(username)}/sessions`, headers: { authorization: server.h.tokens.admin } });
    expect(res.statusCode, res.body).toBe(200);
  };
  const signInAgain = async (page: Page, username: string, password = DEMO_PASSWORD) => {
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByTestId('whoami').waitFor();
  };

  beforeAll(async () => {
    server = await startUiServer();
    browser = await launchChromium();
    const list = await server.h.app.inject({ method: 'GET', url: '/api/v1/admin/users', headers: { authorization: server.h.tokens.admin } });
    ids = new Map((list.json() as Array<{ id: string; username: string | null }>).filter((u) => u.username).map((u) => [u.username!, u.id]));
  });
  afterAll(async () => {
    for (const s of sessions) await s.context.close();
    await browser?.close();
    await server?.close();
  });

  it('the account page shows who; a password change needs the current password and signs out the other sessions only', async () => {
    const name = demoUsernames(server.h).clerk(HOME_AFFAIRS);
    const me = server.h.users.find((u) => u.username === name)!;
    expect(me.role).toBe('clerk');
    const other = await open(name);
    const { page } = await open(name);
    await page.getByRole('link', { name: 'Tài khoản' }).click();
    await page.getByTestId('account').waitFor();
    expect(await page.title()).toContain('Tài khoản');
    const facts = page.getByTestId('account-facts');
    const meRes = await server.h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: server.h.tokens.clerk(HOME_AFFAIRS) } });
    const who = meRes.json() as { user: { name: string }; agency: { name: string; code: string } };
    expect(await facts.locator('[data-fact=name]').textContent()).toBe(who.user.name);
    expect(await facts.locator('[data-fact=agency]').textContent()).toContain(`${who.agency.name} (${who.agency.code}`);
    expect(await facts.locator('[data-fact=roles]').textContent()).toBe('Văn thư');
    expect(me.agencyCode).toBe(HOME_AFFAIRS);

    const form = page.getByTestId('password-change');
    const newPassword = 'một mật khẩu mới 2026';
    // Checked in the page first: a short new password, then two that differ.
    await form.getByLabel('Mật khẩu hiện tại').fill(DEMO_PASSWORD);
    await form.getByLabel('Mật khẩu mới', { exact: true }).fill('short');
    await form.getByLabel('Nhập lại mật khẩu mới').fill('short');
    await form.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await expect.poll(() => form.locator('[data-field=new-password] .field-error').textContent(), { timeout: 15_000 }).toContain('12 đến 256');
    await form.getByLabel('Mật khẩu mới', { exact: true }).fill(newPassword);
    await form.getByLabel('Nhập lại mật khẩu mới').fill(newPassword + 'x');
    await form.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await expect.poll(() => form.locator('[data-field=confirm-password] .field-error').textContent(), { timeout: 15_000 }).toContain('không khớp');
    // A wrong current password: the server says so on that field, nothing changes.
    await form.getByLabel('Mật khẩu hiện tại').fill('not the password at all');
    await form.getByLabel('Nhập lại mật khẩu mới').fill(newPassword);
    await form.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await expect.poll(() => form.locator('[data-field=current-password] .field-error').textContent(), { timeout: 15_000 }).toContain('Mật khẩu hiện tại không đúng');
    // The right one: changed, the other browser's session ended, this one goes on.
    await form.getByLabel('Mật khẩu hiện tại').fill(DEMO_PASSWORD);
    await form.getByLabel('Mật khẩu mới', { exact: true }).fill(newPassword);
    await form.getByLabel('Nhập lại mật khẩu mới').fill(newPassword);
    await form.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await expect.poll(() => page.getByTestId('password-status').textContent(), { timeout: 15_000 }).toContain('Đã đăng xuất 1 phiên đăng nhập khác');
    expect(await form.getByLabel('Mật khẩu mới', { exact: true }).inputValue()).toBe('');
    await page.getByRole('link', { name: 'Văn bản đến' }).click();
    await page.locator('[data-testid=whoami]').waitFor();
    expect(await page.locator('form.sign-in').count()).toBe(0);
    await other.page.reload();
    await other.page.locator('form.sign-in').waitFor();
    // The old password no longer opens the account, the new one does.
    const res = await server.h.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: name, password: DEMO_PASSWORD } });
    expect(res.json().error.code).toBe('AUTH_BAD_CREDENTIALS');
    await signInAgain(other.page, name, newPassword);
  });

  it('a session ended under the user: sign-in says why (vi and en) and returns to the screen they were on', async () => {
    const name = demoUsernames(server.h).clerk(HEALTH_DEPT);
    const { page } = await open(name);

    // 1. A call fails: the clerk is on the verify page, the admin ends the session, the clerk
    //    opens the outbox, whose list call gets 401.
    await page.goto(`${server.base}/#/verify`);
    await page.getByTestId('dropzone').waitFor();
    await endSessionsOf(name);
    // The page may meet the 401 first by itself (the live stream reconnecting) and show sign-in.
    await page.getByRole('link', { name: 'Văn bản đi', exact: true }).click({ timeout: 5_000 }).catch(() => undefined);
    const notice = page.getByTestId('session-expired');
    await notice.waitFor();
    expect(await notice.textContent()).toBe(EXPIRED_VI);
    expect(await page.getByTestId('whoami').count()).toBe(0);
    // The reason survives the language switch.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await expect.poll(() => page.getByTestId('session-expired').textContent(), { timeout: 15_000 }).toBe(EXPIRED_EN);
    await page.getByRole('button', { name: 'Chuyển sang tiếng Việt' }).click();
    await expect.poll(() => page.getByTestId('session-expired').textContent(), { timeout: 15_000 }).toBe(EXPIRED_VI);
    await signInAgain(page, name);
    await page.locator('[aria-current=page][data-nav=outbox]').waitFor();
    expect(new URL(page.url()).hash).toBe('#/outbox');

    // 2. A reload finds the cookie's session ended: the same reason, and back to the same screen.
    await page.goto(`${server.base}/#/send`);
    await page.getByTestId('recipient-filter').waitFor();
    await endSessionsOf(name);
    await page.reload();
    await page.getByTestId('session-expired').waitFor();
    await signInAgain(page, name);
    await page.getByTestId('recipient-filter').waitFor();
    expect(new URL(page.url()).hash).toBe('#/send');

    // 3. Plain sign-out is not an expiry: no reason shown, and the next sign-in starts at home.
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.locator('form.sign-in').waitFor();
    expect(await page.getByTestId('session-expired').count()).toBe(0);
  });

  it('another user signing in after an expiry lands on their own home when the kept screen is not theirs', async () => {
    const clerk = demoUsernames(server.h).clerk(PROVINCE);
    const admin = demoUsernames(server.h).admin;
    const { page } = await open(clerk);
    await page.goto(`${server.base}/#/outbox`);
    await page.locator('[aria-current=page][data-nav=outbox]').waitFor();
    await endSessionsOf(clerk);
    // The page may meet the 401 first by itself (the live stream reconnecting) and show sign-in.
    await page.getByRole('link', { name: 'Văn bản đến' }).click({ timeout: 5_000 }).catch(() => undefined);
    await page.getByTestId('session-expired').waitFor();
    await signInAgain(page, admin);
    await expect.poll(() => new URL(page.url()).hash, { timeout: 15_000 }).toBe('#/admin/log');
    expect(await page.getByTestId('forbidden').count()).toBe(0);
  });

  it('the admin users page shows sign-in names, and the session count follows sign-ins (refresh) and actions', async () => {
    const admin = await open(demoUsernames(server.h).admin);
    const a = admin.page;
    const target = demoUsernames(server.h).auditor;
    await a.goto(`${server.base}/#/admin/users`);
    const table = a.getByTestId('user-table');
    await table.waitFor();
    // Every demo user's sign-in name is in the list, on that user's row.
    expect(server.h.users.length).toBeGreaterThan(3);
    for (const u of server.h.users) {
      await expect.poll(() => table.locator(`tr[data-user-id="${userIdOf(u.username)}"] td[data-username]`).getAttribute('data-username'), { timeout: 15_000 }).toBe(u.username);
      expect(await table.locator(`tr[data-user-id="${userIdOf(u.username)}"] td`).first().textContent()).toBe(u.name);
    }
    const row = table.locator(`tr[data-user-id="${userIdOf(target)}"]`);
    await row.locator('[data-action=show-tokens]').click();
    const panel = table.locator(`tr[data-tokens-of="${userIdOf(target)}"] [data-testid=user-account]`);
    const count = panel.getByTestId('session-count');
    await expect.poll(() => count.getAttribute('data-count'), { timeout: 15_000 }).toBe('0');
    // The auditor signs in twice elsewhere: a refresh shows it.
    await open(target);
    await open(target);
    await panel.locator('[data-action=refresh-sessions]').click();
    await expect.poll(() => count.getAttribute('data-count'), { timeout: 15_000 }).toBe('2');
    expect(await count.textContent()).toBe('Phiên đăng nhập đang mở: 2');
    // Ending them refreshes the count at once.
    await panel.locator('[data-action=end-sessions]').click();
    await a.locator('dialog.confirm[open]').getByRole('button', { name: 'Kết thúc mọi phiên' }).click();
    await expect.poll(() => count.getAttribute('data-count'), { timeout: 15_000 }).toBe('0');
    expect(await panel.textContent()).toContain('Đã kết thúc 2 phiên');
  });

  it('a local file name and a recipient filter with a right-to-left override are isolated, the override shown', async () => {
    const { page } = await open(demoUsernames(server.h).clerk(PROVINCE));
    await page.goto(`${server.base}/#/verify`);
    const input = page.locator('input[type=file]');
    // Not a PDF: the refusal names the file, isolated.
    await input.setInputFiles({ name: 'RTL\u202Egnp.exe.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not a pdf at all') });
    const refusal = page.getByTestId('verify-outcome').locator('.notice-error p');
    await refusal.waitFor();
    expect(await refusal.innerHTML()).toBe('Tệp “<bdi>RTL[U+202E]gnp.exe.pdf</bdi>” không phải là PDF (không có phần đầu %PDF-).');
    // Looks like a PDF: the selected file's line isolates the name the same way.
    await input.setInputFiles({ name: 'Công văn \u202Efdp.exe', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n%%EOF\n') });
    const info = page.locator('.pdf-drop-file');
    await expect.poll(() => info.innerHTML()).toMatch(/^Tệp đã chọn: <bdi>Công văn \[U\+202E\]fdp\.exe<\/bdi> \(\d+ B\)$/);

    await page.goto(`${server.base}/#/send`);
    const filter = page.getByTestId('recipient-filter');
    await filter.fill('zzq\u202Eqzz');
    const noMatch = page.locator('p[aria-live=polite]', { hasText: 'Không có cơ quan nào' });
    await expect.poll(() => noMatch.innerHTML(), { timeout: 15_000 }).toBe('Không có cơ quan nào khớp với “<bdi>zzq[U+202E]qzz</bdi>”.');
  });
});
