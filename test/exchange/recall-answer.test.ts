// Issue 11, "what a clerk hit on the first day": a recall says why (required, bounded, storable),
// the recipient reads the reason in the document's history and the log, and answers with 15 or 16
// as such; the actors of the history are named; and every count agrees with the status machine
// about where a copy at 16 stands (waiting, not accepted).
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STATUS_CODES } from '../../src/db/ports.js';
import { ACCEPTED_STATUSES } from '../../src/db/stores/statistics.js';
import { getDocument } from '../../src/exchange/get-document.js';
import { listDocuments } from '../../src/exchange/list-documents.js';
import { answerRecall, requestRecall, type RecallAnswer } from '../../src/exchange/recall.js';
import { MAX_REASON } from '../../src/exchange/reason.js';
import { sendDocument, type SendResult } from '../../src/exchange/send-document.js';
import { getStatistics } from '../../src/exchange/statistics.js';
import { STATUS_PHASE, awaitsRecipient, nextStatus, nextStatuses, statusesIn } from '../../src/exchange/status-machine.js';
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

const REASON = 'Văn bản ban hành nhầm số, sẽ gửi lại bản đúng';
const deliveryOf = (code: string) => w.stores.state.deliveries.find((d) => d.documentId === sent.document.id && d.recipientCode === code)!;

describe('a recall carries a reason', () => {
  it('is required: missing, blank or whitespace is REASON_REQUIRED and nothing changes', async () => {
    const before = w.stores.state.log.length;
    for (const blank of ['', '   ', '\n\t']) {
      const e = await refused(requestRecall(w.deps, w.clerk.province, sent.document.id, blank), 'REASON_REQUIRED');
      expect(e.details).toMatchObject({ fields: { reason: 'required' } });
    }
    expect(deliveryOf(CODES.health).status).toBe('01');
    expect(w.stores.state.log.length).toBe(before);
  });

  it('is bounded and storable: too long is METADATA_INVALID, U+0000 is TEXT_INVALID, nothing half-written', async () => {
    await refused(requestRecall(w.deps, w.clerk.province, sent.document.id, 'x'.repeat(MAX_REASON + 1)), 'METADATA_INVALID');
    await refused(requestRecall(w.deps, w.clerk.province, sent.document.id, 'a\u0000b'), 'TEXT_INVALID');
    await refused(requestRecall(w.deps, w.clerk.province, sent.document.id, 'lone \uD800 half'), 'TEXT_INVALID');
    expect(w.stores.state.events.filter((e) => e.status === '13')).toHaveLength(0);
    // Exactly the limit passes (after trimming).
    await requestRecall(w.deps, w.clerk.province, sent.document.id, `  ${'y'.repeat(MAX_REASON)}  `);
    expect(w.stores.state.events.filter((e) => e.status === '13').map((e) => e.reason?.length)).toEqual([MAX_REASON, MAX_REASON]);
  });

  it('is stored on each 13 event (the recipient reads it) and in the log entry', async () => {
    await requestRecall(w.deps, w.clerk.province, sent.document.id, `  ${REASON} `);
    expect(lastLog(w)).toMatchObject({ event: 'document.recall-requested', details: { reason: REASON, from: '01', to: '13' } });
    const mine = await getDocument(w.deps, w.clerk.health, sent.document.id);
    expect(mine.deliveries).toHaveLength(1);
    const asked = mine.deliveries[0]!.events.find((e) => e.status === '13')!;
    expect(asked.reason).toBe(REASON);
    // The history names who asked: the sender's clerk, by full name and agency.
    const provinceClerk = await w.stores.users.byId(w.clerk.province.user.id);
    expect(asked.actor).toEqual({ name: provinceClerk!.name, agencyCode: CODES.province, agencyName: w.clerk.province.agency.name });
  });
});

