// The use cases announce what changed, after it is stored, with ids only: a send (not its replay),
// a status change, a recall request and its answer. A refused change is not announced, and a
// notifier that fails never fails the change itself.
import { beforeAll, expect, it } from 'vitest';
import { LocalNotifications } from '../../src/db/notifications-local.js';
import type { Notifications } from '../../src/db/notifications.js';
import { EXCHANGE_CHANNEL, parseNotice, type ExchangeNotice } from '../../src/exchange/notify-events.js';
import { answerRecall, requestRecall } from '../../src/exchange/recall.js';
import { sendDocument } from '../../src/exchange/send-document.js';
import { updateStatus } from '../../src/exchange/update-status.js';
import { CODES, makeLetters, makeWorld, metadata, type Letters, type World } from './world.js';

let L: Letters;
beforeAll(async () => {
  L = await makeLetters();
});

async function listening(w: World): Promise<{ notices: ExchangeNotice[]; raw: string[]; settle(): Promise<void> }> {
  const notifications = new LocalNotifications();
  w.deps.notifications = notifications;
  const notices: ExchangeNotice[] = [];
  const raw: string[] = [];
  await notifications.subscribe(EXCHANGE_CHANNEL, {
    message: (p) => {
      raw.push(p);
      notices.push(parseNotice(p)!);
    },
  });
  return { notices, raw, settle: () => new Promise((r) => setTimeout(r, 20)) };
}

it('send, replay, status change, recall and its answer: each stored change is announced once, with ids only', async () => {
  const w = await makeWorld();
  const l = await listening(w);
  const agency = async (code: string) => (await w.stores.agencies.byCode(code))!.id;
  const [province, health, district] = [await agency(CODES.province), await agency(CODES.health), await agency(CODES.district)];

  const input = { metadata: metadata({ recipients: [CODES.health, CODES.district] }), pdf: L.valid, idempotencyKey: 'notify-1' };
  const sent = await sendDocument(w.deps, w.clerk.province, input);
  const id = sent.document.id;
  await l.settle();
  expect(l.notices.map((n) => ({ ...n, recipientAgencyIds: [...n.recipientAgencyIds].sort() }))).toEqual([{ kind: 'sent', documentId: id, senderAgencyId: province, recipientAgencyIds: [health, district].sort() }]);

  expect((await sendDocument(w.deps, w.clerk.province, input)).replayed).toBe(true);
  await l.settle();
  expect(l.notices).toHaveLength(1); // a replay changed nothing

  await updateStatus(w.deps, w.clerk.health, id, { status: '03' });
  await requestRecall(w.deps, w.clerk.province, id, 'Gửi nhầm nơi nhận'); // only the district is still at 01
  await answerRecall(w.deps, w.clerk.district, id, '15');
  await l.settle();
  expect(l.notices.slice(1)).toEqual([
    { kind: 'status', documentId: id, senderAgencyId: province, recipientAgencyIds: [health] },
    { kind: 'recall', documentId: id, senderAgencyId: province, recipientAgencyIds: [district] },
    { kind: 'status', documentId: id, senderAgencyId: province, recipientAgencyIds: [district] },
  ]);
  // Nothing of the document itself travels: no subject, number, file hash.
  for (const p of l.raw) {
    expect(p).not.toContain(input.metadata['subject'] as string);
    expect(p).not.toContain(sent.document.fileSha256);
    expect(Object.keys(JSON.parse(p) as object).sort()).toEqual(['documentId', 'kind', 'recipientAgencyIds', 'senderAgencyId']);
  }
});

it('a refused change is not announced', async () => {
  const w = await makeWorld();
  const l = await listening(w);
  const sent = await sendDocument(w.deps, w.clerk.province, { metadata: metadata({ recipients: [CODES.health] }), pdf: L.valid });
  await l.settle();
  await expect(updateStatus(w.deps, w.clerk.health, sent.document.id, { status: '06' })).rejects.toThrow();
  await expect(sendDocument(w.deps, w.clerk.province, { metadata: metadata({ recipients: [CODES.health] }), pdf: L.sealOnly })).rejects.toThrow();
  await l.settle();
  expect(l.notices.map((n) => n.kind)).toEqual(['sent']);
});

it('a notifier that fails does not fail the change, which is stored', async () => {
  const w = await makeWorld();
  const broken: Notifications = {
    publish: () => Promise.reject(new Error('database gone')),
    subscribe: () => Promise.reject(new Error('database gone')),
    close: () => Promise.resolve(),
  };
  w.deps.notifications = broken;
  const sent = await sendDocument(w.deps, w.clerk.province, { metadata: metadata({ recipients: [CODES.health] }), pdf: L.valid });
  expect((await w.stores.documents.byId(sent.document.id))?.id).toBe(sent.document.id);
  await updateStatus(w.deps, w.clerk.health, sent.document.id, { status: '03' });
  expect((await w.stores.deliveries.byDocumentAndRecipient(sent.document.id, sent.deliveries[0]!.recipientAgencyId))?.status).toBe('03');
});
