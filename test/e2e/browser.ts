// Headless Chromium (Debian's `chromium`, /usr/bin/chromium) driven by playwright-core against a
// real listening docaxis. The flags keep Chromium off the network (this machine has none) and
// out of the sandbox it cannot create as root in a container.
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createStores } from '../../src/db/create-stores.js';
import { DEMO_PASSWORD } from '../../src/exchange/seed-demo.js';
import { WorkerVerifierPool } from '../../src/pades/verify-pool.js';
import { fixtureSealKeys } from '../../src/service-keys.js';
import { FIXTURES_DIR, P12_PASSWORD } from '../support/fixtures.js';
import { PROVINCE, type Harness, metadata, sendBody, startHarness } from '../http/harness.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`browser tests need Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does), or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Where screenshots go: DOCAXIS_SCREENSHOTS (npm run screenshots: docs/screenshots), else a temp dir. */
export function screenshotDir(): string {
  const dir = process.env.DOCAXIS_SCREENSHOTS ?? join(tmpdir(), 'docaxis-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface Session {
  context: BrowserContext;
  page: Page;
}

/**
 * A fresh browser profile (its own cookies and sessionStorage), signed in through the sign-in
 * form with a demo user name and the TEST-ONLY demo password (demoUsernames gives the names).
 */
export async function signIn(browser: Browser, base: string, username: string, opts: { viewport?: { width: number; height: number }; password?: string } = {}): Promise<Session> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1366, height: 900 }, acceptDownloads: true, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(opts.password ?? DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByTestId('whoami').waitFor();
  return { context, page };
}

/** The demo users' sign-in names, as the harness's `tokens` gives their bearer headers. */
export function demoUsernames(h: Harness): { clerk(code: string): string; admin: string; auditor: string } {
  const name = (pred: (u: Harness['users'][number]) => boolean) => {
    const u = h.users.find(pred);
    if (!u) throw new Error('no such demo user');
    return u.username;
  };
  return {
    clerk: (code) => name((u) => u.role === 'clerk' && u.agencyCode === code),
    admin: name((u) => u.role === 'admin'),
    auditor: name((u) => u.role === 'auditor'),
  };
}

export interface UiServer {
  h: Harness;
  database: Database;
  /** http://127.0.0.1:<port> */
  base: string;
  close(): Promise<void>;
}

/** The whole service on a fresh in-memory PGlite, seeded with the demo province, listening on loopback. */
/** `live`: the database's notifications reach the live streams (the top-bar badge follows changes). */
export async function startUiServer(opts: { live?: boolean } = {}): Promise<UiServer> {
  const database = await openDatabase({});
  await database.migrate();
  // PDFs verified on a worker thread, as `npm start` does.
  const verifier = new WorkerVerifierPool(1);
  // The demo agencies seal with their TEST-ONLY fixture keys, as `npm start` does without an HSM.
  const sealKeys = { allowedModules: [], env: {}, fixtures: fixtureSealKeys({ path: (n) => FIXTURES_DIR + n, password: P12_PASSWORD }) };
  const h = await startHarness(createStores(database), { verifier, sealKeys, ...(opts.live ? { notifications: database.notifications } : {}) });
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    h,
    database,
    base,
    close: async () => {
      await h.app.close();
      await verifier.close();
      await database.close();
    },
  };
}

/** Sends `pdf` from the province to Sở Y tế through the API (app.inject); the new document's id. */
export async function sendFromProvince(h: Harness, pdf: Uint8Array, meta: Record<string, unknown> = {}): Promise<string> {
  const body = sendBody(metadata(meta), pdf);
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
  if (res.statusCode !== 201) throw new Error(`send: ${res.statusCode} ${res.body}`);
  return (JSON.parse(res.body) as { document: { id: string } }).document.id;
}
