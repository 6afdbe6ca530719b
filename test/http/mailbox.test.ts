// The outbox shows every recipient's delivery of each document, as it changes; the inbox shows
// the caller's own delivery only.
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../support/databases.js';
import { HEALTH_DEPT, HOME_AFFAIRS, PROVINCE, type Harness, metadata, sealedLetter, sendBody, startHarness } from './harness.js';

interface Item {
  document: { id: string };
  delivery?: { recipientCode: string; status: string };
  deliveries?: Array<{ documentId: string; recipientCode: string; status: string }>;
}

forEachDatabase('http inbox and outbox items', (t) => {
  let h: Harness;
  let documentId: string;
  beforeAll(async () => {
    h = await startHarness(t.stores);
    const body = sendBody(metadata({ recipients: [HEALTH_DEPT, HOME_AFFAIRS] }), await sealedLetter());
    const sent = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
    expect(sent.statusCode, sent.body).toBe(201);
    documentId = sent.json().document.id as string;
  });

  const box = async (name: 'inbox' | 'outbox', code: string): Promise<Item> => {
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/${name}`, headers: { authorization: h.tokens.clerk(code) } });
    expect(res.statusCode, res.body).toBe(200);
    const item = (res.json().items as Item[]).find((i) => i.document.id === documentId);
    expect(item).toBeTruthy();
    return item!;
  };
  const statuses = (item: Item) => Object.fromEntries(item.deliveries!.map((d) => [d.recipientCode, d.status]));

  it('outbox items carry every recipient’s delivery, and follow their status', async () => {
    const before = await box('outbox', PROVINCE);
    expect(before.delivery).toBeUndefined();
    expect(before.deliveries!.every((d) => d.documentId === documentId)).toBe(true);
    expect(statuses(before)).toEqual({ [HEALTH_DEPT]: '01', [HOME_AFFAIRS]: '01' });

    const accepted = await h.app.inject({ method: 'POST', url: `/api/v1/documents/${documentId}/status`, headers: { authorization: h.tokens.clerk(HEALTH_DEPT) }, payload: { status: '03' } });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(statuses(await box('outbox', PROVINCE))).toEqual({ [HEALTH_DEPT]: '03', [HOME_AFFAIRS]: '01' });
  });

  it('inbox items carry the recipient’s own delivery only', async () => {
    const item = await box('inbox', HOME_AFFAIRS);
    expect(item.delivery).toMatchObject({ recipientCode: HOME_AFFAIRS, status: '01' });
    expect(item.deliveries).toBeUndefined();
  });
});
