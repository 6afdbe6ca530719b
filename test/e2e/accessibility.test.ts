// Accessibility of every main screen, judged by axe-core (Deque's engine, the one browser
// accessibility audits use) in headless Chromium: WCAG 2.0/2.1 A and AA rules, which include
// labels, names of buttons and links, colour contrast, landmarks, lang and ARIA use. Any
// violation fails, with axe's own description of each offending element.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_DEPT, PROVINCE, sealedLetter } from '../http/harness.js';
import { tempDir, writeTemp } from '../support/oracles.js';
import { DEMO_PASSWORD } from '../../src/exchange/seed-demo.js';
import { PEOPLE_PASSWORD, webPerson } from './draft-people.js';
import { demoUsernames, launchChromium, sendFromProvince, signIn, startUiServer, type Session, type UiServer } from './browser.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/** axe's violations on the page as it is now; the script is evaluated over CDP, which the page's CSP does not govern. */
async function violations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate<AxeViolation[], string[]>(
    // Without a context argument axe audits the whole document.
    async (tags) => (await (globalThis as unknown as { axe: { run(o: unknown): Promise<{ violations: AxeViolation[] }> } }).axe.run({ runOnly: { type: 'tag', values: tags } })).violations,
    WCAG_AA,
  );
  return found.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} — ${n.target.join(' ')}${n.failureSummary ? `: ${n.failureSummary.replace(/\s+/g, ' ')}` : ''}`));
}

describe('accessibility (axe-core, WCAG 2.1 AA) of every main screen', () => {
  let server: UiServer;
  let browser: Browser;
  let documentId: string;
  let sealedFile: string;
  const sessions: Session[] = [];
  const as = async (username: string, viewport?: { width: number; height: number }, password?: string) => {
    const s = await signIn(browser, server.base, username, { ...(viewport ? { viewport } : {}), ...(password ? { password } : {}) });
    sessions.push(s);
    return s.page;
  };
  /** Opens a screen and waits for `ready` (a selector of its loaded content) before the audit. */
  const audit = async (page: Page, path: string, ready: string) => {
    await page.goto(`${server.base}/#${path}`);
    await page.locator(ready).first().waitFor({ timeout: 20_000 });
    return violations(page);
  };

  beforeAll(async () => {
    server = await startUiServer();
    browser = await launchChromium();
    const pdf = await sealedLetter();
    sealedFile = writeTemp(tempDir('docaxis-a11y-'), 'cong-van.pdf', pdf);
    documentId = await sendFromProvince(server.h, pdf, { priority: 3 });
  });
  afterAll(async () => {
    for (const s of sessions) await s.context.close();
    await browser?.close();
    await server?.close();
  });

  it('the audit finds a planted violation (an unlabelled field, light grey text on white)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    sessions.push({ context, page });
    await page.goto(`${server.base}/`);
    await page.locator('form.sign-in').waitFor();
    // Styled through the CSSOM: the page's CSP (rightly) drops inline style attributes.
    await page.evaluate(`(() => {
      const form = document.querySelector('form.sign-in');
      form.append(document.createElement('input'));
      const p = document.createElement('p');
      p.textContent = 'hidden text';
      p.style.color = '#bbbbbb';
      p.style.background = '#ffffff';
      form.append(p);
    })()`);
    const found = await violations(page);
    expect(found.some((v) => v.startsWith('label '))).toBe(true);
    expect(found.some((v) => v.startsWith('color-contrast '))).toBe(true);
  });

  it('sign-in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    sessions.push({ context, page });
    expect(await audit(page, '/', 'form.sign-in')).toEqual([]);
  });

  it('clerk screens: inbox, document with its report and actions, outbox, send with a verified file, verify', async () => {
    const recipient = await as(demoUsernames(server.h).clerk(HEALTH_DEPT));
    expect(await audit(recipient, '/inbox', '[data-testid=inbox] tbody tr[data-document-id]')).toEqual([]);
    expect(await audit(recipient, `/documents/${documentId}`, '.sig-card')).toEqual([]);
    const sender = await as(demoUsernames(server.h).clerk(PROVINCE));
    expect(await audit(sender, '/outbox', '[data-testid=outbox] tbody tr[data-document-id]')).toEqual([]);
    await sender.goto(`${server.base}/#/send`);
    await sender.getByTestId('send-form').waitFor();
    await sender.locator('input[type=file]').setInputFiles(sealedFile);
    await sender.locator('.sig-card').first().waitFor({ timeout: 20_000 });
    expect(await violations(sender)).toEqual([]);
    expect(await audit(sender, '/verify', '[data-testid=verify-page]')).toEqual([]);
  });

  it('admin screens: log, statistics, agencies, users, trust; the account page', async () => {
    const admin = await as(demoUsernames(server.h).admin);
    expect(await audit(admin, '/admin/log', '[data-testid=log-table] tbody tr')).toEqual([]);
    expect(await audit(admin, '/admin/statistics', '[data-testid=statistics] svg')).toEqual([]);
    expect(await audit(admin, '/admin/agencies', '[data-testid=agency-table] tbody tr')).toEqual([]);
    expect(await audit(admin, '/admin/users', '[data-testid=user-table] tbody tr')).toEqual([]);
    expect(await audit(admin, '/admin/trust', '[data-testid=trust-anchor-table] tbody tr')).toEqual([]);
    expect(await audit(admin, '/account', '[data-testid=password-change]')).toEqual([]);
  });

  it('draft screens: the drafter’s list, new draft and draft page; the signer’s waiting list and draft page with the command; the clerk’s signed list and register', async () => {
    const drafter = await webPerson(server.h, server.base, PROVINCE, 'Chuyên viên Hà', 'a11y.drafter', ['drafter']);
    const signer = await webPerson(server.h, server.base, PROVINCE, 'Nguyễn Văn An', 'a11y.signer', ['signer']);
    const d = await as(drafter.username, undefined, PEOPLE_PASSWORD);
    expect(await audit(d, '/drafts', '[data-testid=drafts-mine]')).toEqual([]);
    expect(await audit(d, '/drafts/new', '[data-testid=draft-form]')).toEqual([]);
    const form = d.getByTestId('draft-form');
    await d.locator('input[type=file]').first().setInputFiles(sealedFile);
    await form.locator('[name=codeNotation]').fill('QĐ-UBND');
    await form.locator('[name=subject]').fill('Quyết định thử nghiệm khả năng tiếp cận');
    await form.locator('[name=promulgationPlace]').fill('Thái Bình');
    await form.locator('[name="signer.fullName"]').fill('Nguyễn Văn An');
    await form.locator(`input[type=checkbox][value="${HEALTH_DEPT}"]`).check();
    await d.locator('[data-action=create-draft]').click();
    await d.waitForURL(/#\/drafts\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    await d.locator('[data-testid=page-picker] .pdf-page[data-rendered=yes]').first().waitFor({ timeout: 20_000 });
    expect(await violations(d)).toEqual([]);
    await d.locator('select[name=signer]').selectOption(signer.id);
    await d.locator('[data-action=submit-draft]').click();
    await d.locator('[data-testid=draft-status][data-status=submitted]').waitFor();
    const draftPath = new URL(d.url()).hash.slice(1);

    const s = await as(signer.username, { width: 390, height: 844 }, PEOPLE_PASSWORD);
    expect(await audit(s, '/drafts/waiting', '[data-testid=drafts-waiting] tbody tr')).toEqual([]);
    expect(await audit(s, draftPath, '[data-testid=page-picker] .pdf-page[data-rendered=yes]')).toEqual([]);
    await s.locator('[data-action=sign]').click();
    await s.getByTestId('sign-command').waitFor();
    expect(await violations(s)).toEqual([]);

    const clerk = await as(demoUsernames(server.h).clerk(PROVINCE));
    expect(await audit(clerk, '/drafts/signed', '[data-testid=drafts-signed]')).toEqual([]);
    expect(await audit(clerk, '/register', '[data-testid=register-filters]')).toEqual([]);
  });

  it('works from the keyboard alone: sign in, open a letter from the inbox, reach the accept dialog and leave it with Escape', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    sessions.push({ context, page });
    await page.goto(`${server.base}/`);
    await page.locator('form.sign-in').waitFor();
    // The user name field has the focus when the page opens; Tab reaches the password.
    await page.keyboard.type(demoUsernames(server.h).clerk(HEALTH_DEPT));
    await page.keyboard.press('Tab');
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByTestId('inbox').locator('tbody tr[data-document-id]').first().waitFor();
    const tabTo = async (selector: string) => {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate<boolean>(`!!document.activeElement && document.activeElement.matches(${JSON.stringify(selector)})`)) return;
      }
      throw new Error(`Tab never reached ${selector}`);
    };
    await tabTo(`a[href="#/documents/${documentId}"]`);
    await page.keyboard.press('Enter');
    await page.locator('[data-action=accept]').waitFor();
    await tabTo('[data-action=accept]');
    await page.keyboard.press('Enter');
    const dialog = page.locator('dialog.confirm[open]');
    await dialog.waitFor();
    expect(await page.evaluate<boolean>(`document.querySelector('dialog.confirm[open]').contains(document.activeElement)`)).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.locator('[data-action=accept]').count()).toBe(1);
  });

  it('on a phone, and in English', async () => {
    const page = await as(demoUsernames(server.h).clerk(HEALTH_DEPT), { width: 390, height: 844 });
    expect(await audit(page, '/inbox', '[data-testid=inbox] tbody tr[data-document-id]')).toEqual([]);
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.locator('main h1', { hasText: 'Inbox' }).waitFor();
    expect(await violations(page)).toEqual([]);
  });
});
