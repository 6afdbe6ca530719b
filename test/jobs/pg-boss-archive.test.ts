// The archive's pg-boss runner on a real PostgreSQL (TEST_DATABASE_URL): two instances (each its
// own pg-boss and its own connection pool) working one queue; a renewal made due by the injected
// clock happens once, whichever instance sweeps and however often; a runner killed (SIGKILL, a
// process of its own) while it holds a job: the job expires and another instance finishes it.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createStores } from '../../src/db/create-stores.js';
import type { Stores } from '../../src/db/ports.js';
import { addCrl, addTrustAnchor } from '../../src/exchange/admin-pki.js';
import { archiveWork, type ArchiveOutcome } from '../../src/exchange/archive.js';
import { authenticate } from '../../src/exchange/auth.js';
import type { ExchangeDeps } from '../../src/exchange/deps.js';
import { seedDemoProvince } from '../../src/exchange/seed-demo.js';
import { sendDocument } from '../../src/exchange/send-document.js';
import { updateStatus } from '../../src/exchange/update-status.js';
import { PgBossArchiveJobs } from '../../src/jobs/pg-boss-archive-jobs.js';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import type { Timestamper } from '../../src/pades/timestamper.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { readCertificates } from '../../src/pki/pem.js';
import { forEachDatabase, rowsOf } from '../support/databases.js';
import { FIXTURES_DIR, fixture, fixtureSigner, fixtureTimestamper, sampleLetter } from '../support/fixtures.js';
import { type ArchiveTsa, contentsFromBytes, fixtureAnchors, fixtureCrls, makeArchiveTsa } from '../pades/ltv-support.js';
import { CODES, metadata } from '../exchange/world.js';
import { CRASH_JOB_SETTINGS } from './archive-jobs-support.js';

const CHILD = fileURLToPath(new URL('./archive-crash-child.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

let letterBT: Uint8Array;
let tsa: ArchiveTsa;
beforeAll(async () => {
  tsa = await makeArchiveTsa();
  const sign = async (pdf: Uint8Array, name: string, fieldName: string) => joinDocument(await signPdf(pdf, fixtureSigner(name), { fieldName, level: 'B-T', timestamper: fixtureTimestamper() }));
  letterBT = await sign(await sign((await sampleLetter()).pdf, 'signer-nguyen-van-an', 'ChuTich'), 'seal-ubnd-thai-binh', 'VanThu');
}, 60_000);

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const docTimestamps = (pdf: Uint8Array) => contentsFromBytes(pdf).filter((c) => c.type === 'DocTimeStamp').length;

const opened: Array<{ close(): Promise<void> }> = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.pid) try { process.kill(-c.pid, 'SIGKILL'); } catch { /* already gone */ }
  for (const o of opened.splice(0).reverse()) await o.close();
});

