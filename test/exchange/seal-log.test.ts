// Sealing the log: RFC 6962 Merkle roots over the entry hashes, timestamped by the TSA, and a
// verifyLog that checks every seal (root recomputed from the rows, token over that root, TSA
// chained to a trusted anchor) and names the first broken one.
import { createHash } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chainHash } from '../../src/db/log-chain.js';
import { verifyLog } from '../../src/exchange/exchange-log.js';
import { leafHash, merkleRoot, merkleRootHex, nodeHash } from '../../src/exchange/merkle.js';
import { listLogSeals, sealLog, sealLogNow } from '../../src/exchange/seal-log.js';
import { startSealTimer } from '../../src/exchange/seal-timer.js';
import { sendDocument } from '../../src/exchange/send-document.js';
import { updateStatus } from '../../src/exchange/update-status.js';
import { inspectTimestampToken } from '../../src/pki/timestamp.js';
import { fixtureTimestamper } from '../support/fixtures.js';
import { CODES, makeLetters, makeWorld, metadata, refused, type Letters, type World } from './world.js';

const timestamper = fixtureTimestamper();
const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('merkle', () => {
  const h = (i: number) => hex(sha(Uint8Array.of(i)));
  const leaf = (i: number) => leafHash(Buffer.from(h(i), 'hex'));

  it('follows RFC 6962: prefixed leaves and nodes, split at the largest power of two below n', () => {
    expect(hex(merkleRoot([]))).toBe(hex(sha()));
    expect(hex(merkleRoot([h(0)]))).toBe(hex(sha(Uint8Array.of(0), Buffer.from(h(0), 'hex'))));
    expect(hex(merkleRoot([h(0), h(1)]))).toBe(hex(nodeHash(leaf(0), leaf(1))));
    // n = 3: ((0, 1), 2); n = 5: (((0, 1), (2, 3)), 4)
    expect(merkleRootHex([h(0), h(1), h(2)])).toBe(hex(nodeHash(nodeHash(leaf(0), leaf(1)), leaf(2))));
    expect(merkleRootHex([0, 1, 2, 3, 4].map(h))).toBe(hex(nodeHash(nodeHash(nodeHash(leaf(0), leaf(1)), nodeHash(leaf(2), leaf(3))), leaf(4))));
    // A leaf never passes for a node: the prefixes differ.
    expect(hex(leafHash(nodeHash(leaf(0), leaf(1))))).not.toBe(merkleRootHex([h(0), h(1)]));
  });

  it('any change, reorder or omission changes the root', () => {
    const xs = [0, 1, 2, 3, 4, 5, 6].map(h);
    const root = merkleRootHex(xs);
    expect(merkleRootHex([...xs.slice(0, 3), xs[4]!, xs[3]!, ...xs.slice(5)])).not.toBe(root);
    expect(merkleRootHex(xs.slice(0, 6))).not.toBe(root);
    expect(merkleRootHex(xs.map((x, i) => (i === 5 ? h(99) : x)))).not.toBe(root);
  });
});

let L: Letters;
let w: World;
beforeAll(async () => {
  L = await makeLetters();
});
beforeEach(async () => {
  w = await makeWorld();
  w.deps.timestamper = timestamper;
  const { document } = await sendDocument(w.deps, w.clerk.province, { metadata: metadata({ recipients: [CODES.health, CODES.district] }), pdf: L.valid });
  await updateStatus(w.deps, w.clerk.health, document.id, { status: '03' });
});

