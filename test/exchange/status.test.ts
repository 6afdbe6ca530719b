// The recipient's status machine and the recall flow.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors.js';
import type { StatusCode } from '../../src/db/ports.js';
import { getDocument } from '../../src/exchange/get-document.js';
import { listDocuments } from '../../src/exchange/list-documents.js';
import { answerRecall, requestRecall } from '../../src/exchange/recall.js';
import { sendDocument, type SendResult } from '../../src/exchange/send-document.js';
import { nextStatus } from '../../src/exchange/status-machine.js';
import { updateStatus } from '../../src/exchange/update-status.js';
import { CODES, lastLog, makeLetters, makeWorld, metadata, refused, type Letters, type World } from './world.js';

let L: Letters;
let w: World;
let sent: SendResult;
beforeAll(async () => {
  L = await makeLetters();
});
beforeEach(async () => {
  w = await makeWorld();
  sent = await sendDocument(w.deps, w.clerk.province, { metadata: metadata({ recipients: [CODES.health, CODES.district] }), pdf: L.valid });
});

const health = () => w.clerk.health;
const status = (to: StatusCode, reason?: string) => updateStatus(w.deps, health(), sent.document.id, { status: to, ...(reason !== undefined ? { reason } : {}) });
const statusOf = (code: string) => w.stores.state.deliveries.find((d) => d.documentId === sent.document.id && d.recipientCode === code)!.status;

describe('status machine', () => {
  it('01 -> 03 -> 04 -> 05 -> 06, each with an event and a log entry', async () => {
    for (const to of ['03', '04', '05', '06'] as const) {
      const before = w.stores.state.log.length;
      const r = await status(to);
      expect(r.delivery.status).toBe(to);
      expect(r.event).toMatchObject({ status: to, actorUserId: health().user.id, reason: null });
      expect(w.stores.state.log.slice(before)).toHaveLength(1);
      expect(lastLog(w)).toMatchObject({ event: 'delivery.status', agencyId: health().agency.id, documentId: sent.document.id, details: { to, recipientCode: CODES.health } });
    }
    expect(statusOf(CODES.health)).toBe('06');
    expect(statusOf(CODES.district)).toBe('01'); // the other recipient is untouched
    const detail = await getDocument(w.deps, health(), sent.document.id);
    expect(detail.deliveries[0]!.events.map((e) => e.status)).toEqual(['01', '03', '04', '05', '06']);
  });

  it('03 -> 05 skips the assignment', async () => {
    await status('03');
    expect((await status('05')).delivery.status).toBe('05');
  });

  it('01 -> 02 needs a reason, which is kept', async () => {
    const e = await refused(status('02'), 'REASON_REQUIRED');
    expect(e.message).toBe(`${ERROR_CATALOGUE.REASON_REQUIRED.message}: status 02`);
    await refused(status('02', '   '), 'REASON_REQUIRED');
    expect(statusOf(CODES.health)).toBe('01');
    const r = await status('02', '  Gửi nhầm cơ quan ');
    expect(r.event.reason).toBe('Gửi nhầm cơ quan');
    expect(lastLog(w).details).toMatchObject({ from: '01', to: '02', reason: 'Gửi nhầm cơ quan' });
  });

  it.each([
    ['01', '04'],
    ['01', '06'],
    ['01', '01'],
    ['01', '13'],
    ['01', '15'],
    ['03', '02'],
    ['03', '06'],
    ['04', '03'],
    ['05', '04'],
    ['06', '05'],
    ['02', '03'],
  ] as const)('%s -> %s is refused', async (from, to) => {
    const path: Record<string, StatusCode[]> = { '01': [], '03': ['03'], '04': ['03', '04'], '05': ['03', '05'], '06': ['03', '05', '06'], '02': ['02'] };
    for (const step of path[from]!) await status(step, 'lý do');
    const before = w.stores.state.log.length;
    const e = await refused(status(to, 'lý do'), 'STATUS_TRANSITION_INVALID');
    expect(e.message).toBe(`${ERROR_CATALOGUE.STATUS_TRANSITION_INVALID.message}: ${from} -> ${to}`);
    expect(statusOf(CODES.health)).toBe(from);
    expect(w.stores.state.log.length).toBe(before);
  });

  it('an unknown status code is refused', async () => {
    await refused(status('99' as StatusCode), 'STATUS_TRANSITION_INVALID');
  });

  it('a lost compare-and-set race is STATUS_TRANSITION_INVALID, and nothing is half-written', async () => {
    const [a, b] = await Promise.allSettled([status('03'), status('02', 'không thuộc thẩm quyền')]);
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
    const failed = (a.status === 'rejected' ? a : b) as PromiseRejectedResult;
    expect(failed.reason).toMatchObject({ code: 'STATUS_TRANSITION_INVALID' });
    const delivery = w.stores.state.deliveries.find((d) => d.recipientCode === CODES.health)!;
    expect(w.stores.state.events.filter((e) => e.deliveryId === delivery.id)).toHaveLength(2); // 01 and the winner
  });

  it('only the recipient agency changes its copy: the sender FORBIDDEN, a third agency NOT_FOUND, admins FORBIDDEN', async () => {
    await refused(updateStatus(w.deps, w.clerk.province, sent.document.id, { status: '03' }), 'FORBIDDEN');
    expect(lastLog(w)).toMatchObject({ event: 'access.denied', actorUserId: w.clerk.province.user.id });
    await refused(updateStatus(w.deps, w.clerk.interior, sent.document.id, { status: '03' }), 'NOT_FOUND');
    expect(lastLog(w)).toMatchObject({ event: 'access.denied', actorUserId: w.clerk.interior.user.id });
    await refused(updateStatus(w.deps, w.admin, sent.document.id, { status: '03' }), 'FORBIDDEN');
    await refused(updateStatus(w.deps, w.auditor, sent.document.id, { status: '03' }), 'FORBIDDEN');
    await refused(updateStatus(w.deps, health(), 'no-such-document', { status: '03' }), 'NOT_FOUND');
    expect(statusOf(CODES.health)).toBe('01');
  });
});

