// The "not handled" count a clerk sees in three places must agree for every status, 13 (a recall
// waiting for an answer) and 16 (kept after a recall) included: the inbox page's summary (the web's
// status-phase table over the inbox items), the top bar's live badge (GET /inbox/count and the
// event stream: the server's statusesIn('waiting')) and the statistics an auditor reads
// (received − accepted − rejected: "those still waiting are in neither").
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_DEPT, sealedLetter } from '../http/harness.js';
import { demoUsernames, launchChromium, sendFromProvince, signIn, startUiServer, type Session, type UiServer } from './browser.js';

describe('not handled: inbox page, top-bar badge and statistics agree', () => {
  let server: UiServer;
  let browser: Browser;
  let clerk: Session;
  let ids: string[] = [];

  const post = async (code: 'PROVINCE' | 'HEALTH', id: string, path: string, payload: object) => {
    const auth = code === 'PROVINCE' ? server.h.tokens.clerk('000.00.00.H54') : server.h.tokens.clerk(HEALTH_DEPT);
    const res = await server.h.app.inject({ method: 'POST', url: `/api/v1/documents/${id}/${path}`, headers: { authorization: auth }, payload });
    expect(res.statusCode, res.body).toBe(200);
  };
  const statistics = async () => {
    const res = await server.h.app.inject({ method: 'GET', url: '/api/v1/statistics', headers: { authorization: server.h.tokens.auditor } });
    expect(res.statusCode, res.body).toBe(200);
    const row = (res.json().agencies as Array<{ code: string; received: number; accepted: number; rejected: number }>).find((a) => a.code === HEALTH_DEPT)!;
    return row.received - row.accepted - row.rejected;
  };
  const apiCount = async () => (await server.h.app.inject({ method: 'GET', url: '/api/v1/inbox/count', headers: { authorization: server.h.tokens.clerk(HEALTH_DEPT) } })).json().notHandled as number;
  /** The inbox page, drawn afresh, and the badge beside it. */
  const pageCounts = async (page: Page, expected: number) => {
    await page.goto(`${page.url().split('#')[0]}#/outbox`);
    await page.goto(`${page.url().split('#')[0]}#/inbox`);
    const summary = page.locator('p.muted[aria-live=polite]', { hasText: 'văn bản chưa xử lý' });
    await expect.poll(() => summary.textContent()).toBe(`${expected} văn bản chưa xử lý`);
    const badge = page.getByTestId('unread-badge');
    await expect.poll(() => badge.textContent()).toBe(String(expected));
    return { summary: Number((await summary.textContent())!.split(' ')[0]), badge: Number(await badge.textContent()) };
  };
  /** What the demo seed left waiting before this file's sends (the same in all three places). */
  let base = 0;
  const allAgree = async (mine: number) => {
    const expected = base + mine;
    const seen = { ...(await pageCounts(clerk.page, expected)), api: await apiCount(), statistics: await statistics() };
    expect(seen).toEqual({ summary: expected, badge: expected, api: expected, statistics: expected });
  };

  beforeAll(async () => {
    server = await startUiServer({ live: true });
    browser = await launchChromium();
    base = await apiCount();
    expect(await statistics()).toBe(base);
    const pdf = await sealedLetter();
    ids = [];
    for (let i = 0; i < 4; i++) ids.push(await sendFromProvince(server.h, pdf, { codeNumber: String(700 + i) }));
    clerk = await signIn(browser, server.base, demoUsernames(server.h).clerk(HEALTH_DEPT));
  });
  afterAll(async () => {
    await clerk?.context.close();
    await browser?.close();
    await server?.close();
  });

  it('four arrived (01): 4 everywhere; one accepted (03): 3', async () => {
    await allAgree(4);
    await post('HEALTH', ids[0]!, 'status', { status: '03' });
    await allAgree(3);
  });

  it('one recalled by the sender (13): still waiting for the recipient, 3 everywhere', async () => {
    await post('PROVINCE', ids[1]!, 'recall', { reason: 'Ban hành nhầm số' });
    await allAgree(3);
  });

  it('the recall refused (16): kept, not yet accepted, 3 everywhere; then accepted from 16: 2', async () => {
    await post('HEALTH', ids[1]!, 'recall-answer', { answer: '16', reason: 'Đã trình lãnh đạo' });
    await allAgree(3);
    await post('HEALTH', ids[1]!, 'status', { status: '03' });
    await allAgree(2);
  });

  it('one rejected (02): 1 everywhere', async () => {
    await post('HEALTH', ids[2]!, 'status', { status: '02', reason: 'Không thuộc thẩm quyền' });
    await allAgree(1);
  });
});
