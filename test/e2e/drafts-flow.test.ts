// Issue 12 in the browser: a drafter uploads a draft (a classified choice is refused by the
// service and the refusal shown) and submits it to a signer; the signer opens it, clicks on the
// rendered page to place the signature, and reads the command to run; the test then does what
// `docaxis sign-draft` does (prepare with the command's placement, sign dataToSign with the
// fixture key, complete) and the open page turns "Signed" without a reload; qpdf confirms the
// signature widget sits where the click put it. A clerk then places the number and confirms
// register-seal-send: the request the page sends is checked, the service registers, seals with
// the agency's TEST-ONLY fixture key and sends, and the recipient's copy verifies with both
// signatures. Screenshots: docs/screenshots/draft-*.png when DOCAXIS_SCREENSHOTS is set.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_DEPT, PROVINCE } from '../http/harness.js';
import { certificatesOf, signValue, submit, uploadDraft } from '../http/drafts-helpers.js';
import { fixtureSigner, sampleLetter } from '../support/fixtures.js';
import { tempDir, writeTemp } from '../support/oracles.js';
import { demoUsernames, launchChromium, screenshotDir, signIn, startUiServer, type Session, type UiServer } from './browser.js';
import { PEOPLE_PASSWORD, webPerson, type WebPerson } from './draft-people.js';

