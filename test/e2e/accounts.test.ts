// Accounts in the browser: an admin adds a user with a sign-in name and gets a one-time
// set-password link; the user opens it, sets a password and signs in with it (a cookie session:
// no token in the page's storage); the admin ends the user's sessions and the user's next request
// lands on the sign-in page; sign-out ends the session on the server.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_DEPT } from '../http/harness.js';
import { launchChromium, signIn, startUiServer, type Session, type UiServer } from './browser.js';

describe('accounts in headless Chromium', () => {
  let server: UiServer;
  let browser: Browser;
  const sessions: Session[] = [];

  beforeAll(async () => {
    server = await startUiServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const s of sessions) await s.context.close();
    await browser?.close();
    await server?.close();
  });

  it('admin adds a user with a link; the user sets a password and signs in; the admin ends the session; sign-out is server-side', async () => {
    const admin = await signIn(browser, server.base, 'quantri');
    sessions.push(admin);
    const a = admin.page;
    await a.goto(`${server.base}/#/admin/users`);
    const form = a.getByTestId('user-create');
    await form.locator('select[name=agencyCode]').selectOption(HEALTH_DEPT);
    await form.locator('input[name=name]').fill('Phạm Thị Dung');
    await form.locator('input[name=username]').fill('dung.syt');
    await form.locator('[data-action=create-user]').click();
    const linkValue = a.getByTestId('password-link-value');
    await linkValue.waitFor();
    const link = await linkValue.inputValue();
    expect(link).toMatch(new RegExp(`^${server.base}/#/set-password/[A-Za-z0-9_-]{43}$`));

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'vi-VN' });
    const page = await context.newPage();
    sessions.push({ context, page });
    await page.goto(link);
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill('mật khẩu của Dung 2026');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('mật khẩu của Dung 2026');
    await page.getByRole('button', { name: 'Đặt mật khẩu' }).click();
    await expect.poll(() => page.locator('.notice-ok').textContent()).toContain('dung.syt');
    await page.getByRole('button', { name: 'Đến trang đăng nhập' }).click();
    await page.getByLabel('Tên đăng nhập').fill('dung.syt');
    await page.getByLabel('Mật khẩu', { exact: true }).fill('mật khẩu của Dung 2026');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByTestId('whoami').waitFor();
    // The credential is an HttpOnly cookie: the page's storage holds no token, the script sees no cookie.
    const storage = (await page.evaluate('JSON.stringify({ ...sessionStorage, ...localStorage }) + document.cookie')) as string;
    expect(storage).not.toMatch(/dax_|docaxis_session/);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'docaxis_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });

    // The admin ends every session of the user: the user's next page load is the sign-in page.
    // (The panel's count was read before the user signed in; the answer below is the server's.)
    const panel = a.locator('[data-testid=user-account]');
    await panel.locator('[data-action=end-sessions]').click();
    await a.locator('dialog.confirm[open]').getByRole('button', { name: 'Kết thúc mọi phiên' }).click();
    await expect.poll(() => panel.textContent()).toContain('Đã kết thúc 1 phiên');
    await page.reload();
    await page.locator('form.sign-in').waitFor();

    // Sign-out ends the admin's session on the server: the old cookie no longer works.
    const adminCookie = (await admin.context.cookies()).find((c) => c.name === 'docaxis_session')!.value;
    await a.getByRole('button', { name: 'Đăng xuất' }).click();
    await a.locator('form.sign-in').waitFor();
    await expect
      .poll(async () => (await server.h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `docaxis_session=${adminCookie}` } })).json().error?.code)
      .toBe('SESSION_EXPIRED');
  });
});
