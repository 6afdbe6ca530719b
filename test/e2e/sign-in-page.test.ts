// The sign-in page as a first-time user sees it, at a phone's 390 px and a laptop's 1366 px, in
// Vietnamese and English: the red banner carries the name and the language switch (no empty band),
// the switch is readable (WCAG AA contrast against what is really behind it), nothing overflows
// sideways, and the form is whole on screen. Screenshots: sign-in-390.png, sign-in-1366.png (and
// -en) in screenshotDir() (docs/screenshots with npm run screenshots).
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshotDir, startUiServer, type UiServer } from './browser.js';

/** WCAG relative luminance contrast of two rgb() colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** The switch's text colour and the first opaque background behind it. */
async function switchColours(page: Page): Promise<{ fg: string; bg: string }> {
  return page.evaluate(`(() => {
    const el = document.querySelector('.lang-switch');
    const fg = getComputedStyle(el).color;
    let n = el, bg = 'rgb(255, 255, 255)';
    while (n) {
      const c = getComputedStyle(n).backgroundColor;
      // Opaque layers only (a translucent hover tint is skipped: it only lightens the red a little).
      if (c && c.startsWith('rgb(')) { bg = c; break; }
      n = n.parentElement;
    }
    return { fg, bg };
  })()`);
}

describe('sign-in page', () => {
  let server: UiServer;
  let browser: Browser;
  const shots = screenshotDir();

  beforeAll(async () => {
    server = await startUiServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const width of [390, 1366]) {
    for (const lang of ['vi', 'en'] as const) {
      it(`${width} px, ${lang}: a filled banner, a readable language switch, the whole form on screen`, async () => {
        const context = await browser.newContext({ viewport: { width, height: width < 800 ? 844 : 800 }, locale: 'vi-VN' });
        try {
          const page = await context.newPage();
          await page.goto(`${server.base}/`);
          await page.locator('form.sign-in').waitFor();
          if (lang === 'en') {
            await page.getByRole('button', { name: 'Switch to English' }).click();
            await page.getByRole('heading', { name: 'Sign in' }).waitFor();
          }
          await page.mouse.move(0, 0);
          const banner = page.locator('.sign-in-banner');
          expect((await banner.innerText()).trim().length).toBeGreaterThan(20);
          await expect.poll(() => banner.locator('.brand').innerText()).toMatch(lang === 'vi' ? /Trục liên thông/ : /Document exchange/);
          const { fg, bg } = await switchColours(page);
          expect(contrast(fg, bg), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
          expect(await page.locator('.lang-switch').isVisible()).toBe(true);
          const geometry = await page.evaluate(`(() => {
            const form = document.querySelector('form.sign-in').getBoundingClientRect();
            return { scrollWidth: document.documentElement.scrollWidth, width: innerWidth, formLeft: form.left, formRight: form.right, formBottom: form.bottom, height: innerHeight };
          })()`) as { scrollWidth: number; width: number; formLeft: number; formRight: number; formBottom: number; height: number };
          expect(geometry.scrollWidth).toBeLessThanOrEqual(geometry.width);
          expect(geometry.formLeft).toBeGreaterThanOrEqual(0);
          expect(geometry.formRight).toBeLessThanOrEqual(geometry.width);
          expect(geometry.formBottom).toBeLessThanOrEqual(geometry.height);
          await page.getByLabel(lang === 'vi' ? 'Tên đăng nhập' : 'User name').waitFor();
          await page.getByLabel(lang === 'vi' ? 'Mật khẩu' : 'Password').waitFor();
          await page.screenshot({ path: join(shots, `sign-in-${width}${lang === 'en' ? '-en' : ''}.png`) });
        } finally {
          await context.close();
        }
      });
    }
  }
});
