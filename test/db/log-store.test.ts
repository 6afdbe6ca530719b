// The exchange log store: a gapless, valid hash chain after many appends, concurrent ones
// included (two connections on PostgreSQL), and search with cursor pagination.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { createStores } from '../../src/db/create-stores.js';
import { GENESIS_HASH, verifyChain } from '../../src/db/log-chain.js';
import type { LogEntry, LogEntryInput, LogFilter, Stores } from '../../src/db/ports.js';
import { forEachDatabase } from '../support/databases.js';

const entry = (over: Partial<LogEntryInput> = {}): LogEntryInput => ({
  event: 'delivery.status',
  actorUserId: null,
  agencyId: null,
  documentId: null,
  details: { status: '03', codeNumber: '12', codeNotation: 'UBND-VP' },
  ...over,
});

async function wholeChain(s: Stores): Promise<LogEntry[]> {
  const head = await s.log.head();
  return head ? s.log.range(1, head.seq) : [];
}

forEachDatabase('log store', (t) => {
  it('starts empty, chains from the genesis hash, and reads back exactly what it hashed', async () => {
    expect(await t.stores.log.head()).toBeUndefined();
    const at = new Date('2025-03-04T05:06:07.089Z');
    const first = await t.stores.log.append(entry({ details: { b: [1, { z: 1, a: 'ă' }], a: null } }), at);
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, at });
    const second = await t.stores.log.append(entry(), new Date());
    expect(second.prevHash).toBe(first.hash);
    expect(await t.stores.log.head()).toEqual(second);
    expect(await t.stores.log.range(1, 2)).toEqual([first, second]);
    expect(verifyChain(await wholeChain(t.stores))).toMatchObject({ ok: true, checked: 2 });
  });

  it('stays a valid gapless chain through many appends, in and out of transactions', async () => {
    for (let i = 0; i < 40; i++) await t.stores.log.append(entry({ details: { i } }), new Date());
    await t.stores.transaction(async (tx) => {
      for (let i = 0; i < 10; i++) await tx.log.append(entry({ details: { i, tx: true } }), new Date());
    });
    // Concurrent transactions on the pool (several connections on PostgreSQL).
    await Promise.all(
      Array.from({ length: 12 }, (_, k) =>
        t.stores.transaction(async (tx) => {
          for (let i = 0; i < 3; i++) await tx.log.append(entry({ details: { k, i } }), new Date());
        }),
      ),
    );
    await Promise.all(Array.from({ length: 10 }, (_, i) => t.stores.log.append(entry({ details: { auto: i } }), new Date())));
    const chain = await wholeChain(t.stores);
    expect(chain.map((e) => e.seq)).toEqual(chain.map((_, i) => i + 1));
    expect(verifyChain(chain)).toEqual({ ok: true, checked: chain.length, firstBroken: null });
  });

  it('appends several entries at once exactly as one by one: consecutive seqs, one chain', async () => {
    const before = await t.stores.log.head();
    const at = new Date('2025-06-07T08:09:10.011Z');
    const many = await t.stores.transaction((tx) => tx.log.appendMany([entry({ details: { n: 1 } }), entry({ event: 'document.delivered', details: { n: 2, ă: 'ê' } }), entry({ details: { n: 3 } })], at));
    expect(many.map((e) => e.seq)).toEqual([1, 2, 3].map((k) => (before?.seq ?? 0) + k));
    expect(many[0]!.prevHash).toBe(before?.hash ?? GENESIS_HASH);
    expect(many[1]!.prevHash).toBe(many[0]!.hash);
    expect(many[2]!.prevHash).toBe(many[1]!.hash);
    expect(await t.stores.log.range(many[0]!.seq, many[2]!.seq)).toEqual(many);
    // Outside a transaction it opens its own; an empty batch writes nothing.
    const next = await t.stores.log.appendMany([entry()], new Date());
    expect(next[0]!.prevHash).toBe(many[2]!.hash);
    expect(await t.stores.log.appendMany([], new Date())).toEqual([]);
    expect(await t.stores.log.head()).toEqual(next[0]);
    // Concurrent batches and single appends still give one gapless chain.
    await Promise.all(
      Array.from({ length: 8 }, (_, k) =>
        k % 2 ? t.stores.transaction((tx) => tx.log.appendMany([entry({ details: { k } }), entry({ details: { k, second: true } })], new Date())) : t.stores.log.append(entry({ details: { k } }), new Date()),
      ),
    );
    const chain = await wholeChain(t.stores);
    expect(chain.map((e) => e.seq)).toEqual(chain.map((_, i) => i + 1));
    expect(verifyChain(chain).ok).toBe(true);
  });

  it('rolls back an append with its transaction, leaving no gap', async () => {
    const before = (await t.stores.log.head())!;
    await expect(
      t.stores.transaction(async (tx) => {
        await tx.log.append(entry(), new Date());
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await t.stores.log.head()).toEqual(before);
    const next = await t.stores.log.append(entry(), new Date());
    expect(next.seq).toBe(before.seq + 1);
    expect(next.prevHash).toBe(before.hash);
  });

  // A server connection can only be killed on PostgreSQL (PGlite is in-process): declared there only.
  if (t.kind === 'postgres') it('serialises appends from two connections: the second waits for the first to commit', async () => {
    const other = await openDatabase({ url: t.url! });
    try {
      const otherStores = createStores(other);
      let releaseFirst!: () => void;
      const firstMayCommit = new Promise<void>((r) => (releaseFirst = r));
      let firstAppended!: () => void;
      const appended = new Promise<void>((r) => (firstAppended = r));
      const first = t.stores.transaction(async (tx) => {
        const e = await tx.log.append(entry({ details: { who: 'first' } }), new Date());
        firstAppended();
        await firstMayCommit;
        return e;
      });
      await appended;
      let secondDone = false;
      const second = otherStores.transaction(async (tx) => tx.log.append(entry({ details: { who: 'second' } }), new Date())).then((e) => {
        secondDone = true;
        return e;
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(secondDone).toBe(false); // blocked on the advisory lock
      releaseFirst();
      const [a, b] = await Promise.all([first, second]);
      expect(b.seq).toBe(a.seq + 1);
      expect(b.prevHash).toBe(a.hash);

      // And a burst from both connections at once.
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? t.stores : otherStores).transaction((tx) => tx.log.append(entry({ details: { i } }), new Date()))),
      );
      expect(verifyChain(await wholeChain(t.stores)).ok).toBe(true);
    } finally {
      await other.close();
    }
  });

  describe('search', () => {
    it('filters by agency, event, document, number, status and time, newest first, in pages', async () => {
      const agencyId = '11111111-1111-4111-8111-111111111111';
      const documentId = '22222222-2222-4222-8222-222222222222';
      const t0 = new Date('2030-01-01T00:00:00.000Z');
      const mine: LogEntry[] = [];
      for (let i = 0; i < 5; i++) {
        mine.push(
          await t.stores.log.append(
            entry({ event: i % 2 ? 'document.sent' : 'delivery.status', agencyId, documentId: i < 2 ? documentId : null, details: { codeNumber: `${i}`, codeNotation: 'QĐ-UBND', status: i === 4 ? '05' : '03' } }),
            new Date(t0.getTime() + i * 1000),
          ),
        );
      }
      const seqs = async (f: LogFilter, limit = 50) => (await t.stores.log.search(f, { limit })).items.map((e) => e.seq);
      const s = mine.map((e) => e.seq);
      expect(await seqs({ agencyId })).toEqual([...s].reverse());
      expect(await seqs({ agencyId, event: 'document.sent' })).toEqual([s[3], s[1]]);
      expect(await seqs({ documentId })).toEqual([s[1], s[0]]);
      expect(await seqs({ agencyId, documentNumber: '2' })).toEqual([s[2]]);
      expect(await seqs({ agencyId, documentNumber: '2/QĐ-UBND' })).toEqual([s[2]]);
      expect(await seqs({ agencyId, documentNumber: 'QĐ-UBND' })).toHaveLength(5);
      expect(await seqs({ agencyId, status: '05' })).toEqual([s[4]]);
      expect(await seqs({ agencyId, from: new Date(t0.getTime() + 1000), to: new Date(t0.getTime() + 3000) })).toEqual([s[2], s[1]]);

      const paged: number[] = [];
      let after: string | undefined;
      do {
        const page = await t.stores.log.search({ agencyId }, after === undefined ? { limit: 2 } : { limit: 2, after });
        paged.push(...page.items.map((e) => e.seq));
        after = page.next ?? undefined;
      } while (after);
      expect(paged).toEqual([...s].reverse());
    });
  });
});
