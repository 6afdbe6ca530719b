// The prune of ended sessions and stale sign-in throttle rows (exchange/session-prune.ts and the
// stores' bounded DELETEs) on PGlite, PostgreSQL and the memory double: what ended more than a day
// ago goes, what is open, recently ended or still locked stays; a batch limit is honoured and the
// exchange loop finishes the rest.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Stores } from '../../src/db/ports.js';
import { pruneSessions, startSessionPrune } from '../../src/exchange/session-prune.js';
import { forEachDatabase } from '../support/databases.js';
import { MemoryStores } from '../support/memory-stores.js';
import { seedAgency, seedUser, sha } from './seed.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = new Date('2026-06-01T08:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const settings = { idleMinutes: 30 };

async function sessionsCase(s: Stores): Promise<void> {
  const a = await seedAgency(s);
  const u = await seedUser(s, a.id);
  const open = (at: Date, expiresAt: Date) => s.sessions.insert({ userId: u.id, secretHash: sha(), at, expiresAt, ip: null, userAgent: null });
  const live = await open(ago(HOUR), new Date(NOW.getTime() + 11 * HOUR));
  await s.sessions.touch(live.id, ago(5 * 60_000));
  const revokedOld = await open(ago(3 * DAY), new Date(NOW.getTime() + DAY));
  await s.sessions.revoke(revokedOld.id, ago(2 * DAY));
  const revokedRecent = await open(ago(2 * HOUR), new Date(NOW.getTime() + DAY));
  await s.sessions.revoke(revokedRecent.id, ago(HOUR));
  const capped = await open(ago(3 * DAY), ago(2 * DAY));
  // Idle for three days though its cap (SESSION_MAX_HOURS up to 30 days) is still ahead.
  const idle = await open(ago(3 * DAY), new Date(NOW.getTime() + 10 * DAY));
  // Idle, but less than retention + idle limit ago: kept for now.
  const idleRecent = await open(ago(23 * HOUR), new Date(NOW.getTime() + 10 * DAY));

  const pruned = await pruneSessions({ stores: s, clock: () => NOW }, settings);
  expect(pruned.sessions).toBeGreaterThanOrEqual(3);
  const left = async (id: string) => (await s.sessions.byId(id)) !== undefined;
  expect(await left(live.id)).toBe(true);
  expect(await left(revokedRecent.id)).toBe(true);
  expect(await left(idleRecent.id)).toBe(true);
  expect(await left(revokedOld.id)).toBe(false);
  expect(await left(capped.id)).toBe(false);
  expect(await left(idle.id)).toBe(false);
  // Nothing left to prune: a second run deletes nothing of this user's.
  await pruneSessions({ stores: s, clock: () => NOW }, settings);
  expect((await s.sessions.listOpenForUser(u.id, NOW)).map((x) => x.id).sort()).toEqual([live.id, idleRecent.id].sort());
}

async function batchCase(s: Stores): Promise<void> {
  const a = await seedAgency(s);
  const u = await seedUser(s, a.id);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await s.sessions.insert({ userId: u.id, secretHash: sha(), at: ago(5 * DAY), expiresAt: ago(4 * DAY), ip: null, userAgent: null })).id);
  // One bounded statement deletes at most its limit.
  expect(await s.sessions.pruneEnded(ago(DAY), ago(DAY), 2)).toBe(2);
  let remaining = 0;
  for (const id of ids) if (await s.sessions.byId(id)) remaining++;
  expect(remaining).toBe(3);
  // The exchange loop takes batch after batch until one comes back short.
  const pruned = await pruneSessions({ stores: s, clock: () => NOW }, settings, 2);
  expect(pruned.sessions).toBeGreaterThanOrEqual(3);
  for (const id of ids) expect(await s.sessions.byId(id)).toBeUndefined();
}

async function throttleCase(s: Stores): Promise<void> {
  const name = () => `p.${randomBytes(4).toString('hex')}`;
  const [stale, stillLocked, recent, lockOver] = [name(), name(), name(), name()];
  await s.credentials.addFailure(stale, ago(2 * DAY));
  await s.credentials.lock(stillLocked, new Date(NOW.getTime() + HOUR), ago(2 * DAY));
  await s.credentials.addFailure(recent, ago(HOUR));
  await s.credentials.lock(lockOver, ago(2 * DAY), ago(3 * DAY));
  const pruned = await pruneSessions({ stores: s, clock: () => NOW }, settings);
  expect(pruned.throttles).toBeGreaterThanOrEqual(2);
  expect(await s.credentials.throttle(stale)).toBeUndefined();
  expect(await s.credentials.throttle(lockOver)).toBeUndefined();
  expect(await s.credentials.throttle(stillLocked)).toMatchObject({ lockCount: 1 });
  expect(await s.credentials.throttle(recent)).toMatchObject({ failures: 1 });
  // A bounded statement on the throttle too.
  for (let i = 0; i < 3; i++) await s.credentials.addFailure(name(), ago(3 * DAY));
  expect(await s.credentials.pruneThrottle(ago(DAY), NOW, 2)).toBe(2);
  expect(await s.credentials.pruneThrottle(ago(DAY), NOW, 2)).toBe(1);
}

forEachDatabase('session prune', (t) => {
  it('deletes sessions ended (revoked, capped, idle) more than a day ago, keeps the rest', () => sessionsCase(t.stores));
  it('deletes in bounded batches', () => batchCase(t.stores));
  it('deletes throttle rows untouched for a day whose lock is over', () => throttleCase(t.stores));
});

describe('session prune on the memory stores', () => {
  it('agrees: sessions', () => sessionsCase(new MemoryStores()));
  it('agrees: batches', () => batchCase(new MemoryStores()));
  it('agrees: throttles', () => throttleCase(new MemoryStores()));
});

describe('startSessionPrune', () => {
  it('prunes on its interval and stops cleanly', async () => {
    const s = new MemoryStores();
    const a = await seedAgency(s);
    const u = await seedUser(s, a.id);
    const old = await s.sessions.insert({ userId: u.id, secretHash: sha(), at: ago(5 * DAY), expiresAt: ago(4 * DAY), ip: null, userAgent: null });
    const seen: Array<{ sessions: number }> = [];
    const timer = startSessionPrune({ stores: s, clock: () => NOW }, { settings, intervalMs: 20, onPruned: (p) => seen.push(p), onError: (e) => { throw e; } });
    await expect.poll(() => seen.length, { timeout: 2000 }).toBeGreaterThan(0);
    await timer.stop();
    expect(seen[0]!.sessions).toBe(1);
    expect(await s.sessions.byId(old.id)).toBeUndefined();
  });
});
