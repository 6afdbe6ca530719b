// The live badge in a real browser: a clerk sits on the inbox; documents sent to the agency
// through the API appear without a reload, the top-bar badge and the tab title count them, and
// another agency's clerk sees nothing. The service runs with the database's notifications, as
// `npm start` does (embedded PGlite here).
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createStores } from '../../src/db/create-stores.js';
import { seedDemoProvince, type SeededUser } from '../../src/exchange/seed-demo.js';
import { buildApp } from '../../src/http/app.js';
import { FIXTURES_DIR } from '../support/fixtures.js';
import { HEALTH_DEPT, HOME_AFFAIRS, PROVINCE, metadata, sealedLetter, sendBody } from '../http/harness.js';
import { launchChromium, screenshotDir, signIn, type Session } from './browser.js';
import { join } from 'node:path';

describe('live inbox badge in headless Chromium', () => {
  let database: Database;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let users: SeededUser[];
  let pdf: Uint8Array;
  const sessions: Session[] = [];
  const clerkOf = (code: string) => users.find((u) => u.role === 'clerk' && u.agencyCode === code)!;
  const token = (code: string) => clerkOf(code).token;
  const sendTo = async (code: string, subject: string) => {
    const body = sendBody(metadata({ recipients: [code], subject }), pdf);
    const r = await app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: `Bearer ${token(PROVINCE)}` }, payload: body.payload });
    expect(r.statusCode, r.body).toBe(201);
  };

  beforeAll(async () => {
    pdf = await sealedLetter();
    database = await openDatabase({});
    await database.migrate();
    const stores = createStores(database);
    users = (await seedDemoProvince({ stores, clock: () => new Date() }, { fixturesDir: FIXTURES_DIR })).users;
    app = buildApp({ stores, config: loadConfig({ LOG_LEVEL: 'silent' }), logger: pino({ level: 'silent' }), notifications: database.notifications });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const s of sessions) await s.context.close();
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  it('a document sent by API raises the badge and the tab title and shows in the open inbox, without a reload; another agency sees nothing', async () => {
    const health = await signIn(browser, base, clerkOf(HEALTH_DEPT).username);
    const other = await signIn(browser, base, clerkOf(HOME_AFFAIRS).username);
    sessions.push(health, other);
    const page = health.page;
    await page.getByTestId('inbox').waitFor();
    const badge = page.getByTestId('unread-badge');
    await expect.poll(() => badge.isHidden()).toBe(true);
    // Survives only if the page is never reloaded.
    await page.evaluate('window.liveMarker = 42');

    await sendTo(HEALTH_DEPT, 'V/v thử nghiệm thông báo tức thời số một');
    await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('1');
    expect(await badge.isVisible()).toBe(true);
    expect(await badge.getAttribute('aria-label')).toBe('1 văn bản chưa xử lý');
    await expect.poll(() => page.title()).toMatch(/^\(1\) /);
    await expect.poll(() => page.getByTestId('inbox').textContent(), { timeout: 10_000 }).toContain('thông báo tức thời số một');

    await sendTo(HEALTH_DEPT, 'V/v thử nghiệm thông báo tức thời số hai');
    await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('2');
    await expect.poll(() => page.title()).toMatch(/^\(2\) /);
    await expect.poll(() => page.getByTestId('inbox').textContent(), { timeout: 10_000 }).toContain('thông báo tức thời số hai');
    expect(await page.evaluate('window.liveMarker')).toBe(42);
    await page.screenshot({ path: join(screenshotDir(), '13-live-badge.png') });

    // The other agency's clerk: no badge, no count in the title, nothing in the inbox.
    expect(await other.page.getByTestId('unread-badge').isHidden()).toBe(true);
    expect(await other.page.title()).not.toMatch(/^\(\d+\) /);
    expect(await other.page.getByTestId('inbox').textContent()).not.toContain('thông báo tức thời');
  });

  it('after a reload the badge comes back with the server’s count', async () => {
    const page = sessions[0]!.page;
    await page.reload();
    await expect.poll(() => page.getByTestId('unread-badge').textContent(), { timeout: 10_000 }).toBe('2');
    await expect.poll(() => page.title()).toMatch(/^\(2\) /);
  });
});
