// Never crash: thousands of seeded mutations of valid signed PDFs (byte flips, deletions, PDF
// tokens inserted, truncation, duplicated tails, broken xref offsets and /Prev loops, deep
// nesting, bad /ByteRange and /Length values) must each end in a report or a catalogued
// DocaxisError, from verifyPdf and from the CLI's inspect logic. The corpus runs in a worker with
// a heap limit and a watchdog, so a hang or a runaway allocation fails the test instead of
// stalling the suite. Reproduce a case with mutatedCase(bases, seed, index) from support-tamper.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyPdf } from '../../src/pades/verify.js';
import { fixtureTimestamper, sampleLetter, trustedOptions } from '../support/fixtures.js';
import { tempDir, writeTemp } from '../support/oracles.js';
import { addSignature, mutatedCase, signedLetter, type FuzzMessage, type FuzzSummary } from './support-tamper.js';

const SEED = Number(process.env['DOCAXIS_FUZZ_SEED'] ?? 0x5eed2026);
const COUNT = Number(process.env['DOCAXIS_FUZZ_COUNT'] ?? 3000);
const CASE_LIMIT_MS = 2_000;
/** No progress for this long means a hang: the worker is stopped. */
const WATCHDOG_MS = 10_000;
const HEAP_LIMIT_MB = 512;

let bases: Uint8Array[];

async function smallDocument(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([300, 200]).drawText('Giấy mời'.normalize('NFD').replace(/[^\x20-\x7e]/g, ''), { x: 20, y: 150, size: 14, font });
  return doc.save({ useObjectStreams: true });
}

beforeAll(async () => {
  const s = await signedLetter();
  const small = await smallDocument();
  const objStmLetter = (await sampleLetter({ useObjectStreams: true })).pdf;
  bases = [
    // Two visible B-T signatures, classic xref tables.
    s.sealed,
    // Object streams + xref stream, one ECDSA B-B signature.
    await addSignature(small, 'signer-tran-thi-binh', { fieldName: 'Signature1' }),
    // The letter saved with object streams, one RSA B-T signature.
    await addSignature(objStmLetter, 'seal-ubnd-thai-binh', { level: 'B-T', timestamper: fixtureTimestamper() }),
    // Two invisible B-B signatures on the small document.
    await addSignature(await addSignature(small, 'signer-nguyen-van-an', { fieldName: 'A' }), 'seal-ubnd-thai-binh', { fieldName: 'B' }),
  ];
});

function runCorpus(seed: number, count: number): Promise<FuzzSummary> {
  const require = createRequire(import.meta.url);
  const bootstrap = `
    const { workerData } = require('node:worker_threads');
    import(workerData.tsxApi)
      .then((tsx) => tsx.register())
      .then(() => import(workerData.entry))
      .then((m) => m.runFuzzWorker());
  `;
  // tsx's ESM API (its CommonJS twin cannot register hooks from a worker).
  const tsxCjs = require.resolve('tsx/esm/api');
  const tsxMjs = tsxCjs.replace(/\.cjs$/, '.mjs');
  const worker = new Worker(bootstrap, {
    eval: true,
    workerData: {
      tsxApi: existsSync(tsxMjs) ? pathToFileURL(tsxMjs).href : 'tsx/esm/api',
      entry: pathToFileURL(require.resolve('./support-tamper.ts')).href,
      bases,
      seed,
      count,
      limitMs: CASE_LIMIT_MS,
    },
    resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB },
  });
  return new Promise((resolve, reject) => {
    let current = -1;
    let last = Date.now();
    const describeCase = (): string => {
      if (current < 0) return 'before the first case';
      const c = mutatedCase(bases, seed, current);
      const file = writeTemp(tempDir('docaxis-fuzz-'), `case-${current}.pdf`, c.bytes);
      return `case ${current} (${c.kind}), saved to ${file}`;
    };
    const stop = (why: string): void => {
      clearInterval(watchdog);
      void worker.terminate();
      reject(new Error(`${why} at ${describeCase()} (seed ${seed})`));
    };
    const watchdog = setInterval(() => {
      if (Date.now() - last > WATCHDOG_MS) stop(`no progress for ${WATCHDOG_MS} ms`);
    }, 500);
    worker.on('message', (m: FuzzMessage) => {
      last = Date.now();
      if (m.type === 'case') current = m.index;
      else {
        clearInterval(watchdog);
        void worker.terminate();
        resolve(m.summary);
      }
    });
    worker.on('error', (e) => stop(`the worker died: ${e.message}`));
    worker.on('exit', (code) => {
      if (code !== 0) stop(`the worker exited with ${code}`);
    });
  });
}

describe('robustness: verifyPdf and inspectPdf on mutated signed PDFs', () => {
  it('the unmutated bases verify valid', () => {
    for (const b of bases) expect(verifyPdf(b, trustedOptions()).document.verdict).toBe('valid');
  });

  it(`${COUNT} mutated inputs (seed ${SEED}) end in a report or a catalogued DocaxisError, each within ${CASE_LIMIT_MS} ms`, async () => {
    const summary = await runCorpus(SEED, COUNT);
    console.log(`robustness seed ${SEED}: ${summary.count} cases in ${Math.round(summary.totalMs)} ms, slowest ${Math.round(summary.maxMs)} ms (case ${summary.slowest.index}, ${summary.slowest.kind})`);
    console.log(JSON.stringify(summary.outcomes, null, 1));
    expect(summary.failures).toEqual([]);
    expect(summary.count).toBe(COUNT);
    expect(summary.maxMs).toBeLessThan(CASE_LIMIT_MS);
    // The corpus must reach both ends: parser errors and complete reports with every verdict kind.
    const o = summary.outcomes;
    const total = (prefix: string): number => Object.entries(o).reduce((n, [k, v]) => (k.startsWith(prefix) ? n + v : n), 0);
    expect(total('verify error:')).toBeGreaterThan(COUNT / 20);
    expect(total('verify report:')).toBeGreaterThan(COUNT / 5);
    expect(o['verify report:invalid'] ?? 0).toBeGreaterThan(0);
    expect(o['verify report:valid'] ?? 0).toBeGreaterThan(0);
    expect(total('inspect report')).toBeGreaterThan(COUNT / 5);
  }, 120_000);
});