describe('recall', () => {
  it('the sender recalls the copies still at 01; 15 withdraws the copy, 16 keeps it', async () => {
    await status('03'); // Sở Y tế accepted already: its copy is not recalled
    const recalled = await requestRecall(w.deps, w.clerk.province, sent.document.id, 'Gửi nhầm nơi nhận');
    expect(recalled.map((d) => [d.recipientCode, d.status])).toEqual([[CODES.district, '13']]);
    expect(lastLog(w)).toMatchObject({ event: 'document.recall-requested', details: { recipients: [CODES.district] } });
    expect(statusOf(CODES.health)).toBe('03');

    const answer = await answerRecall(w.deps, w.clerk.district, sent.document.id, '15');
    expect(answer.delivery).toMatchObject({ status: '15', withdrawn: true });
    expect(lastLog(w).details).toMatchObject({ from: '13', to: '15' });
    // Gone from the district's inbox and detail; the sender still sees the whole history.
    const inbox = await listDocuments(w.deps, w.clerk.district, 'inbox', {}, { limit: 10 });
    expect(inbox.items).toHaveLength(0);
    await refused(getDocument(w.deps, w.clerk.district, sent.document.id), 'NOT_FOUND');
    const mine = await getDocument(w.deps, w.clerk.province, sent.document.id);
    expect(mine.deliveries.find((d) => d.recipientCode === CODES.district)!.events.map((e) => e.status)).toEqual(['01', '13', '15']);
  });

  it('refusing a recall (16) keeps the copy, which is then handled as just arrived', async () => {
    await requestRecall(w.deps, w.clerk.province, sent.document.id, 'Gửi nhầm nơi nhận');
    const r = await answerRecall(w.deps, health(), sent.document.id, '16');
    expect(r.delivery).toMatchObject({ status: '16', withdrawn: false });
    expect((await status('03')).delivery.status).toBe('03');
  });

  it('older systems answer a recall with 03 (kept: recorded 16) or 02 (given back: recorded 15)', async () => {
    await requestRecall(w.deps, w.clerk.province, sent.document.id, 'Gửi nhầm nơi nhận');
    const kept = await status('03');
    expect(kept.delivery.status).toBe('16');
    expect(lastLog(w).details).toMatchObject({ from: '13', to: '16', requested: '03' });
    const back = await updateStatus(w.deps, w.clerk.district, sent.document.id, { status: '02' });
    expect(back.delivery).toMatchObject({ status: '15', withdrawn: true });
    expect(nextStatus('13', '04')).toBeUndefined();
  });

  it('RECALL_NOT_ALLOWED once no copy is at 01; answering without a pending recall is refused', async () => {
    await status('03');
    await updateStatus(w.deps, w.clerk.district, sent.document.id, { status: '02', reason: 'Sai địa chỉ' });
    const e = await refused(requestRecall(w.deps, w.clerk.province, sent.document.id, 'Gửi nhầm nơi nhận'), 'RECALL_NOT_ALLOWED');
    expect(e.message).toBe(`${ERROR_CATALOGUE.RECALL_NOT_ALLOWED.message}: no recipient is still at status 01 (Đã đến)`);
    await refused(answerRecall(w.deps, health(), sent.document.id, '15'), 'STATUS_TRANSITION_INVALID');
    expect(w.stores.state.events.filter((x) => x.status === '13')).toHaveLength(0);
  });

  it('only the sender recalls; only a recipient answers', async () => {
    await refused(requestRecall(w.deps, health(), sent.document.id, 'Gửi nhầm nơi nhận'), 'FORBIDDEN');
    await refused(requestRecall(w.deps, w.clerk.interior, sent.document.id, 'Gửi nhầm nơi nhận'), 'NOT_FOUND');
    await refused(requestRecall(w.deps, w.admin, sent.document.id, 'Gửi nhầm nơi nhận'), 'FORBIDDEN');
    await requestRecall(w.deps, w.clerk.province, sent.document.id, 'Gửi nhầm nơi nhận');
    await refused(answerRecall(w.deps, w.clerk.province, sent.document.id, '15'), 'FORBIDDEN');
    await refused(answerRecall(w.deps, w.clerk.interior, sent.document.id, '15'), 'NOT_FOUND');
    // A recall cannot be answered with an ordinary status either.
    await refused(status('05'), 'STATUS_TRANSITION_INVALID');
  });
});
