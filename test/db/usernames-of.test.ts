// CredentialStore.usernamesOf (the admin user list's sign-in names) on each database and on the
// memory double: the names of the users asked about that have one, nobody else's, none for [].
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Stores } from '../../src/db/ports.js';
import { forEachDatabase } from '../support/databases.js';
import { MemoryStores } from '../support/memory-stores.js';
import { seedAgency, seedUser } from './seed.js';

async function check(s: Stores): Promise<void> {
  const a = await seedAgency(s);
  const [u1, u2, u3, other] = [await seedUser(s, a.id), await seedUser(s, a.id), await seedUser(s, a.id), await seedUser(s, a.id)];
  const n1 = `n.${randomBytes(4).toString('hex')}`;
  const n3 = `n.${randomBytes(4).toString('hex')}`;
  const nOther = `n.${randomBytes(4).toString('hex')}`;
  await s.credentials.insert({ userId: u1.id, username: n1 });
  await s.credentials.insert({ userId: u3.id, username: n3 });
  await s.credentials.insert({ userId: other.id, username: nOther });
  const names = await s.credentials.usernamesOf([u1.id, u2.id, u3.id]);
  expect([...names.entries()].sort()).toEqual([[u1.id, n1], [u3.id, n3]].sort());
  expect((await s.credentials.usernamesOf([])).size).toBe(0);
}

forEachDatabase('usernamesOf', (t) => {
  it('maps the asked users that have a sign-in name, and only them', () => check(t.stores));
});

describe('usernamesOf on the memory stores', () => {
  it('agrees', () => check(new MemoryStores()));
});
