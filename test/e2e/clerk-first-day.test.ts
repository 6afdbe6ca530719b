// Issue 11, "what a clerk hit on the first day", in a real browser: a recall shows the sender's
// reason and two explicit answers; a document at 16 offers what remains (accept or reject) and the
// inbox counts it as not handled; the status history names people; the signature cards say what
// changed in plain words with the technical detail behind a keyboard-operable toggle; dates read
// and are typed dd/mm/yyyy in Vietnam time even in a browser set to en-US in New York; and the
// phone layout shows every navigation item. Screenshots: document-status-16.png, phone-nav-390.png.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_DEPT, HOME_AFFAIRS, PROVINCE, type Harness, sealedLetter } from '../http/harness.js';
import { demoUsernames, launchChromium, screenshotDir, sendFromProvince, signIn, startUiServer, type Session, type UiServer } from './browser.js';

describe('a clerk’s first day, in headless Chromium', () => {
  let server: UiServer;
  let h: Harness;
  let base: string;
  let browser: Browser;
  let documentId: string;
  const shots = screenshotDir();
  const sessions: Session[] = [];
  const REASON = 'Văn bản ban hành nhầm số, sẽ gửi lại bản đúng';
  const open = async (username: string, viewport?: { width: number; height: number }) => {
    const s = await signIn(browser, base, username, viewport ? { viewport } : {});
    sessions.push(s);
    return s.page;
  };
  const nameOf = (code: string) => h.users.find((u) => u.role === 'clerk' && u.agencyCode === code)!.name;

  beforeAll(async () => {
    server = await startUiServer();
    ({ h, base } = server);
    browser = await launchChromium();
    documentId = await sendFromProvince(h, await sealedLetter(), { recipients: [HEALTH_DEPT, HOME_AFFAIRS], subject: 'V/v thu hồi văn bản gửi nhầm' });
    const recall = await h.app.inject({ method: 'POST', url: `/api/v1/documents/${documentId}/recall`, headers: { authorization: h.tokens.clerk(PROVINCE) }, payload: { reason: REASON } });
    expect(recall.statusCode, recall.body).toBe(200);
  });
  afterAll(async () => {
    for (const s of sessions) await s.context.close();
    await browser?.close();
    await server?.close();
  });

  it('the recipient reads the reason, sees "Đồng ý thu hồi" and "Từ chối thu hồi" only, refuses, and is left with accept or reject', async () => {
    const page = await open(demoUsernames(h).clerk(HEALTH_DEPT));
    await page.goto(`${base}/#/documents/${documentId}`);
    const actions = page.getByTestId('actions');
    const pending = page.getByTestId('recall-pending');
    await pending.waitFor();
    expect(await pending.textContent()).toContain(REASON);
    await expect.poll(() => actions.locator('button[data-action]').evaluateAll((bs) => bs.map((b) => `${b.getAttribute('data-action')}=${b.textContent}`))).toEqual([
      'recall-accept=Đồng ý thu hồi',
      'recall-refuse=Từ chối thu hồi',
    ]);
    // The history names who asked, by full name and agency, and shows the reason there too.
    const asked = page.getByTestId('status-history').locator('li[data-status="13"]');
    expect(await asked.textContent()).toContain(REASON);
    expect(await asked.locator('.event-actor').textContent()).toContain(nameOf(PROVINCE));

    await actions.locator('[data-action=recall-refuse]').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('16');
    await dialog.locator('textarea').fill('Đã trình lãnh đạo, đề nghị giữ lại');
    await dialog.locator('button[type=submit]').click();
    await expect.poll(() => actions.locator('[data-status]').getAttribute('data-status'), { timeout: 15_000 }).toBe('16');
    await expect.poll(() => actions.locator('button[data-action]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-action')))).toEqual(['accept', 'reject']);
    const mine = page.getByTestId('status-history').locator('li[data-status="16"]');
    expect(await mine.textContent()).toContain('Đã trình lãnh đạo');
    expect(await mine.locator('.event-actor').textContent()).toContain(nameOf(HEALTH_DEPT));
    await page.screenshot({ path: join(shots, 'document-status-16.png'), fullPage: true });

    // The inbox counts it as not handled, and the row is bold like a new arrival.
    await page.goto(`${base}/#/inbox`);
    const row = page.getByTestId('inbox').locator(`tr[data-document-id="${documentId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('class')).toContain('unread');
    expect(await row.locator('[data-status]').first().getAttribute('data-status')).toBe('16');
  });

  it('the sender’s recall asks why: an empty reason is named in the dialog, a given one reaches the log', async () => {
    const fresh = await sendFromProvince(h, await sealedLetter(), { recipients: [HEALTH_DEPT], subject: 'V/v lấy lại văn bản từ trang chi tiết' });
    const page = await open(demoUsernames(h).clerk(PROVINCE));
    await page.goto(`${base}/#/documents/${fresh}`);
    await page.getByTestId('actions').locator('[data-action=recall]').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.locator('button[type=submit]').click();
    await expect.poll(() => dialog.locator('.field-error').textContent()).toContain('Vui lòng nhập');
    await dialog.locator('textarea').fill('Sai nơi nhận');
    await dialog.locator('button[type=submit]').click();
    await expect.poll(() => page.getByTestId('status-history').locator('li[data-status="13"]').textContent(), { timeout: 15_000 }).toContain('Sai nơi nhận');
    const log = await h.app.inject({ method: 'GET', url: `/api/v1/log?documentId=${fresh}&event=document.recall-requested`, headers: { authorization: h.tokens.auditor } });
    expect(log.json().items[0].details).toMatchObject({ reason: 'Sai nơi nhận', to: '13' });
  });

  it('the sender’s outbox counts a recipient at 13 or 16 as still waiting', async () => {
    const page = await open(demoUsernames(h).clerk(PROVINCE));
    await page.goto(`${base}/#/outbox`);
    const row = page.getByTestId('outbox').locator(`tr[data-document-id="${documentId}"]`);
    await row.waitFor();
    await expect.poll(() => row.locator('li[data-status]').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-status')).sort())).toEqual(['13', '16']);
    // No copy is at 01 any more: nothing to recall.
    expect(await row.getAttribute('data-recallable')).toBe('false');
    // The summary's count is the rows with a recipient still to act (01, 13 or 16), this one included.
    const waitingRows = await page.getByTestId('outbox').locator('tbody tr[data-document-id]').evaluateAll((rs) => rs.filter((r) => [...r.querySelectorAll('li[data-status]')].some((l) => ['01', '13', '16'].includes(l.getAttribute('data-status') ?? ''))).length);
    expect(waitingRows).toBeGreaterThanOrEqual(2);
    expect(await page.locator('main p.muted[aria-live]').first().textContent()).toMatch(new RegExp(`^${waitingRows} `));
  });

  it('signature cards: plain lines per kind of change, the technical detail behind a keyboard toggle', async () => {
    const page = await open(demoUsernames(h).clerk(HEALTH_DEPT));
    await page.goto(`${base}/#/documents/${documentId}`);
    const first = page.locator('.sig-card').first();
    await first.waitFor({ timeout: 30_000 });
    const lines = first.locator('.change-lines > li');
    await expect.poll(() => lines.count()).toBeGreaterThan(0);
    const texts = await lines.allTextContents();
    expect(texts).toContain('Thêm chữ ký số');
    for (const text of texts) expect(text).not.toMatch(/đối tượng \d|object \d|\bobj\b/i);
    const kinds = await lines.evaluateAll((ls) => ls.map((l) => l.getAttribute('data-kind')));
    expect(new Set(kinds).size).toBe(kinds.length);
    const detail = first.locator('details.tech-detail');
    expect(await detail.getAttribute('open')).toBeNull();
    expect(await detail.locator('ul').isVisible()).toBe(false);
    await detail.locator('summary').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => detail.locator('ul').isVisible()).toBe(true);
    expect(await detail.locator('summary').textContent()).toBe('Chi tiết kỹ thuật');
    expect(await detail.locator('ul').textContent()).toMatch(/đối tượng \d+, phiên bản \d+/);
  });

  it('dates read and are typed dd/mm/yyyy in Vietnam time in a browser set to en-US in New York', async () => {
    // The shared sign-in helper opens a vi-VN, Asia/Ho_Chi_Minh context; this one is en-US in New
    // York, signed in with the session the helper made (cookies and the tab's session storage).
    const signedIn = await open(demoUsernames(h).clerk(HEALTH_DEPT));
    const tabStorage = await signedIn.evaluate<Array<[string, string]>>('Object.entries(sessionStorage)');
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US', timezoneId: 'America/New_York', storageState: await signedIn.context().storageState() });
    await context.addInitScript(`for (const [k, v] of ${JSON.stringify(tabStorage)}) if (sessionStorage.getItem(k) === null) sessionStorage.setItem(k, v);`);
    const page = await context.newPage();
    sessions.push({ context, page });
    await page.goto(`${base}/#/inbox`);
    expect(await page.evaluate<string[]>('[Intl.DateTimeFormat().resolvedOptions().timeZone, navigator.language]')).toEqual(['America/New_York', 'en-US']);
    const row = page.getByTestId('inbox').locator(`tr[data-document-id="${documentId}"]`);
    await row.waitFor();
    // The document's sending time as the API gives it, turned into Vietnam time here by hand.
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${documentId}`, headers: { authorization: h.tokens.clerk(HEALTH_DEPT) } });
    const created = new Date(res.json().document.createdAt as string);
    const vn = new Date(created.getTime() + 7 * 3600_000).toISOString();
    const expected = `${vn.slice(8, 10)}/${vn.slice(5, 7)}/${vn.slice(0, 4)} ${vn.slice(11, 16)}`;
    expect(await row.locator('td').last().textContent()).toBe(expected);

    // The filter's date is a text field with the format shown; a wrong date is named, not sent.
    const from = page.locator('form.filters [name=from]');
    expect(await from.getAttribute('type')).toBe('text');
    expect(await from.getAttribute('placeholder')).toBe('dd/mm/yyyy');
    await from.fill('31/02/2026');
    await page.locator('form.filters button[type=submit]').click();
    const error = page.locator(`#${await from.getAttribute('id')}-error`);
    await expect.poll(() => error.textContent()).toContain('“31/02/2026” không phải ngày hợp lệ');
    expect(page.url()).not.toContain('from=');
    await from.fill('01/02/2026');
    await page.locator('form.filters button[type=submit]').click();
    await expect.poll(() => page.url()).toContain('from=2026-02-01');
    // Shown back as typed, after the page reads it from the URL.
    await expect.poll(() => page.locator('form.filters [name=from]').inputValue()).toBe('01/02/2026');
    expect(await page.locator('input[type=date], input[type=datetime-local]').count()).toBe(0);
  });

  it('the phone layout (390 px) shows every navigation item of an admin, the longest menu', async () => {
    const page = await open(demoUsernames(h).admin, { width: 390, height: 844 });
    await page.goto(`${base}/#/admin/log`);
    const links = page.getByRole('navigation').locator('[data-nav]');
    await expect.poll(() => links.count()).toBe(6);
    for (const link of await links.all()) {
      const box = (await link.boundingBox())!;
      expect(box.x, (await link.textContent()) ?? '').toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      expect(box.y + box.height).toBeLessThanOrEqual(844);
      expect(box.height).toBeGreaterThanOrEqual(44);
    }
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(shots, 'phone-nav-390.png') });
  });
});