describe('sealLog', () => {
  it('seals everything so far: root over the entries, a token over the root, a log.sealed entry', async () => {
    const before = w.stores.state.log.length;
    const seal = (await sealLog(w.deps, { timestamper }))!;
    expect(seal).toMatchObject({ fromSeq: 1, toSeq: before });
    expect(seal.merkleRoot).toBe(merkleRootHex(w.stores.state.log.slice(0, before).map((e) => e.hash)));
    const info = inspectTimestampToken(seal.timestampToken);
    expect(hex(info.imprint)).toBe(hex(sha(Buffer.from(seal.merkleRoot, 'hex'))));
    const entry = w.stores.state.log.at(-1)!;
    expect(entry).toMatchObject({ seq: before + 1, event: 'log.sealed', actorUserId: null, details: { sealId: seal.id, fromSeq: 1, toSeq: before, entries: before, merkleRoot: seal.merkleRoot } });

    const check = await verifyLog(w.deps, w.auditor);
    expect(check).toEqual({ ok: true, checked: before + 1, firstBroken: null, seals: { ok: true, checked: 1, firstBroken: null } });
  });

  it('the next seal starts after the last; an idle log (only the last seal entry) is not sealed again', async () => {
    const first = (await sealLog(w.deps, { timestamper }))!;
    expect(await sealLog(w.deps, { timestamper })).toBeNull();
    await updateStatus(w.deps, w.clerk.health, w.stores.state.documents[0]!.id, { status: '04' });
    const second = (await sealLog(w.deps, { timestamper }))!;
    expect(second.fromSeq).toBe(first.toSeq + 1);
    expect(second.toSeq).toBe(w.stores.state.log.length - 1);
    expect((await verifyLog(w.deps, w.admin)).seals).toEqual({ ok: true, checked: 2, firstBroken: null });
  });

  it('maxEntries bounds one seal; the rest is sealed by the next', async () => {
    const total = w.stores.state.log.length;
    const a = (await sealLog(w.deps, { timestamper, maxEntries: 3 }))!;
    expect([a.fromSeq, a.toSeq]).toEqual([1, 3]);
    const b = (await sealLog(w.deps, { timestamper, maxEntries: 1000 }))!;
    expect([b.fromSeq, b.toSeq]).toEqual([4, total + 1]);
    expect((await verifyLog(w.deps, w.admin)).ok).toBe(true);
  });

  it('two sealers racing over the same entries: one seal, the other refused', async () => {
    const results = await Promise.allSettled([sealLog(w.deps, { timestamper }), sealLog(w.deps, { timestamper })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected');
    expect((failed?.reason as { code?: string }).code).toBe('LOG_SEAL_CONFLICT');
    expect(w.stores.state.seals).toHaveLength(1);
    expect((await verifyLog(w.deps, w.admin)).ok).toBe(true);
  });

  it('through the use cases: admin seals, admin and auditor list, clerks are refused', async () => {
    const seal = (await sealLogNow(w.deps, w.admin))!;
    expect(w.stores.state.log.at(-1)).toMatchObject({ event: 'log.sealed', actorUserId: w.admin.user.id });
    expect((await listLogSeals(w.deps, w.auditor)).map((s) => s.id)).toEqual([seal.id]);
    await refused(sealLogNow(w.deps, w.auditor), 'FORBIDDEN');
    await refused(listLogSeals(w.deps, w.clerk.province), 'FORBIDDEN');
    delete w.deps.timestamper;
    await refused(sealLogNow(w.deps, w.admin), 'LOG_SEALING_OFF');
  });
});

describe('startSealTimer', () => {
  it('seals on its interval, reports each seal, and stops', async () => {
    const sealed: number[] = [];
    const errors: unknown[] = [];
    const timer = startSealTimer(w.deps, { timestamper, intervalMs: 10, onSeal: (s) => sealed.push(s.toSeq), onError: (e) => errors.push(e) });
    for (let i = 0; i < 100 && sealed.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await timer.stop();
    const count = w.stores.state.seals.length;
    await new Promise((r) => setTimeout(r, 40));
    expect(errors).toEqual([]);
    expect(sealed).toHaveLength(1); // later ticks found only the seal's own entry
    expect(w.stores.state.seals).toHaveLength(count);
  });
});

describe('verifyLog with seals', () => {
  it('a changed row is named by the chain and by its seal', async () => {
    const seal = (await sealLog(w.deps, { timestamper }))!;
    const target = w.stores.state.log.find((e) => e.event === 'delivery.status')!;
    w.stores.tamperLog(target.seq, (e) => {
      e.details = { ...e.details, to: '02' };
    });
    const check = await verifyLog(w.deps, w.admin);
    expect(check.ok).toBe(false);
    expect(check.firstBroken).toEqual({ seq: target.seq, reason: 'the entry was changed after it was written' });
    expect(check.seals).toMatchObject({ ok: false, checked: 0, firstBroken: { sealId: seal.id, fromSeq: 1, reason: 'the entries changed after they were sealed (the Merkle root differs)' } });
  });

  it('a forger who re-hashes the whole chain passes the chain check, not the seal', async () => {
    const seal = (await sealLog(w.deps, { timestamper }))!;
    const log = w.stores.state.log;
    const i = log.findIndex((e) => e.event === 'document.sent');
    log[i]!.details = { ...log[i]!.details, recipients: [CODES.health] };
    for (let j = i; j < log.length; j++) {
      const e = log[j]!;
      if (j > 0) e.prevHash = log[j - 1]!.hash;
      e.hash = chainHash(e.prevHash, e);
    }
    const check = await verifyLog(w.deps, w.admin);
    expect(check.firstBroken).toBeNull();
    expect(check.ok).toBe(false);
    expect(check.seals.firstBroken).toMatchObject({ sealId: seal.id, reason: expect.stringMatching(/Merkle root differs/) });
  });

  it('a seal whose token was swapped for another seal’s is reported', async () => {
    const first = (await sealLog(w.deps, { timestamper }))!;
    await updateStatus(w.deps, w.clerk.health, w.stores.state.documents[0]!.id, { status: '04' });
    const second = (await sealLog(w.deps, { timestamper }))!;
    w.stores.state.seals.find((s) => s.id === second.id)!.timestampToken = first.timestampToken;
    const check = await verifyLog(w.deps, w.admin);
    expect(check.firstBroken).toBeNull();
    expect(check.seals).toMatchObject({ ok: false, checked: 1, firstBroken: { sealId: second.id, reason: 'the timestamp token does not cover this seal’s Merkle root' } });
  });

  it('a root rewritten to match tampered rows still fails: the token covers the original root', async () => {
    const seal = (await sealLog(w.deps, { timestamper }))!;
    w.stores.tamperLog(2, (e) => {
      e.details = { ...e.details, recipientCode: CODES.interior };
    });
    const row = w.stores.state.seals[0]!;
    row.merkleRoot = merkleRootHex(w.stores.state.log.filter((e) => e.seq <= seal.toSeq).map((e) => chainHash(e.prevHash, e)));
    expect((await verifyLog(w.deps, w.admin)).seals.firstBroken).toMatchObject({ reason: 'the timestamp token does not cover this seal’s Merkle root' });
  });

  it('a deleted seal leaves a gap; a token by an untrusted TSA is reported', async () => {
    await sealLog(w.deps, { timestamper, maxEntries: 2 });
    const middle = (await sealLog(w.deps, { timestamper, maxEntries: 2 }))!;
    await sealLog(w.deps, { timestamper });
    w.stores.state.seals = w.stores.state.seals.filter((s) => s.id !== middle.id);
    expect((await verifyLog(w.deps, w.admin)).seals).toMatchObject({ ok: false, checked: 1, firstBroken: { reason: `entries ${middle.fromSeq}..${middle.toSeq} are not covered (a seal is missing)` } });

    w.stores.state.seals = [];
    await sealLog(w.deps, { timestamper });
    for (const a of w.stores.state.anchors) a.active = false;
    expect((await verifyLog(w.deps, w.admin)).seals.firstBroken?.reason).toMatch(/^the TSA certificate is not trusted: no-chain/);
  });
});