forEachDatabase(
  'archive jobs on pg-boss',
  (t) => {
    let now: Date;
    let deps: ExchangeDeps;
    let tsaCalls: number;
    let outcomes: Array<{ instance: string; outcome: ArchiveOutcome }>;
    const timestamper: Timestamper = (data, digest) => (tsaCalls++, tsa.timestamper(() => now)(data, digest));

    /** One instance: its own connection pool and stores, its own pg-boss, the shared clock and TSA. */
    async function instance(name: string, settings: Partial<typeof CRASH_JOB_SETTINGS> = {}): Promise<PgBossArchiveJobs> {
      const database: Database = await openDatabase({ url: t.url! });
      opened.push(database);
      const stores: Stores = createStores(database);
      const work = archiveWork({ stores, clock: () => now, intermediates: deps.intermediates! }, { timestamper, marginDays: 180 });
      const jobs = await PgBossArchiveJobs.start(work, {
        connectionString: t.url!,
        pollingIntervalSeconds: 0.5,
        maintenanceIntervalSeconds: 1,
        ...settings,
        onError: (err) => outcomes.push({ instance: name, outcome: `error ${String(err)}` as ArchiveOutcome }),
        onDone: (_id, outcome) => outcomes.push({ instance: name, outcome }),
      });
      opened.push(jobs);
      return jobs;
    }

    /** A document sent by the province and accepted (03) by the health department, with no archive wired. */
    async function acceptedDocument(): Promise<string> {
      const { users } = seeded;
      const clerk = (code: string) => authenticate(deps, users.find((u) => u.agencyCode === code && u.role === 'clerk')!.token, {});
      const sent = await sendDocument(deps, await clerk(CODES.province), { metadata: metadata({ recipients: [CODES.health] }), pdf: letterBT });
      await updateStatus(deps, await clerk(CODES.health), sent.document.id, { status: '03' });
      return sent.document.id;
    }

    let seeded: Awaited<ReturnType<typeof seedDemoProvince>>;
    beforeAll(async () => {
      now = new Date();
      deps = { stores: t.stores, clock: () => now, intermediates: readCertificates(fixture('intermediates.pem')) };
      seeded = await seedDemoProvince(deps, { fixturesDir: FIXTURES_DIR });
      const admin = await authenticate(deps, seeded.users.find((u) => u.agencyCode === CODES.province && u.role === 'admin')!.token, {});
      await addTrustAnchor(deps, admin, tsa.root);
      await addCrl(deps, admin, tsa.crl);
    }, 60_000);

    it('two instances: the archive, then a renewal made due by the clock, each happens once', async () => {
      now = new Date();
      tsaCalls = 0;
      outcomes = [];
      const id = await acceptedDocument();
      const [a, b] = [await instance('a'), await instance('b')];
      // Both sweep: the accepted document without a copy is found by both, queued once (stately).
      await Promise.all([a.scheduleRenewals(), b.scheduleRenewals(), a.enqueueArchive(id), b.enqueueArchive(id)]);
      const first = await until('the archival copy', () => t.stores.archives.state(id));
      await sleep(3000); // room for a duplicate to show
      expect(outcomes.filter((o) => o.outcome === 'archived')).toHaveLength(1);
      expect(outcomes.every((o) => o.outcome === 'archived' || o.outcome === 'not-due')).toBe(true);
      expect(tsaCalls).toBe(1);

      // The clock reaches the renewal date (TSA certificate expiry minus 180 days).
      now = new Date(first.nextRenewalAt.getTime() + 60_000);
      await Promise.all([a.scheduleRenewals(), b.scheduleRenewals(), a.scheduleRenewals(), b.enqueueArchive(id), a.enqueueArchive(id)]);
      const second = await until('the renewal', async () => {
        const s = await t.stores.archives.state(id);
        return s && s.archivalSha256 !== first.archivalSha256 ? s : undefined;
      });
      await sleep(3000);
      await Promise.all([a.scheduleRenewals(), b.scheduleRenewals()]); // after it: nothing due
      await sleep(2000);
      expect(outcomes.filter((o) => o.outcome === 'renewed')).toHaveLength(1);
      expect(outcomes.filter((o) => o.outcome !== 'archived' && o.outcome !== 'renewed' && o.outcome !== 'not-due')).toEqual([]);
      expect(tsaCalls).toBe(2);
      const bytes = (await t.stores.blobs.get(second.archivalSha256))!;
      expect(docTimestamps(bytes)).toBe(2);
      const report = verifyPdf(bytes, { trustAnchors: [...fixtureAnchors(), tsa.root], intermediates: deps.intermediates!, crls: [...fixtureCrls(), tsa.crl], at: new Date('2046-06-01T00:00:00Z') });
      expect(report.document.verdict).toBe('valid');
      // pg-boss's own schema holds the jobs: one archive job per run of the document, each completed.
      const rows = rowsOf<{ state: string }>(await t.database.db.execute(sql.raw(`select state from pgboss_docaxis.job where name = 'docaxis-archive-document'`)));
      expect(rows.length).toBeGreaterThanOrEqual(2);
      expect(rows.filter((r) => r.state !== 'completed')).toEqual([]);
    }, 120_000);

    it('a runner killed while it holds the job: the job expires and another instance finishes it', async () => {
      now = new Date();
      tsaCalls = 0;
      outcomes = [];
      const id = await acceptedDocument();
      // Its own process group: tsx runs the script in a child process, and killing tsx alone would
      // leave that runner alive, still holding (and retrying) the job.
      const child = spawn(TSX, [CHILD, t.url!, id], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      children.push(child);
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the child never took the job: ${err}`)), 60_000);
        child.stdout!.on('data', (d: Buffer) => {
          if (d.toString().includes('started')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', (code) => reject(new Error(`the child exited (${code}): ${err}`)));
      });
      process.kill(-child.pid!, 'SIGKILL');
      expect(await t.stores.archives.state(id)).toBeUndefined();
      // The survivor: the job the dead runner held is active until it expires, then retried here.
      await instance('survivor', CRASH_JOB_SETTINGS);
      const state = await until('the resumed archive', () => t.stores.archives.state(id), 60_000);
      expect(state.archivalSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(outcomes).toEqual([{ instance: 'survivor', outcome: 'archived' }]);
      expect(tsaCalls).toBe(1);
      // pg-boss's record of it: the same job, taken a second time after the first holder died.
      const [job] = rowsOf<{ state: string; retry_count: number }>(await t.database.db.execute(sql`select state, retry_count from pgboss_docaxis.job where name = 'docaxis-archive-document' and data->>'documentId' = ${id}`));
      expect(job).toMatchObject({ state: 'completed' });
      expect(job!.retry_count).toBeGreaterThanOrEqual(1);
    }, 120_000);
  },
  { only: ['postgres'] },
);

// Runs on every machine (the tests above need a PostgreSQL server): a runner pointed at a server
// that does not answer fails at start, with the cause, instead of leaving a service half-started.
it('start() against a database that does not answer rejects, naming the connection failure', async () => {
  const work = { archive: () => Promise.resolve('not-due' as ArchiveOutcome), due: () => Promise.resolve([]) };
  const errors: unknown[] = [];
  await expect(PgBossArchiveJobs.start(work, { connectionString: 'postgres://postgres@127.0.0.1:1/nothing', onError: (e) => errors.push(e) })).rejects.toThrow(/ECONNREFUSED|connect/);
}, 30_000);
