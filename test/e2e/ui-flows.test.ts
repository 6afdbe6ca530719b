// The web interface in a real browser against a real listening service (PGlite): a clerk sends a
// signed letter, the recipient finds it in the inbox, sees two green signature cards and accepts
// it, the sender sees the status change; a classified send is stopped in the form; a tampered PDF
// shows a red card naming the problem; the admin filters the log, exports CSV and verifies the
// chain; an auditor cannot reach management pages. Screenshots of each main screen are kept.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { rowsOf } from '../support/databases.js';
import { HEALTH_DEPT, PROVINCE, type Harness, sealedLetter } from '../http/harness.js';
import { tempDir, writeTemp } from '../support/oracles.js';
import { demoUsernames, launchChromium, screenshotDir, sendFromProvince, signIn, startUiServer, type Session, type UiServer } from './browser.js';

describe('web UI in headless Chromium', () => {
  let server: UiServer;
  let database: Database;
  let h: Harness;
  let base: string;
  let browser: Browser;
  const shots = screenshotDir();
  const files = { sealed: '', tampered: '' };
  /** Number/notation of the letter the province sends in the first test; later tests look for it. */
  const letter = { number: String(3000 + Math.floor(Math.random() * 6000)), notation: 'UBND-VP', subject: 'V/v kiểm thử giao diện trục liên thông' };
  const sessions: Session[] = [];
  const open = async (username: string, viewport?: { width: number; height: number }) => {
    const s = await signIn(browser, base, username, viewport ? { viewport } : {});
    sessions.push(s);
    return s.page;
  };

  beforeAll(async () => {
    server = await startUiServer();
    ({ h, base } = server);
    database = server.database;
    browser = await launchChromium();
    const dir = tempDir('docaxis-e2e-');
    const sealed = await sealedLetter();
    files.sealed = writeTemp(dir, 'cong-van-da-ky.pdf', sealed);
    // One bit flipped inside a content stream the signatures cover: the hash no longer matches.
    const tampered = Buffer.from(sealed);
    const at = tampered.indexOf('stream\n', 200) + 20;
    tampered[at] = tampered[at]! ^ 0x01;
    files.tampered = writeTemp(dir, 'cong-van-bi-sua.pdf', tampered);
    // Earlier mail in the recipient's inbox, urgent ones among it: the inbox must list Hỏa tốc first.
    for (const [priority, subject] of [[3, 'V/v phòng, chống dịch bệnh khẩn cấp'], [1, 'V/v báo cáo số liệu tiêm chủng quý IV'], [0, 'V/v mời họp giao ban tháng 12']] as const) {
      await sendFromProvince(h, sealed, { priority, subject });
    }
  });
  afterAll(async () => {
    for (const s of sessions) await s.context.close();
    await browser?.close();
    await server?.close();
  });

  it('shows the sign-in page, refuses a wrong password and signs a clerk in with agency and role shown', async () => {
    const s = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    sessions.push({ context: s, page: await s.newPage() });
    const page = sessions.at(-1)!.page;
    await page.goto(`${base}/`);
    await page.screenshot({ path: join(shots, '01-sign-in.png') });
    await page.getByLabel('Tên đăng nhập').fill(demoUsernames(h).clerk(HEALTH_DEPT));
    await page.getByLabel('Mật khẩu').fill('not the demo password');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('không đúng');

    const clerk = await open(demoUsernames(h).clerk(HEALTH_DEPT));
    const who = clerk.getByTestId('whoami');
    await expect.poll(() => who.textContent()).toContain(HEALTH_DEPT);
    expect(await who.locator('[data-role]').getAttribute('data-role')).toBe('clerk');
    expect(clerk.url()).toMatch(/#\/inbox$/);
  });

  it('a clerk drops a signed letter, sees its report before sending, and sends it', async () => {
    const page = await open(demoUsernames(h).clerk(PROVINCE));
    await page.goto(`${base}/#/send`);
    const form = page.getByTestId('send-form');
    await form.waitFor();
    await page.locator('input[type=file]').setInputFiles(files.sealed);
    // Verified at once: the chairman's and the province's signatures, both green.
    await expect.poll(() => page.locator('.sig-card.sig-ok').count(), { timeout: 30_000 }).toBe(2);
    await form.locator('[name=codeNumber]').fill(letter.number);
    await form.locator('[name=codeNotation]').fill(letter.notation);
    await form.locator('[name=subject]').fill(letter.subject);
    await form.locator(`input[type=checkbox][value="${HEALTH_DEPT}"]`).check();
    await page.screenshot({ path: join(shots, '02-send.png'), fullPage: true });
    await page.locator('[data-action=send]').click();
    // Sending is legally meaningful: the clerk confirms it.
    await page.locator('dialog.confirm button[type=submit]').click();
    await page.waitForURL(/#\/documents\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  });

  it('a classified level is refused in the form, before anything is sent', async () => {
    const page = sessions.at(-1)!.page;
    await page.goto(`${base}/#/send`);
    const form = page.getByTestId('send-form');
    await form.waitFor();
    await form.locator('[name=classification]').selectOption('MAT');
    const warning = page.getByTestId('classification-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toMatch(/Mật/);
    expect(await page.locator('[data-action=send]').isDisabled()).toBe(true);
    await page.screenshot({ path: join(shots, '03-send-classified.png'), fullPage: true });
  });

  it('the recipient finds it unread in the inbox, sees two green cards, and accepts it with a receipt', async () => {
    const page = await open(demoUsernames(h).clerk(HEALTH_DEPT));
    await page.goto(`${base}/#/inbox`);
    const row = page.getByTestId('inbox').locator('tr', { hasText: `${letter.number}/${letter.notation}` });
    await row.waitFor();
    expect(await row.getAttribute('class')).toContain('unread');
    expect(await row.textContent()).toContain(letter.subject);
    // Urgent first: the Hỏa tốc letter heads the list although it arrived before the others.
    expect(await page.getByTestId('inbox').locator('tbody tr').first().locator('[data-priority]').getAttribute('data-priority')).toBe('3');
    await page.screenshot({ path: join(shots, '04-inbox.png'), fullPage: true });
    // The search asks the service (GET /inbox?q=…): only the matching letter is listed.
    await page.locator('form.filters [name=q]').fill(letter.subject.slice(4, 20).toUpperCase());
    await page.locator('form.filters button[type=submit]').click();
    await expect.poll(() => page.getByTestId('inbox').locator('tbody tr[data-document-id]').count()).toBe(1);
    await row.waitFor();

    await row.getByRole('link').click();
    await page.waitForURL(/#\/documents\//);
    await expect.poll(() => page.locator('.sig-card.sig-ok').count(), { timeout: 30_000 }).toBe(2);
    expect(await page.locator('.sig-card.sig-bad').count()).toBe(0);
    // pdf.js draws the first page onto a canvas (components/pdf-view.ts); the picture waits for it.
    await page.getByTestId('pdf-view').locator('[data-page="1"][data-rendered="yes"]').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(shots, '05-document.png'), fullPage: true });

    await page.locator('[data-action=accept]').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.locator('button[type=submit]').click();
    await expect.poll(() => page.getByTestId('status-history').textContent(), { timeout: 15_000 }).toContain('Đã tiếp nhận');
    // The answer carries the axis's signed receipt of the event.
    await expect.poll(() => page.locator('.receipt').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(shots, '06-document-accepted.png'), fullPage: true });
  });

  it('the sender sees the recipient’s new status in the outbox', async () => {
    const page = await open(demoUsernames(h).clerk(PROVINCE));
    await page.goto(`${base}/#/outbox`);
    const row = page.getByTestId('outbox').locator('tr', { hasText: `${letter.number}/${letter.notation}` });
    await row.waitFor();
    await expect.poll(() => row.locator('[data-status]').first().getAttribute('data-status')).toBe('03');
    await page.screenshot({ path: join(shots, '07-outbox.png'), fullPage: true });
    // The outbox's search asks the service too.
    await page.locator('form.filters [name=q]').fill(`${letter.number}/${letter.notation}`);
    await page.locator('form.filters button[type=submit]').click();
    await expect.poll(() => page.getByTestId('outbox').locator('tbody tr[data-document-id]').count()).toBe(1);
    await row.waitFor();
  });

  it('a tampered PDF shows a red card naming the problem (verify page, nothing stored)', async () => {
    const page = sessions.at(-1)!.page;
    const stored = async () => Number(rowsOf<{ n: number }>(await database.db.execute(sql`select (select count(*) from blobs) + (select count(*) from documents) as n`))[0]!.n);
    const before = await stored();
    await page.goto(`${base}/#/verify`);
    await page.getByTestId('verify-page').waitFor();
    await page.locator('input[type=file]').setInputFiles(files.tampered);
    const bad = page.locator('.sig-card.sig-bad').first();
    await bad.waitFor({ timeout: 30_000 });
    expect(await bad.locator('.sig-problem').textContent()).toMatch(/thay đổi|sửa đổi/);
    expect(await page.locator('.report').getAttribute('data-verdict')).toBe('invalid');
    await page.screenshot({ path: join(shots, '08-verify-tampered.png'), fullPage: true });
    expect(await stored()).toBe(before);
  });

  it('the admin filters the log, exports CSV and verifies the chain', async () => {
    const page = await open(demoUsernames(h).admin);
    await page.goto(`${base}/#/admin/log`);
    const table = page.getByTestId('log-table');
    await table.waitFor();
    await page.locator('select[name=agency]').selectOption(PROVINCE);
    await page.locator('select[name=event]').selectOption('document.sent');
    await page.locator('form.filters button[type=submit]').click();
    await expect.poll(async () => {
      const events = await table.locator('tbody tr[data-event]').evaluateAll((els) => els.map((e) => e.getAttribute('data-event')));
      return events.length > 0 && events.every((e) => e === 'document.sent');
    }, { timeout: 15_000 }).toBe(true);
    expect(await table.locator('tbody tr').first().textContent()).toContain('Ủy ban nhân dân tỉnh Thái Bình');

    const download = page.waitForEvent('download');
    await page.locator('[data-action=export-csv]').click();
    const csv = readFileSync((await (await download).path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^\uFEFFSố thứ tự,/); // BOM, Vietnamese column names (the page's language)
    expect(csv).toContain('document.sent');

    await page.locator('[data-action=verify-log]').click();
    const result = page.getByTestId('log-verify-result');
    await result.waitFor();
    await expect.poll(() => result.getAttribute('data-ok')).toBe('true');
    await page.screenshot({ path: join(shots, '09-admin-log.png'), fullPage: true });

    await page.goto(`${base}/#/admin/statistics`);
    await page.getByTestId('statistics').locator('svg').first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(shots, '10-statistics.png'), fullPage: true });
    await page.goto(`${base}/#/admin/users`);
    await page.locator('main table').first().waitFor();
    await page.screenshot({ path: join(shots, '11-admin-users.png'), fullPage: true });
  });

  it('an auditor reads the log and statistics but cannot reach management pages', async () => {
    const page = await open(demoUsernames(h).auditor);
    const nav = page.getByRole('navigation');
    await expect.poll(() => nav.locator('[data-nav]').evaluateAll((els) => els.map((e) => e.getAttribute('data-nav')))).toEqual(['log', 'statistics', 'verify']);
    for (const path of ['/admin/agencies', '/admin/users', '/admin/trust', '/send', '/inbox']) {
      await page.goto(`${base}/#${path}`);
      await page.getByTestId('forbidden').waitFor();
    }
    await page.goto(`${base}/#/admin/log?event=document.sent`);
    const table = page.getByTestId('log-table');
    await table.locator('tbody tr[data-event]').first().waitFor();
    // The auditor reads agency names too (from the directory), not bare ids.
    expect(await table.locator('tbody tr').first().textContent()).toContain('Ủy ban nhân dân tỉnh Thái Bình');
    expect(await page.locator('[data-action=seal-log]').count()).toBe(0);
  });

  it('works on a phone and switches to English', async () => {
    const page = await open(demoUsernames(h).clerk(HEALTH_DEPT), { width: 390, height: 844 });
    await page.goto(`${base}/#/inbox`);
    await page.getByTestId('inbox').waitFor();
    await page.getByTestId('inbox').locator('tbody tr').first().waitFor();
    // Nothing wider than the phone: the page never scrolls sideways.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(shots, '12-inbox-phone.png'), fullPage: true });
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Inbox');
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('en');
  });
});