describe('drafts in the browser: draft, sign with one’s own token, register, seal and send', () => {
  let server: UiServer;
  let browser: Browser;
  let drafter: WebPerson;
  let signer: WebPerson;
  let draftFile: string;
  let draftId: string;
  let signedRect: number[];
  const shots = screenshotDir();
  const sessions: Session[] = [];
  const open = async (username: string, opts: { password?: string; viewport?: { width: number; height: number } } = {}): Promise<Page> => {
    const s = await signIn(browser, server.base, username, opts);
    sessions.push(s);
    return s.page;
  };
  const api = (method: 'GET' | 'POST', url: string, auth: string, payload?: unknown) => server.h.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: auth }, ...(payload ? { payload: payload as object } : {}) });

  beforeAll(async () => {
    server = await startUiServer();
    browser = await launchChromium();
    drafter = await webPerson(server.h, server.base, PROVINCE, 'Chuyên viên Trần Thị Hà', 'chuyenvien.ha', ['drafter']);
    signer = await webPerson(server.h, server.base, PROVINCE, 'Nguyễn Văn An', 'lanhdao.an', ['signer']);
    draftFile = writeTemp(tempDir('docaxis-drafts-'), 'du-thao.pdf', (await sampleLetter()).pdf);
  });
  afterAll(async () => {
    for (const s of sessions) await s.context.close();
    await browser?.close();
    await server?.close();
  });

  it('each role sees only its own navigation items', async () => {
    const d = await open(drafter.username, { password: PEOPLE_PASSWORD, viewport: { width: 390, height: 844 } });
    await d.getByTestId('drafts-mine').waitFor();
    const navOf = (p: Page) => p.locator('nav.sidenav a').evaluateAll((as) => as.map((a) => a.getAttribute('data-nav')));
    expect(await navOf(d)).toEqual(['drafts']);
    // At 390 px the navigation fits the screen width.
    expect(await d.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await d.screenshot({ path: join(shots, 'draft-01-drafter-phone.png'), fullPage: true });
    const s = await open(signer.username, { password: PEOPLE_PASSWORD });
    await s.getByTestId('drafts-waiting').waitFor();
    expect(await navOf(s)).toEqual(['waiting']);
    const c = await open(demoUsernames(server.h).clerk(PROVINCE));
    await c.getByTestId('whoami').waitFor();
    expect(await navOf(c)).toEqual(expect.arrayContaining(['seal', 'register']));
    expect(await navOf(c)).not.toContain('drafts');
    expect(await navOf(c)).not.toContain('waiting');
    // The clerk's menu, now the longest, still fits a 390 px phone.
    await c.setViewportSize({ width: 390, height: 844 });
    for (const link of await c.locator('nav.sidenav a').all()) {
      const b = (await link.boundingBox())!;
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(390);
      expect(b.height).toBeGreaterThanOrEqual(44);
    }
    expect(await c.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await c.screenshot({ path: join(shots, 'draft-00-clerk-phone-nav.png') });
    await c.setViewportSize({ width: 1366, height: 900 });
    // A clerk typing a drafter's address is refused by the page (and the API).
    await c.goto(`${server.base}/#/drafts/new`);
    await c.getByTestId('forbidden').waitFor();
  });

  it('the drafter: a classified choice is refused by the service; the draft is saved, then submitted to the signer', async () => {
    const page = sessions[0]!.page;
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.locator('[data-action=new-draft]').click();
    const form = page.getByTestId('draft-form');
    await form.waitFor();
    expect(await form.locator('[name=codeNumber]').count()).toBe(0);
    await page.locator('input[type=file]').first().setInputFiles(draftFile);
    await form.locator('[name=codeNotation]').fill('QĐ-UBND');
    await form.locator('[name=subject]').fill('Quyết định về việc ban hành kế hoạch chuyển đổi số năm 2027');
    await form.locator('[name=promulgationPlace]').fill('Hà Nội');
    await form.locator('[name="signer.fullName"]').fill('Nguyễn Văn An');
    await form.locator(`input[type=checkbox][value="${HEALTH_DEPT}"]`).check();

    await form.locator('[name=classification]').selectOption('MAT');
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/drafts') && r.request().method() === 'POST');
    await page.locator('[data-action=create-draft]').click();
    expect((await refused).status()).toBe(422);
    await expect.poll(() => page.locator('[data-error-code=CLASSIFIED_REFUSED]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(shots, 'draft-02-classified-refused.png'), fullPage: true });
    // Nothing was stored.
    expect((await api('GET', '/drafts', drafter.auth)).json().items).toHaveLength(0);

    await form.locator('[name=classification]').selectOption('NONE');
    await page.locator('[data-action=create-draft]').click();
    await page.waitForURL(/#\/drafts\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    draftId = /#\/drafts\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
    await page.getByTestId('draft-status').filter({ hasText: 'Đang soạn' }).waitFor();
    await page.locator('[data-event=created]').waitFor();

    // By id: the demo seed's own signer of this agency has the same name.
    await page.locator('select[name=signer]').selectOption(signer.id);
    await page.locator('[data-action=submit-draft]').click();
    await page.locator('[data-testid=draft-status][data-status=submitted]').waitFor();
    await page.locator('[data-event=submitted]').waitFor();
    await page.screenshot({ path: join(shots, 'draft-03-submitted.png'), fullPage: true });
    const detail = (await api('GET', `/drafts/${draftId}`, drafter.auth)).json();
    expect(detail.draft).toMatchObject({ status: 'submitted', signerUserId: signer.id, currentVersion: 1 });
    expect(detail.draft.metadata.codeNumber).toBeUndefined();
  });

  it('the signer clicks where the signature goes, reads the command, and sees the page turn signed when the token has signed', async () => {
    const page = sessions[1]!.page;
    await page.reload();
    const row = page.locator(`[data-testid=drafts-waiting] tr[data-draft-id="${draftId}"]`);
    await row.waitFor();
    await row.locator('a').click();
    const picker = page.getByTestId('page-picker');
    const firstPage = picker.locator('.pdf-page[data-page="1"][data-rendered=yes]');
    await firstPage.waitFor({ timeout: 30_000 });
    // Click at 75% across and 80% down page 1 (A4: 595 x 842 pt): the centre of a 180 x 70 pt box.
    const box = (await firstPage.boundingBox())!;
    const clickAt = { position: { x: box.width * 0.75, y: box.height * 0.8 } };
    await firstPage.click(clickAt);
    const placement = (await picker.getAttribute('data-placement'))!;
    const m = /^1:([\d.]+),([\d.]+),180,70$/.exec(placement);
    expect(m, placement).not.toBeNull();
    const [x, y] = [Number(m![1]), Number(m![2])];
    expect(x + 90).toBeCloseTo(595.28 * 0.75, 0);
    expect(y + 35).toBeCloseTo(841.89 * 0.2, 0);
    await page.getByTestId('placement-rect').waitFor();

    await page.locator('[data-action=sign]').click();
    const command = (await page.getByTestId('sign-command').textContent())!;
    expect(command).toBe(`docaxis sign-draft --server ${server.base} --draft ${draftId} --page 1 --rect ${x},${y},180,70 --pkcs11-module PATH --token-label L --key-label K`);
    await page.locator('select[name=key-kind]').selectOption('p12');
    expect(await page.getByTestId('sign-command').textContent()).toMatch(/ --page 1 --rect [\d.,]+ --p12 FILE$/);
    await page.screenshot({ path: join(shots, 'draft-04-signer-command.png'), fullPage: true });

    // "Default position" forgets the click: the command then leaves the placement to the service.
    await page.locator('[data-action=default-position]').click();
    expect(await page.getByTestId('sign-command').textContent()).not.toContain('--rect');
    await firstPage.click(clickAt);
    const again = /--page (\d+) --rect ([\d.]+),([\d.]+),(180),(70) /.exec((await page.getByTestId('sign-command').textContent())!);
    expect(again).not.toBeNull();
    // The same spot (within a point: the page may have scrolled by a fraction of a pixel).
    expect(Math.abs(Number(again![2]) - x)).toBeLessThan(1);
    expect(Math.abs(Number(again![3]) - y)).toBeLessThan(1);

    // What the CLI does with that command's --page and --rect, through the same API and the fixture key.
    await page.evaluate('window.notReloaded = true');
    const an = fixtureSigner('signer-nguyen-van-an');
    signedRect = again!.slice(2, 6).map(Number);
    const prepared = await api('POST', `/drafts/${draftId}/signatures/prepare`, signer.auth, { certificates: certificatesOf(an), placement: { page: Number(again![1]), rect: signedRect } });
    expect(prepared.statusCode, prepared.body).toBe(201);
    const done = await api('POST', `/drafts/${draftId}/signatures/${prepared.json().preparedId}/complete`, signer.auth, { signatureValue: await signValue(an, prepared.json().dataToSign) });
    expect(done.statusCode, done.body).toBe(200);

    await page.locator('[data-testid=draft-status][data-status=signed]').waitFor({ timeout: 15_000 });
    expect(await page.evaluate<boolean>('window.notReloaded === true')).toBe(true);
    await page.locator('[data-event=signed]').waitFor();
    await page.screenshot({ path: join(shots, 'draft-05-signed.png'), fullPage: true });
  });

  it('qpdf finds the signer’s widget where the click put it', async () => {
    const file = await server.h.app.inject({ method: 'GET', url: `/api/v1/drafts/${draftId}/file`, headers: { authorization: signer.auth } });
    expect(file.statusCode).toBe(200);
    const path = writeTemp(tempDir('docaxis-drafts-signed-'), 'signed.pdf', file.rawPayload);
    const json = JSON.parse(execFileSync('qpdf', ['--json=1', '--json-key=objects', path], { encoding: 'utf8' })) as { objects: Record<string, { '/FT'?: string; '/Rect'?: number[] } | unknown> };
    const rects = Object.values(json.objects)
      .map((o) => o as { '/FT'?: string; '/Rect'?: number[] })
      .filter((o) => o && o['/FT'] === '/Sig' && Array.isArray(o['/Rect']))
      .map((o) => o['/Rect']!);
    const [x, y, w, hgt] = signedRect;
    expect(rects.some((r) => Math.abs(r[0]! - x!) < 0.5 && Math.abs(r[1]! - y!) < 0.5 && Math.abs(r[2]! - (x! + w!)) < 0.5 && Math.abs(r[3]! - (y! + hgt!)) < 0.5), JSON.stringify(rects)).toBe(true);
  });

  it('the clerk places the number, confirms the recipients, and the page sends register-seal-send and opens the sent document', async () => {
    const page = sessions[2]!.page;
    await page.goto(`${server.base}/#/drafts/signed`);
    const row = page.locator(`[data-testid=drafts-signed] tr[data-draft-id="${draftId}"]`);
    await row.waitFor();
    await row.locator('a').click();
    const firstPage = page.locator('[data-testid=page-picker] .pdf-page[data-page="1"][data-rendered=yes]');
    await firstPage.waitFor({ timeout: 30_000 });
    const box = (await firstPage.boundingBox())!;
    await firstPage.click({ position: { x: box.width * 0.25, y: box.height * 0.15 } });
    const placement = (await page.getByTestId('page-picker').getAttribute('data-placement'))!;
    const m = /^1:([\d.]+),([\d.]+),160,20$/.exec(placement);
    expect(m, placement).not.toBeNull();
    await page.screenshot({ path: join(shots, 'draft-06-clerk-number.png'), fullPage: true });

    // The real route: the page's request, the register's number, the seal and the send.
    const requests: Array<{ body: unknown; csrf: string | undefined }> = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/seal-and-send')) requests.push({ body: r.postDataJSON(), csrf: r.headers()['x-csrf-token'] });
    });
    const answered = page.waitForResponse((r) => r.url().endsWith('/seal-and-send'), { timeout: 60_000 });
    await page.locator('[data-action=seal-and-send]').click();
    const dialog = page.locator('dialog.confirm[open]');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Sở Y tế');
    await page.screenshot({ path: join(shots, 'draft-07-clerk-confirm.png') });
    await dialog.locator('button[type=submit]').click();
    const response = await answered;
    expect(response.status(), await response.text()).toBe(200);
    const sent = (await response.json()) as { registerEntry: { number: number; notation: string }; documentId: string };
    await page.waitForURL(new RegExp(`#/documents/${sent.documentId}$`), { timeout: 30_000 });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.body).toEqual({ numberPlacement: { page: 1, x: Number(m![1]), y: Number(m![2]), width: 160, height: 20 } });
    expect(requests[0]!.csrf).toBeTruthy();
    expect(sent.registerEntry.number).toBeGreaterThanOrEqual(1);
    // The recipient's copy carries both signatures, valid, and the number in the document.
    const doc = await api('GET', `/documents/${sent.documentId}`, server.h.tokens.clerk(HEALTH_DEPT));
    expect(doc.statusCode, doc.body).toBe(200);
    const report = (doc.json() as { document: { verification: { document: { verdict: string }; signatures: unknown[] } } }).document.verification;
    expect(report.signatures).toHaveLength(2);
    expect(report.document.verdict).toBe('valid');
  });

  it('the outgoing register: search by year, number, text and dates, and the CSV link carries the same search', async () => {
    // Two entries registered as the sealing flow does (POST /register): one the search finds, one it
    // must not (nor the letter sealed and sent above, which is in the register too).
    const clerkAuth = server.h.tokens.clerk(PROVINCE);
    for (const subject of ['Kế hoạch phòng chống thiên tai năm 2026', 'Công văn về lịch họp giao ban']) {
      const r = await api('POST', '/register', clerkAuth, { documentType: 'Kế hoạch', subject, signerName: 'Nguyễn Văn An', documentSha256: 'ab'.repeat(32) });
      expect(r.statusCode, r.body).toBeLessThan(300);
    }
    const page = sessions[2]!.page;
    await page.goto(`${server.base}/#/register`);
    await page.locator('[data-testid=register-table] tbody tr').nth(1).waitFor();
    // The register's year is Vietnam's calendar year now.
    const year = String(new Date(Date.now() + 7 * 3600_000).getUTCFullYear());
    const filters = page.getByTestId('register-filters');
    await filters.waitFor();
    await filters.locator('[name=year]').fill(year);
    await filters.locator('[name=text]').fill('thiên tai');
    await filters.locator('[name=from]').fill(`01/01/${year}`);
    await filters.locator('[name=to]').fill(`31/12/${year}`);
    const searched = page.waitForRequest((r) => r.url().includes('/api/v1/register?'));
    await filters.locator('button[type=submit]').click();
    const url = new URL((await searched).url());
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ year, text: 'thiên tai', from: `${year}-01-01`, to: `${year}-12-31` });
    await expect.poll(() => page.locator('[data-testid=register-table] tbody tr').count()).toBe(1);
    expect(await page.locator('[data-testid=register-table] tbody tr').textContent()).toContain('Kế hoạch phòng chống thiên tai năm 2026');
    const href = (await page.locator('[data-action=register-csv]').getAttribute('href'))!;
    const csvUrl = new URL(href, server.base);
    expect(csvUrl.pathname).toBe('/api/v1/register.csv');
    expect(Object.fromEntries(csvUrl.searchParams)).toEqual({ year, text: 'thiên tai', from: `${year}-01-01`, to: `${year}-12-31` });
    // The link works with the session cookie alone (a plain GET).
    const csv = await page.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).status, href);
    expect(csv).toBe(200);
    await page.screenshot({ path: join(shots, 'draft-08-register.png'), fullPage: true });
  });
  it('the signer returns a draft with a comment; the drafter reads it in the history and uploads a new version', async () => {
    const id = await uploadDraft(server.h, drafter, (await sampleLetter()).pdf);
    await submit(server.h, drafter, id, signer.id);
    const s = sessions[1]!.page;
    await s.goto(`${server.base}/#/drafts/${id}`);
    await s.locator('[data-action=return-draft]').click();
    const dialog = s.locator('dialog.confirm[open]');
    await dialog.locator('textarea').fill('Đề nghị bổ sung căn cứ pháp lý.');
    await dialog.locator('button[type=submit]').click();
    await s.locator('[data-testid=draft-status][data-status=returned]').waitFor();
    expect(await s.locator('[data-event=returned] .draft-comment').textContent()).toBe('Đề nghị bổ sung căn cứ pháp lý.');

    const d = sessions[0]!.page;
    await d.goto(`${server.base}/#/drafts/${id}`);
    await d.locator('[data-event=returned] .draft-comment').waitFor();
    await d.getByTestId('revise-file').setInputFiles(draftFile);
    await d.locator('[data-action=revise]').click();
    await d.locator('[data-event=revised]').waitFor();
    expect((await api('GET', `/drafts/${id}`, drafter.auth)).json().draft).toMatchObject({ status: 'draft', currentVersion: 2 });
    await d.locator('[data-testid=draft-status][data-status=draft]').waitFor();
    await d.screenshot({ path: join(shots, 'draft-09-returned-revised.png'), fullPage: true });
  });
});
