// The notification port on each database: what one publishes reaches every subscriber, on
// PostgreSQL across two processes' worth of connections (two Databases on one server), after the
// listening connection was killed too; payloads are bounded and channels plain identifiers.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { LocalNotifications } from '../../src/db/notifications-local.js';
import { MAX_NOTIFICATION_BYTES, type NotificationHandler, type Notifications } from '../../src/db/notifications.js';
import { forEachDatabase, rowsOf } from '../support/databases.js';

/** A handler that records messages and resyncs, with a wait for the n-th message. */
function recorder(): NotificationHandler & { got: string[]; resyncs: number; next(n: number): Promise<string[]> } {
  const r = {
    got: [] as string[],
    resyncs: 0,
    message(p: string) {
      r.got.push(p);
    },
    resync() {
      r.resyncs++;
    },
    next: (n: number) => vi.waitFor(() => (r.got.length >= n ? r.got : Promise.reject(new Error(`${r.got.length} of ${n} messages`))), { timeout: 10_000, interval: 20 }),
  };
  return r;
}

function portContract(name: string, notifications: () => Notifications): void {
  it(`${name}: a publish reaches each subscriber of its channel, in order, and no other channel`, async () => {
    const n = notifications();
    const a = recorder();
    const b = recorder();
    const other = recorder();
    const stops = [await n.subscribe('t_contract', a), await n.subscribe('t_contract', b), await n.subscribe('t_other', other)];
    await n.publish('t_contract', 'one');
    await n.publish('t_contract', 'twö');
    expect(await a.next(2)).toEqual(['one', 'twö']);
    expect(await b.next(2)).toEqual(['one', 'twö']);
    await n.publish('t_other', 'x');
    expect(await other.next(1)).toEqual(['x']);
    expect(a.got).toEqual(['one', 'twö']);
    for (const stop of stops) stop();
  });

  it(`${name}: after unsubscribe nothing more arrives`, async () => {
    const n = notifications();
    const a = recorder();
    const witness = recorder();
    const stop = await n.subscribe('t_unsub', a);
    await n.subscribe('t_unsub', witness);
    await n.publish('t_unsub', '1');
    await a.next(1);
    stop();
    await n.publish('t_unsub', '2');
    await witness.next(2);
    expect(a.got).toEqual(['1']);
  });

  it(`${name}: payloads up to ${MAX_NOTIFICATION_BYTES} bytes pass, longer ones and odd channel names are refused before sending`, async () => {
    const n = notifications();
    const a = recorder();
    await n.subscribe('t_size', a);
    const biggest = 'é'.repeat(Math.floor(MAX_NOTIFICATION_BYTES / 2)) + (MAX_NOTIFICATION_BYTES % 2 ? 'x' : '');
    expect(Buffer.byteLength(biggest)).toBe(MAX_NOTIFICATION_BYTES);
    await n.publish('t_size', biggest);
    expect((await a.next(1))[0]).toBe(biggest);
    await expect(n.publish('t_size', biggest + 'x')).rejects.toThrow(RangeError);
    await expect(n.publish('T; drop table x', 'p')).rejects.toThrow(RangeError);
    await expect(n.subscribe('bad-name', recorder())).rejects.toThrow(RangeError);
  });
}

portContract('in-process bus', () => new LocalNotifications());

forEachDatabase('notifications', (t) => {
  portContract(t.kind, () => t.database.notifications);

  it('a failing handler does not keep the message from the others', async () => {
    const good = recorder();
    await t.database.notifications.subscribe('t_throw', {
      message() {
        throw new Error('handler bug');
      },
    });
    await t.database.notifications.subscribe('t_throw', good);
    await t.database.notifications.publish('t_throw', 'still');
    expect(await good.next(1)).toEqual(['still']);
  });

  it('a NOTIFY inside a rolled-back transaction is never delivered; a committed one is', async () => {
    const a = recorder();
    await t.database.notifications.subscribe('t_tx', a);
    await expect(
      t.database.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_notify('t_tx', 'rolled back')`);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_notify('t_tx', 'committed')`);
    });
    expect(await a.next(1)).toEqual(['committed']);
    await new Promise((r) => setTimeout(r, 200));
    expect(a.got).toEqual(['committed']);
  });
});

forEachDatabase(
  'notifications between two processes on one PostgreSQL',
  (t) => {
    let second: Database;
    beforeAll(async () => {
      second = await openDatabase({ url: t.url!, connectTimeoutSeconds: 3 });
    });
    afterAll(async () => {
      await second.close();
    });

    it('what one instance publishes, the other receives, over one listening connection per instance', async () => {
      const a = recorder();
      const b = recorder();
      await second.notifications.subscribe('t_cross', a);
      await second.notifications.subscribe('t_cross', b);
      await second.notifications.subscribe('t_cross_2', recorder());
      await t.database.notifications.publish('t_cross', 'from the first');
      expect(await a.next(1)).toEqual(['from the first']);
      expect(await b.next(1)).toEqual(['from the first']);
      // Three subscriptions on two channels: still one LISTEN connection for the second Database.
      const listening = rowsOf<{ n: number }>(await t.database.db.execute(sql`select count(distinct pid)::int as n from pg_stat_activity where datname = current_database() and query ilike 'listen%'`));
      expect(listening[0]!.n).toBe(1);
    });

    it('a killed listening connection comes back by itself, tells its handlers to resync, and receives again', async () => {
      const a = recorder();
      await second.notifications.subscribe('t_kill', a);
      await t.database.notifications.publish('t_kill', 'before');
      await a.next(1);
      const killed = rowsOf<{ ok: boolean }>(
        await t.database.db.execute(sql`select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = current_database() and query ilike 'listen%' and pid <> pg_backend_pid()`),
      );
      expect(killed.length).toBeGreaterThan(0);
      await vi.waitFor(() => expect(a.resyncs).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
      await t.database.notifications.publish('t_kill', 'after');
      expect(await a.next(2)).toEqual(['before', 'after']);
    });

    it('close() ends the listening connection and does not hang', async () => {
      const third = await openDatabase({ url: t.url!, connectTimeoutSeconds: 3 });
      await third.notifications.subscribe('t_close', recorder());
      const started = performance.now();
      await third.close();
      expect(performance.now() - started).toBeLessThan(5000);
      await expect(third.notifications.publish('t_close', 'x')).rejects.toThrow();
    });
  },
  { only: ['postgres'] },
);
