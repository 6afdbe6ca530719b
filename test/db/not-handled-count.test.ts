// The live "not handled" count (DeliveryStore.notHandledCount) on each database and on the memory
// double: an agency's deliveries at the given statuses (the inbox's "waiting": 01, 13, 16) and not
// withdrawn, nothing of another agency's.
import { expect, it } from 'vitest';
import type { Stores } from '../../src/db/ports.js';
import { forEachDatabase } from '../support/databases.js';
import { MemoryStores } from '../support/memory-stores.js';
import { statusesIn } from '../../src/exchange/status-machine.js';
import { documentInput, seedAgency, seedUser } from './seed.js';

const waiting = statusesIn('waiting');

async function check(s: Stores): Promise<void> {
  const sender = await seedAgency(s);
  const user = await seedUser(s, sender.id);
  const [r1, r2] = [await seedAgency(s), await seedAgency(s)];
  const at = new Date();
  for (let i = 0; i < 4; i++) {
    const d = await s.documents.insert(documentInput(sender, user));
    await s.deliveries.insertMany([
      { documentId: d.id, recipientAgencyId: r1.id, recipientCode: r1.code, status: '01', statusUpdatedAt: at, withdrawn: false },
      { documentId: d.id, recipientAgencyId: r2.id, recipientCode: r2.code, status: '01', statusUpdatedAt: at, withdrawn: false },
    ]);
    const mine = (await s.deliveries.byDocumentAndRecipient(d.id, r1.id))!;
    if (i === 1) await s.deliveries.updateStatus(mine.id, '01', '03', at); // accepted: handled
    if (i === 2) await s.deliveries.updateStatus(mine.id, '01', '13', at); // recall pending: still waiting for an answer
    if (i === 3) await s.deliveries.updateStatus(mine.id, '01', '05', at); // rejected: handled
  }
  expect(await s.deliveries.notHandledCount(r1.id, waiting)).toBe(2);
  expect(await s.deliveries.notHandledCount(r2.id, waiting)).toBe(4);
  expect(await s.deliveries.notHandledCount(sender.id, waiting)).toBe(0);
  expect(await s.deliveries.notHandledCount(r1.id, [])).toBe(0);
}

forEachDatabase('notHandledCount', (t) => {
  it('counts the agency’s waiting deliveries only (01, 13, 16)', () => check(t.stores));
});

it('notHandledCount on the memory stores agrees', () => check(new MemoryStores()));
