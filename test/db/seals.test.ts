// Log seals on PGlite and PostgreSQL: the SealStore contract, a seal verified from the real rows,
// and tampering behind the append-only trigger's back named by both the chain and the seal.
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import type { ExchangeDeps } from '../../src/exchange/deps.js';
import { verifyLog } from '../../src/exchange/exchange-log.js';
import { merkleRootHex } from '../../src/exchange/merkle.js';
import { sealLog } from '../../src/exchange/seal-log.js';
import type { Principal } from '../../src/db/ports.js';
import { describeCertificate } from '../../src/pki/certificate.js';
import { readCertificates } from '../../src/pki/pem.js';
import { isDocaxisError } from '../../src/errors.js';
import { forEachDatabase, type TestDatabase } from '../support/databases.js';
import { fixture, fixtureTimestamper } from '../support/fixtures.js';
import { seedAgency, seedUser } from './seed.js';

const timestamper = fixtureTimestamper();
const entry = (n: number) => ({ event: 'admin.agency' as const, actorUserId: null, agencyId: null, documentId: null, details: { n } });

/** An admin principal and the fixture root as the trust anchor: what verifyLog needs. */
async function setUp(t: TestDatabase): Promise<{ deps: ExchangeDeps; admin: Principal }> {
  const deps: ExchangeDeps = { stores: t.stores, clock: () => new Date(), intermediates: readCertificates(fixture('intermediates.pem')), timestamper };
  for (const der of readCertificates(fixture('trust-anchors.pem'))) {
    const c = describeCertificate(der);
    await t.stores.trust.addAnchor({ der, fingerprintSha256: c.fingerprintSha256, subject: c.subject.text });
  }
  const agency = await seedAgency(t.stores);
  const user = await seedUser(t.stores, agency.id, { role: 'admin' });
  return { deps, admin: { user, agency, tokenId: 'test' } };
}

forEachDatabase('log seals', (t) => {
  let deps: ExchangeDeps;
  let admin: Principal;
  beforeAll(async () => {
    ({ deps, admin } = await setUp(t));
  });

  it('seals the log, stores the seal as written, and verifyLog checks it against the rows', async () => {
    for (let i = 0; i < 7; i++) await t.stores.log.append(entry(i), new Date());
    const head = (await t.stores.log.head())!;
    const seal = (await sealLog(deps, { timestamper }))!;
    expect(seal).toMatchObject({ fromSeq: 1, toSeq: head.seq });
    expect(seal.merkleRoot).toBe(merkleRootHex((await t.stores.log.range(1, head.seq)).map((e) => e.hash)));
    expect(await t.stores.seals.last()).toEqual(seal);
    expect(await t.stores.seals.list()).toEqual([seal]);
    expect(Buffer.from((await t.stores.seals.last())!.timestampToken).equals(Buffer.from(seal.timestampToken))).toBe(true);
    expect((await t.stores.log.head())!).toMatchObject({ seq: head.seq + 1, event: 'log.sealed', details: { sealId: seal.id } });

    const check = await verifyLog(deps, admin);
    expect(check).toMatchObject({ ok: true, firstBroken: null, seals: { ok: true, checked: 1, firstBroken: null } });
  });

  it('a second seal of the same entries is refused by the unique from_seq', async () => {
    const last = (await t.stores.seals.last())!;
    const err = await t.stores.seals.insert({ ...last, sealedAt: new Date() }).catch((e: unknown) => e);
    expect(isDocaxisError(err, 'LOG_SEAL_CONFLICT')).toBe(true);
    // In a transaction, the refusal leaves the transaction usable up to the caller's decision.
    expect(await t.stores.seals.list()).toHaveLength(1);
  });

  it('a seal whose token was swapped for another seal’s is reported', async () => {
    await t.stores.log.append(entry(100), new Date());
    const second = (await sealLog(deps, { timestamper }))!;
    const first = (await t.stores.seals.list())[0]!;
    // Behind the append-only trigger's back, as only a superuser could.
    const asSuperuser = async (statement: ReturnType<typeof sql>) => {
      await t.database.db.execute(sql`alter table log_seals disable trigger all`);
      await t.database.db.execute(statement);
      await t.database.db.execute(sql`alter table log_seals enable trigger all`);
    };
    await asSuperuser(sql`update log_seals set timestamp_token = (select timestamp_token from log_seals where id = ${first.id}) where id = ${second.id}`);
    const check = await verifyLog(deps, admin);
    expect(check.firstBroken).toBeNull();
    expect(check.seals).toMatchObject({ ok: false, checked: 1, firstBroken: { sealId: second.id, reason: 'the timestamp token does not cover this seal’s Merkle root' } });
    await asSuperuser(sql`update log_seals set timestamp_token = ${Buffer.from(second.timestampToken)} where id = ${second.id}`);
    expect((await verifyLog(deps, admin)).ok).toBe(true);
  });

  it('the database refuses UPDATE, DELETE and TRUNCATE of a seal', async () => {
    const last = (await t.stores.seals.last())!;
    for (const statement of [sql`update log_seals set merkle_root = ${'00'.repeat(32)} where id = ${last.id}`, sql`delete from log_seals where id = ${last.id}`, sql`truncate log_seals`]) {
      const err = await t.database.db.execute(statement).catch((e: unknown) => e);
      expect(String((err as { cause?: { message?: string } }).cause?.message ?? err)).toMatch(/log_seals is append-only: (UPDATE|DELETE|TRUNCATE) refused/);
    }
    expect(await t.stores.seals.last()).toEqual(last);
  });

  it('a deleted newest seal (trigger disabled) is named by the log entry that recorded it', async () => {
    await t.stores.log.append(entry(200), new Date());
    const newest = (await sealLog(deps, { timestamper }))!;
    expect((await verifyLog(deps, admin)).ok).toBe(true);
    await t.database.db.execute(sql`alter table log_seals disable trigger all`);
    await t.database.db.execute(sql`delete from log_seals where id = ${newest.id}`);
    await t.database.db.execute(sql`alter table log_seals enable trigger all`);
    const check = await verifyLog(deps, admin);
    expect(check.ok).toBe(false);
    expect(check.firstBroken).toBeNull();
    expect(check.seals.firstBroken).toMatchObject({ sealId: newest.id, fromSeq: newest.fromSeq, toSeq: newest.toSeq });
    expect(check.seals.firstBroken!.reason).toMatch(/^the seal recorded by log entry \d+ is missing$/);
  });
});

forEachDatabase('log seals against tampering', (t) => {
  it('a row changed with the trigger disabled is named by the chain check and by its seal', async () => {
    const { deps, admin } = await setUp(t);
    for (let i = 0; i < 5; i++) await t.stores.log.append(entry(i), new Date());
    const seal = (await sealLog(deps, { timestamper }))!;
    const target = seal.toSeq - 1;
    const db = t.database.db;
    await db.execute(sql`alter table exchange_log disable trigger all`);
    await db.execute(sql`update exchange_log set details = '{"n": 999}'::jsonb where seq = ${target}`);
    await db.execute(sql`alter table exchange_log enable trigger all`);

    const check = await verifyLog(deps, admin);
    expect(check.ok).toBe(false);
    expect(check.firstBroken).toEqual({ seq: target, reason: 'the entry was changed after it was written' });
    expect(check.seals).toMatchObject({ ok: false, checked: 0, firstBroken: { sealId: seal.id, fromSeq: seal.fromSeq, toSeq: seal.toSeq, reason: 'the entries changed after they were sealed (the Merkle root differs)' } });
  });
});