describe('a recall is answered with 15 or 16, explicitly', () => {
  beforeEach(async () => {
    await requestRecall(w.deps, w.clerk.province, sent.document.id, REASON);
  });

  it('16 (Từ chối thu hồi) keeps the copy with its note; 15 (Đồng ý thu hồi) withdraws it', async () => {
    const kept = await answerRecall(w.deps, w.clerk.health, sent.document.id, '16', ' Đã phân công xử lý ');
    expect(kept.delivery).toMatchObject({ status: '16', withdrawn: false });
    expect(kept.event).toMatchObject({ status: '16', reason: 'Đã phân công xử lý' });
    expect(lastLog(w).details).toMatchObject({ from: '13', to: '16', reason: 'Đã phân công xử lý' });
    expect(lastLog(w).details).not.toHaveProperty('requested');
    const back = await answerRecall(w.deps, w.clerk.district, sent.document.id, '15');
    expect(back.delivery).toMatchObject({ status: '15', withdrawn: true });
  });

  it('anything but 15 or 16 is refused (no boolean, no 03/02 re-read on this path)', async () => {
    for (const answer of [true, false, '03', '02', '13', 15] as unknown as RecallAnswer[]) {
      const e = await refused(answerRecall(w.deps, w.clerk.health, sent.document.id, answer), 'STATUS_TRANSITION_INVALID');
      expect(e.message).toContain('15 or 16');
    }
    expect(deliveryOf(CODES.health).status).toBe('13');
  });

  it('a document at 16 has exactly the actions that remain: accept or reject (reason required), then onwards', async () => {
    await answerRecall(w.deps, w.clerk.health, sent.document.id, '16');
    expect(nextStatuses('16')).toEqual(['02', '03']);
    await refused(updateStatus(w.deps, w.clerk.health, sent.document.id, { status: '05' }), 'STATUS_TRANSITION_INVALID');
    await refused(updateStatus(w.deps, w.clerk.health, sent.document.id, { status: '02' }), 'REASON_REQUIRED');
    await refused(answerRecall(w.deps, w.clerk.health, sent.document.id, '15'), 'STATUS_TRANSITION_INVALID');
    expect((await updateStatus(w.deps, w.clerk.health, sent.document.id, { status: '03' })).delivery.status).toBe('03');
  });
});

describe('the counts agree with the status machine', () => {
  it('every status has one phase; the statistics store counts as accepted exactly the accepted phase', () => {
    expect(Object.keys(STATUS_PHASE).sort()).toEqual([...STATUS_CODES].sort());
    expect([...ACCEPTED_STATUSES].sort()).toEqual(statusesIn('accepted'));
    expect(statusesIn('waiting')).toEqual(['01', '13', '16']);
    expect(statusesIn('rejected')).toEqual(['02']);
    // From a waiting status the only way into the accepted phase is 03 (03 from 13 is the old
    // peers' "kept", recorded as 16, so it stays waiting).
    for (const from of statusesIn('waiting')) for (const to of statusesIn('accepted')) if (to !== '03') expect(nextStatus(from, to)).toBeUndefined();
    expect(nextStatus('13', '03')).toBe('16');
    // Waiting means the recipient has a button to press.
    for (const s of statusesIn('waiting')) expect(nextStatuses(s).length).toBeGreaterThan(0);
    expect(awaitsRecipient('16')).toBe(true);
    expect(awaitsRecipient('03')).toBe(false);
  });

  it('a copy at 16 counts as received and not accepted in the statistics, in the inbox as waiting', async () => {
    await requestRecall(w.deps, w.clerk.province, sent.document.id, REASON);
    await answerRecall(w.deps, w.clerk.health, sent.document.id, '16');
    await answerRecall(w.deps, w.clerk.district, sent.document.id, '15');
    const s = await getStatistics(w.deps, w.auditor, {});
    const health = s.agencies.find((a) => a.code === CODES.health)!;
    expect(health).toMatchObject({ received: 1, accepted: 0, rejected: 0 });
    const inbox = await listDocuments(w.deps, w.clerk.health, 'inbox', {}, { limit: 10 });
    expect(inbox.items.map((i) => i.delivery?.status)).toEqual(['16']);
    expect(inbox.items.filter((i) => awaitsRecipient(i.delivery!.status))).toHaveLength(1);
    // The district gave it back: gone from its inbox.
    expect((await listDocuments(w.deps, w.clerk.district, 'inbox', {}, { limit: 10 })).items).toHaveLength(0);
    // Accepting from 16 moves it into the accepted count.
    await updateStatus(w.deps, w.clerk.health, sent.document.id, { status: '03' });
    expect((await getStatistics(w.deps, w.auditor, {})).agencies.find((a) => a.code === CODES.health)).toMatchObject({ received: 1, accepted: 1 });
  });
});

