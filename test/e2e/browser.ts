// Headless Chromium (Debian's `chromium`, /usr/bin/chromium) driven by playwright-core against a
// real listening docaxis. The flags keep Chromium off the network (this machine has none) and
// out of the sandbox it cannot create as root in a container.
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

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

/** A fresh browser profile (its own sessionStorage), signed in with `token` ("Bearer …" or bare). */
export async function signIn(browser: Browser, base: string, token: string, opts: { viewport?: { width: number; height: number } } = {}): Promise<Session> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1366, height: 900 }, acceptDownloads: true, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.getByLabel('Mã truy cập (token)').fill(token.replace(/^Bearer /, ''));
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByTestId('whoami').waitFor();
  return { context, page };
}
