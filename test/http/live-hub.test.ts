// The live hub's pieces apart from HTTP: a reader that lets its stream pile up is dropped (and
// frees its place), notices are read strictly, and each agency hears only what concerns it.
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { DEFAULT_LIVE_LIMITS } from '../../src/config.js';
import { LocalNotifications } from '../../src/db/notifications-local.js';
import type { Principal } from '../../src/db/ports.js';
import { liveEventFor } from '../../src/exchange/live-access.js';
import { EXCHANGE_CHANNEL, parseNotice } from '../../src/exchange/notify-events.js';
import { LiveHub, type StreamSink } from '../../src/http/live-hub.js';
import { MemoryStores } from '../support/memory-stores.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';
const DOC = '00000000-0000-4000-8000-0000000000d1';

/** A socket that never drains: everything written stays buffered. */
function stalledSink(): StreamSink & { written: string[]; destroyedCalls: number } {
  const sink = {
    written: [] as string[],
    destroyedCalls: 0,
    writableLength: 0,
    destroyed: false,
    write(chunk: string) {
      sink.written.push(chunk);
      sink.writableLength += Buffer.byteLength(chunk);
      return false;
    },
    end() {
      return sink;
    },
    destroy() {
      sink.destroyedCalls++;
      sink.destroyed = true;
      return sink;
    },
  };
  return sink as unknown as StreamSink & { written: string[]; destroyedCalls: number };
}

const principal = (agencyId: string, userId = `u-${agencyId}`) => ({ user: { id: userId, role: 'clerk' }, agency: { id: agencyId } }) as unknown as Principal;

it('a reader whose unread stream passes maxBufferBytes is dropped, and its place is free again', async () => {
  const notifications = new LocalNotifications();
  const hub = new LiveHub({ stores: new MemoryStores(), clock: () => new Date(), notifications }, { ...DEFAULT_LIVE_LIMITS, maxBufferBytes: 1024, connectionsPerUser: 1 }, pino({ level: 'silent' }));
  await hub.ready();
  const sink = stalledSink();
  const p = principal(A);
  hub.add(p, sink);
  expect(hub.size).toBe(1);
  expect(hub.checkCapacity(p)?.code).toBe('LIVE_CONNECTIONS_PER_USER_LIMIT');
  for (let i = 0; i < 40; i++) await notifications.publish(EXCHANGE_CHANNEL, JSON.stringify({ kind: 'sent', documentId: DOC, senderAgencyId: B, recipientAgencyIds: [A] }));
  await new Promise((r) => setTimeout(r, 50));
  expect(sink.destroyedCalls).toBe(1);
  expect(hub.size).toBe(0);
  expect(sink.writableLength).toBeLessThanOrEqual(1024);
  expect(hub.checkCapacity(p)).toBeUndefined();
  await hub.close();
});

it('notices are read strictly: anything but ids of the expected shape is ignored', () => {
  const ok = { kind: 'status', documentId: DOC, senderAgencyId: B, recipientAgencyIds: [A] };
  expect(parseNotice(JSON.stringify(ok))).toEqual(ok);
  for (const bad of ['not json', '[]', JSON.stringify({ ...ok, kind: 'deleted' }), JSON.stringify({ ...ok, documentId: 'x' }), JSON.stringify({ ...ok, recipientAgencyIds: [A, 42] }), JSON.stringify({ ...ok, senderAgencyId: undefined })]) {
    expect(parseNotice(bad)).toBeUndefined();
  }
});

it('an agency hears a notice only as its sender (outbox) or a named recipient (inbox)', () => {
  const notice = { kind: 'sent' as const, documentId: DOC, senderAgencyId: B, recipientAgencyIds: [A] };
  expect(liveEventFor(notice, A)).toEqual({ box: 'inbox', kind: 'sent', documentId: DOC });
  expect(liveEventFor(notice, B)).toEqual({ box: 'outbox', kind: 'sent', documentId: DOC });
  expect(liveEventFor(notice, C)).toBeUndefined();
});

it('a stream ends when its lifetime is up, and every stream is told to resync when the listener reconnected', async () => {
  const notifications = new LocalNotifications();
  const stores = new MemoryStores();
  const hub = new LiveHub({ stores, clock: () => new Date(), notifications }, { ...DEFAULT_LIVE_LIMITS, maxConnectionSeconds: 0.2 }, pino({ level: 'silent' }));
  await hub.ready();
  const ended: string[] = [];
  const sink = (name: string) => {
    const s = stalledSink();
    s.end = (() => (ended.push(name), s)) as unknown as StreamSink['end'];
    return s;
  };
  const a = sink('a');
  hub.add(principal(A), a);
  notifications.simulateResync();
  await new Promise((r) => setTimeout(r, 50));
  expect(a.written.some((w) => w.startsWith('event: resync'))).toBe(true);
  expect(a.written.filter((w) => w.startsWith('event: count')).length).toBeGreaterThanOrEqual(2); // on open, and after the resync
  await new Promise((r) => setTimeout(r, 300));
  expect(ended).toEqual(['a']);
  expect(hub.size).toBe(0);
  await hub.close();
});
