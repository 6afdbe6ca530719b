// Scenario: in-process verification with the compiled library (dist/): read the file and verify
// every signature against the fixture PKI (anchors, intermediates, CRLs parsed once, before the runs).
// usage: node --expose-gc dist-bench/bench/verify.js FILE [RUNS] [WARMUP]
import { readFileSync } from 'node:fs';
import { loadVerifying, now, runScenario, scenarioArgs, verifyContext } from './common.js';

const args = scenarioArgs(process.argv.slice(2));
const lib = await loadVerifying();
const ctx = verifyContext(lib);
let verdict = '';
let signatures = 0;

await runScenario('verify', args, () => {
  const t0 = now();
  const bytes = readFileSync(args.file);
  const t1 = now();
  const report = lib.verifyPdf(bytes, ctx);
  const t2 = now();
  verdict = report.document.verdict;
  signatures = report.signatures.length;
  return { read: t1 - t0, verifyPdf: t2 - t1, total: t2 - t0 };
}, () => `${verdict}, ${signatures} signatures`);
