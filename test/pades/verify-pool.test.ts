// The verification worker pool: the same reports as this thread, the trust material read once per
// version and re-sent to workers when it changes, errors that keep their codes across threads, a
// worker lost mid-job replaced, a broken install failing fast, and close(); a verification and a
// stamp scan in one job. It runs the compiled worker (dist/pades/verify-worker.js): `npm test`
// builds before it runs the tests.
import { afterEach, describe, expect, it } from 'vitest';
import { isDocaxisError } from '../../src/errors.js';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { InProcessVerifier, type TrustMaterial, type TrustSnapshot } from '../../src/pades/verifier.js';
import { WorkerVerifierPool } from '../../src/pades/verify-pool.js';
import { readCertificates, readCrls } from '../../src/pki/pem.js';
import { fixture, fixtureSigner, sampleLetter } from '../support/fixtures.js';
import { stampExisting } from '../content/stamped-pdfs.js';

const material: TrustMaterial = {
  trustAnchors: readCertificates(fixture('trust-anchors.pem')),
  intermediates: readCertificates(fixture('intermediates.pem')),
  crls: readCrls(fixture('crls.pem')),
};
const untrusting: TrustMaterial = { trustAnchors: [], intermediates: [], crls: [] };

function snapshot(key: string, m: TrustMaterial, counter: { loads: number }): TrustSnapshot {
  return { key, load: async () => (counter.loads++, m) };
}

async function sealed(pdf: Uint8Array): Promise<Uint8Array> {
  const signed = joinDocument(await signPdf(pdf, fixtureSigner('signer-nguyen-van-an')));
  return joinDocument(await signPdf(signed, fixtureSigner('seal-ubnd-thai-binh')));
}

async function sealedLetter(): Promise<Uint8Array> {
  return sealed((await sampleLetter()).pdf);
}

