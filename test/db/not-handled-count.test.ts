// The live "not handled" count (DeliveryStore.notHandledCount) on each database and on the memory
// double: an agency's deliveries at 01 and not withdrawn, nothing of another agency's.
import { expect, it } from 'vitest';
import type { Stores } from '../../src/db/ports.js';
import { forEachDatabase } from '../support/databases.js';
import { MemoryStores } from '../support/memory-stores.js';
import { documentInput, seedAgency, seedUser } from './seed.js';

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
    if (i === 2) await s.deliveries.updateStatus(mine.id, '01', '13', at); // recall pending: no longer "arrived"
  }
  expect(await s.deliveries.notHandledCount(r1.id)).toBe(2);
  expect(await s.deliveries.notHandledCount(r2.id)).toBe(4);
  expect(await s.deliveries.notHandledCount(sender.id)).toBe(0);
}

forEachDatabase('notHandledCount', (t) => {
  it('counts the agency’s deliveries at 01 only', () => check(t.stores));
});

it('notHandledCount on the memory stores agrees', () => check(new MemoryStores()));