const STAND_IN = new URL('./workers/dies-on-one-byte.mjs', import.meta.url);
const pools: WorkerVerifierPool[] = [];
function pool(size: number, script?: URL, timeoutMs?: number, budgets: { memoryMb?: number; recycleMb?: number; isolation?: 'process' | 'thread' } = {}): WorkerVerifierPool {
  const p = new WorkerVerifierPool(size, { ...(script ? { script } : {}), ...(timeoutMs ? { timeoutMs } : {}), ...budgets });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('WorkerVerifierPool', () => {
  it('gives the same reports as verification on this thread, for a valid and a tampered letter', async () => {
    const pdf = await sealedLetter();
    const tampered = Uint8Array.from(pdf);
    const middle = Math.floor(tampered.length / 3); // inside the bytes both signatures cover
    tampered[middle] = tampered[middle]! ^ 0x01;
    const here = new InProcessVerifier();
    const workers = pool(2);
    const counter = { loads: 0 };
    const when = new Date();
    for (const bytes of [pdf, tampered]) {
      const [a, b] = await Promise.all([here.verify(bytes, snapshot('k1', material, counter), when), workers.verify(bytes, snapshot('k1', material, counter), when)]);
      expect(b).toEqual(a);
    }
    expect((await workers.verify(pdf, snapshot('k1', material, counter), when)).document.verdict).toBe('valid');
    expect((await workers.verify(tampered, snapshot('k1', material, counter), when)).document.verdict).not.toBe('valid');
  });

  it('refuses a document with more signatures than the configured maximum, in the workers as on this thread', async () => {
    const pdf = await sealedLetter(); // two signatures
    const counter = { loads: 0 };
    const strict = new WorkerVerifierPool(1, { maxSignatures: 1 });
    pools.push(strict);
    const there = await strict.verify(pdf, snapshot('k', material, counter), new Date()).catch((e: unknown) => e);
    const here = await new InProcessVerifier({ maxSignatures: 1 }).verify(pdf, snapshot('k', material, counter), new Date()).catch((e: unknown) => e);
    expect(isDocaxisError(there, 'PDF_TOO_MANY_SIGNATURES')).toBe(true);
    expect(isDocaxisError(here, 'PDF_TOO_MANY_SIGNATURES')).toBe(true);
    expect((await pool(1, undefined, undefined, {}).verify(pdf, snapshot('k', material, counter), new Date())).document.verdict).toBe('valid');
  });

  it('reads the trust material once per key for all workers, and a new key reaches every worker', async () => {
    const pdf = await sealedLetter();
    const workers = pool(2);
    const counter = { loads: 0 };
    const first = await Promise.all(Array.from({ length: 8 }, () => workers.verify(pdf, snapshot('trusting', material, counter), new Date())));
    expect(first.map((r) => r.document.verdict)).toEqual(Array(8).fill('valid'));
    expect(counter.loads).toBe(1);
    // An admin removed the anchor: a new key, read once, and no worker keeps trusting the old store.
    const second = await Promise.all(Array.from({ length: 8 }, () => workers.verify(pdf, snapshot('untrusting', untrusting, counter), new Date())));
    expect(second.map((r) => r.document.verdict).filter((v) => v === 'valid')).toEqual([]);
    expect(counter.loads).toBe(2);
  });

  it('rejects with the same catalogue code and message as this thread (a file that is not a PDF)', async () => {
    const notPdf = new TextEncoder().encode('hello, this is not a PDF at all');
    const counter = { loads: 0 };
    const here = await new InProcessVerifier().verify(notPdf, snapshot('k', material, counter), new Date()).catch((e: unknown) => e);
    const there = await pool(1).verify(notPdf, snapshot('k', material, counter), new Date()).catch((e: unknown) => e);
    expect(isDocaxisError(here, 'PDF_NOT_PDF')).toBe(true);
    expect(isDocaxisError(there, 'PDF_NOT_PDF')).toBe(true);
    expect((there as Error).message).toBe((here as Error).message);
  });

  it('fails the job of a worker that dies, with INTERNAL, and goes on with a fresh worker', async () => {
    const workers = pool(1, new URL('./workers/dies-on-one-byte.mjs', import.meta.url));
    const counter = { loads: 0 };
    const lost = await workers.verify(new Uint8Array([1]), snapshot('k', material, counter), new Date()).catch((e: unknown) => e);
    expect(isDocaxisError(lost, 'INTERNAL')).toBe(true);
    expect((lost as Error).message).toMatch(/worker stopped/);
    // The replacement has no trust material yet, so it is sent again with the next job.
    const next = (await workers.verify(new Uint8Array(5), snapshot('k', material, counter), new Date())) as unknown as Record<string, unknown>;
    expect(next).toEqual({ stand: 'in', bytes: 5, key: 'k', hadMaterial: true });
    expect(workers.size).toBe(1);
  });

  it('sends the trust material with the first job for a key, not again, and again after a failed job', async () => {
    const workers = pool(1, new URL('./workers/dies-on-one-byte.mjs', import.meta.url));
    const counter = { loads: 0 };
    const had = async (bytes: number) => ((await workers.verify(new Uint8Array(bytes), snapshot('k', material, counter), new Date())) as unknown as { hadMaterial: boolean }).hadMaterial;
    expect(await had(5)).toBe(true);
    expect(await had(5)).toBe(false);
    const refused = await workers.verify(new Uint8Array(2), snapshot('k', material, counter), new Date()).catch((e: unknown) => e);
    expect(isDocaxisError(refused, 'PDF_NOT_PDF')).toBe(true);
    expect((refused as Error).message).toBe('stand-in refusal');
    expect(await had(5)).toBe(true);
    expect(counter.loads).toBe(1);
  });

  it('fails a verification that does not end with VERIFY_TIMEOUT, and replaces its worker', async () => {
    const workers = pool(1, new URL('./workers/dies-on-one-byte.mjs', import.meta.url), 300);
    const counter = { loads: 0 };
    const started = performance.now();
    const stuck = await workers.verify(new Uint8Array(3), snapshot('k', material, counter), new Date()).catch((e: unknown) => e);
    expect(isDocaxisError(stuck, 'VERIFY_TIMEOUT')).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    const next = (await workers.verify(new Uint8Array(5), snapshot('k', material, counter), new Date())) as unknown as Record<string, unknown>;
    expect(next).toEqual({ stand: 'in', bytes: 5, key: 'k', hadMaterial: true });
  });

  it('fails a job whose heap passes the worker limit with VERIFY_MEMORY_LIMIT, and goes on with a fresh worker', async () => {
    const workers = pool(1, STAND_IN, 30_000, { memoryMb: 64 });
    const counter = { loads: 0 };
    const started = performance.now();
    const greedy = await workers.verify(new Uint8Array(4), snapshot('k', material, counter), new Date()).catch((e: unknown) => e);
    expect(isDocaxisError(greedy, 'VERIFY_MEMORY_LIMIT')).toBe(true);
    expect((greedy as Error).message).toMatch(/64 MB/);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(workers.replaced).toBe(1);
    const next = (await workers.verify(new Uint8Array(5), snapshot('k', material, counter), new Date())) as unknown as Record<string, unknown>;
    expect(next).toEqual({ stand: 'in', bytes: 5, key: 'k', hadMaterial: true });
  });

  it('fails a job whose buffers outside the heap grow the process past the budget, before it ends', async () => {
    const workers = pool(1, STAND_IN, 30_000, { memoryMb: 256 });
    const counter = { loads: 0 };
    const started = performance.now();
    // The stand-in takes 1 GB of filled buffers and never answers: only the RSS sampling can stop it.
    const bomb = await workers.verify(new Uint8Array(7), snapshot('k', material, counter), new Date()).catch((e: unknown) => e);
    expect(isDocaxisError(bomb, 'VERIFY_MEMORY_LIMIT')).toBe(true);
    expect((bomb as Error).message).toMatch(/grew by \d+ MB \(limit 256 MB\)/);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(workers.replaced).toBe(1);
    expect((await workers.verify(new Uint8Array(5), snapshot('k', material, counter), new Date())) as unknown).toMatchObject({ stand: 'in' });
  });

  it('replaces a worker that holds more than the recycling threshold after a job, the job itself answered', async () => {
    const workers = pool(1, STAND_IN, 30_000, { recycleMb: 128 });
    const counter = { loads: 0 };
    const had = async (bytes: number) => ((await workers.verify(new Uint8Array(bytes), snapshot('k', material, counter), new Date())) as unknown as { hadMaterial: boolean }).hadMaterial;
    expect(await had(5)).toBe(true);
    expect(await had(5)).toBe(false);
    expect(workers.replaced).toBe(0);
    expect(await had(6)).toBe(false); // answered; the worker says it holds 1 GB afterwards
    expect(workers.replaced).toBe(1);
    expect(await had(5)).toBe(true); // a fresh worker: the material is sent again
    expect(workers.size).toBe(1);
  });

  it('scans for classification marks on the workers, under the same deadline', async () => {
    const workers = pool(1, STAND_IN, 300);
    expect(await workers.scanMarks(new Uint8Array(5))).toEqual([{ page: 1, level: 'MAT', text: 'stand-in' }]);
    const stuck = await workers.scanMarks(new Uint8Array(3)).catch((e: unknown) => e);
    expect(isDocaxisError(stuck, 'VERIFY_TIMEOUT')).toBe(true);
    expect(await workers.scanMarks(new Uint8Array(5))).toHaveLength(1);
  });

  it('scans a real letter in the build\'s worker with the same answer as this thread', async () => {
    const pdf = await sealedLetter();
    const here = await new InProcessVerifier().scanMarks(pdf);
    expect(await pool(1).scanMarks(pdf)).toEqual(here);
  });

  it('verifies and scans in ONE job: the report and the marks together, a refusal or the deadline for both', async () => {
    const workers = pool(1, STAND_IN, 300);
    const counter = { loads: 0 };
    const both = await workers.verifyAndScan(new Uint8Array(5), snapshot('k', material, counter), new Date());
    // The stand-in counts the jobs it answered: one job carried the verification and the scan.
    expect(both).toEqual({ report: { stand: 'in', bytes: 5, key: 'k', hadMaterial: true, jobs: 1 }, marks: [{ page: 1, level: 'MAT', text: 'stand-in' }] });
    const again = await workers.verifyAndScan(new Uint8Array(5), snapshot('k', material, counter), new Date());
    expect((again.report as unknown as { jobs: number }).jobs).toBe(2);
    const refused = await workers.verifyAndScan(new Uint8Array(2), snapshot('k', material, counter), new Date()).catch((e: unknown) => e);
    expect(isDocaxisError(refused, 'PDF_NOT_PDF')).toBe(true);
    const stuck = await workers.verifyAndScan(new Uint8Array(3), snapshot('k', material, counter), new Date()).catch((e: unknown) => e);
    expect(isDocaxisError(stuck, 'VERIFY_TIMEOUT')).toBe(true);
    expect(workers.replaced).toBe(1);
  });

  it("verifies and scans a stamped letter in the build's worker as this thread does in two calls; a non-PDF is refused as by verify", async () => {
    const stamped = await sealed(await stampExisting((await sampleLetter({ extraPages: 1 })).pdf, 'TỐI MẬT', 2));
    const counter = { loads: 0 };
    const when = new Date();
    const here = new InProcessVerifier();
    const expected = { report: await here.verify(stamped, snapshot('k', material, counter), when), marks: await here.scanMarks(stamped) };
    expect(expected.marks).toEqual([{ page: 2, level: 'TOI_MAT', text: 'TỐI MẬT' }]);
    expect(expected.report.document.verdict).toBe('valid');
    for (const isolation of ['process', 'thread'] as const) {
      const workers = pool(1, undefined, undefined, { isolation });
      expect(await workers.verifyAndScan(stamped, snapshot('k', material, counter), when)).toEqual(expected);
      const notPdf = await workers.verifyAndScan(new TextEncoder().encode('not a PDF'), snapshot('k', material, counter), when).catch((e: unknown) => e);
      expect(isDocaxisError(notPdf, 'PDF_NOT_PDF')).toBe(true);
    }
    expect(await here.verifyAndScan(stamped, snapshot('k', material, counter), when)).toEqual(expected);
  });

  it('on worker threads too: the same reports, the heap limit, the deadline', async () => {
    const pdf = await sealedLetter();
    const counter = { loads: 0 };
    const when = new Date();
    const threads = pool(1, undefined, undefined, { isolation: 'thread' });
    expect(await threads.verify(pdf, snapshot('k', material, counter), when)).toEqual(await new InProcessVerifier().verify(pdf, snapshot('k', material, counter), when));
    const standIn = pool(1, STAND_IN, 4000, { memoryMb: 64, isolation: 'thread' });
    expect(isDocaxisError(await standIn.verify(new Uint8Array(4), snapshot('k', material, counter), when).catch((e: unknown) => e), 'VERIFY_MEMORY_LIMIT')).toBe(true);
    expect(isDocaxisError(await standIn.verify(new Uint8Array(3), snapshot('k', material, counter), when).catch((e: unknown) => e), 'VERIFY_TIMEOUT')).toBe(true);
    expect(standIn.replaced).toBe(2);
  });

  it('fails fast, without restarting forever, when the worker script cannot start', async () => {
    const workers = pool(2, new URL('./workers/no-such-worker.mjs', import.meta.url));
    const counter = { loads: 0 };
    const e1 = await workers.verify(new Uint8Array(5), snapshot('k', material, counter), new Date()).catch((e: unknown) => e);
    expect(isDocaxisError(e1, 'INTERNAL')).toBe(true);
    expect((e1 as Error).message).toMatch(/cannot start/);
    const e2 = await workers.verify(new Uint8Array(5), snapshot('k', material, counter), new Date()).catch((e: unknown) => e);
    expect((e2 as Error).message).toMatch(/cannot start/);
  });

  it('after close(), refuses new work and fails what was still queued', async () => {
    const pdf = await sealedLetter();
    const workers = pool(1);
    const counter = { loads: 0 };
    const jobs = Array.from({ length: 4 }, () => workers.verify(pdf, snapshot('k', material, counter), new Date()).then(() => 'done', (e: unknown) => (isDocaxisError(e, 'INTERNAL') ? 'refused' : String(e))));
    await workers.close();
    const outcomes = await Promise.all(jobs);
    expect(outcomes).toContain('refused');
    expect(await workers.verify(pdf, snapshot('k', material, counter), new Date()).then(() => 'done', (e: unknown) => (e as Error).message)).toMatch(/closed/);
  });
});
