// npm run bench [-- --quick]: builds the inputs (cached in bench/out/inputs), runs every scenario in
// its own child process (floor.ts, sign.ts, verify.ts) and the command lines side by side (cli.ts),
// prints the tables and writes docs/benchmarks.md (--quick, or BENCH_QUICK=1: the letter and 1 MB
// only, written to bench/out/benchmarks-quick.md instead).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { loadLibrary, OUT, ROOT, type ScenarioResult } from './common.js';
import { cliFloorSection, nodeStartCommand, pdfsigSummary, signCommands, timeCommand, verifyCommands, type CliFloorRow, type CommandTiming } from './cli.js';
import { INPUT_SPECS, prepareInputs, type InputFiles } from './inputs.js';
import { ensurePdfsig, ensureSignpdf } from './peers.js';
import { renderReport, type SizeResult } from './report.js';

const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const started = performance.now();
const log = (s: string) => process.stderr.write(`${s}\n`);

function child(scenario: 'floor' | 'sign' | 'verify', file: string, runs: number, warmup: number): ScenarioResult {
  const script = join(ROOT, 'dist-bench', 'bench', `${scenario}.js`);
  const r = spawnSync(process.execPath, ['--expose-gc', script, file, String(runs), String(warmup)], { encoding: 'utf8', maxBuffer: 16 << 20 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`${scenario} ${file} failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(line) as ScenarioResult;
}

const machine = {
  date: new Date().toISOString(),
  node: process.version,
  nproc: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  memGB: totalmem() / 2 ** 30,
};
log(`docaxis benchmark${quick ? ' (quick)' : ''}: node ${machine.node}, ${machine.nproc} CPUs (${machine.cpu}), ${machine.memGB.toFixed(1)} GB`);

const lib = await loadLibrary();
log('inputs (bench/out/inputs, cached):');
const specs = quick ? INPUT_SPECS.filter((s) => s.name === 'letter' || s.name === '1mb') : INPUT_SPECS;
const inputs = await prepareInputs(lib, specs, log);
log('peers:');
const signpdf = ensureSignpdf(log);
const pdfsig = ensurePdfsig(log);
log(`  @signpdf: ${signpdf.ok ? signpdf.version : `NOT AVAILABLE - ${signpdf.problem}`}`);
log(`  pdfsig:   ${pdfsig.ok ? `${pdfsig.version} (nick ${pdfsig.nick})` : `NOT AVAILABLE - ${pdfsig.problem}`}`);

/** What a signed output looks like to our verifier (and to pdfsig for the peers' outputs). */
function check(file: string, withPdfsig: boolean): string {
  try {
    const report = lib.verifyPdf(readFileSync(file), {
      trustAnchors: lib.readCertificates(readFileSync(join(ROOT, 'certs-fixtures', 'trust-anchors.pem'))),
      intermediates: lib.readCertificates(readFileSync(join(ROOT, 'certs-fixtures', 'intermediates.pem'))),
      crls: lib.readCrls(readFileSync(join(ROOT, 'certs-fixtures', 'crls.pem'))),
    });
    const sigs = report.signatures.map((s) => `${s.fieldName}: ${s.indication}${s.subIndication ? `/${s.subIndication}` : ''}`).join('; ');
    return `docaxis verify: ${report.document.verdict} (${sigs})${withPdfsig ? `; ${pdfsigSummary(file)}` : ''}`;
  } catch (e) {
    return `docaxis verify: error ${(e as Error).message}`;
  }
}

const results: SizeResult[] = [];
const cliFloor: CliFloorRow[] = [];
for (const input of inputs as InputFiles[]) {
  const big = input.bytes > 30 << 20;
  const runs = quick ? 5 : big ? 3 : 7;
  const warmup = big ? 1 : 2;
  const cliRuns = quick ? 3 : big ? 3 : 5;
  log(`${input.spec.name} (${(input.bytes / 2 ** 20).toFixed(2)} MB, ${input.objects} objects): in-process, ${runs} runs after ${warmup} warm-up ...`);
  const floor = child('floor', input.chairman, runs, warmup);
  const sign = child('sign', input.chairman, runs, warmup);
  const signUnsigned = child('sign', input.unsigned, runs, warmup);
  const verify = child('verify', input.sealed, runs, warmup);
  log(`  memory (one operation per child) ...`);
  const memory = { floor: child('floor', input.chairman, 1, 0), sign: child('sign', input.chairman, 1, 0), verify: child('verify', input.sealed, 1, 0) };
  log(`  command lines, ${cliRuns} runs after 1 warm-up ...`);
  const cliSign: (CommandTiming & { check: string })[] = [];
  for (const c of signCommands(input.chairman, pdfsig.ok ? pdfsig.nick : undefined, signpdf.ok)) {
    const t = timeCommand(c, cliRuns, 1);
    cliSign.push({ ...t, check: t.ok && c.writes ? check(c.writes, !c.tool.startsWith('pdfsig') && pdfsig.ok) : `failed: ${t.output.trim().split('\n').slice(-2).join(' | ')}` });
  }
  const cliVerify = verifyCommands(input.sealed, pdfsig.ok).map((c) => timeCommand(c, cliRuns, 1));
  // The floor of a command line, measured now, beside it (the machine's load changes over a run).
  const nodeStart = timeCommand(nodeStartCommand(), cliRuns, 1);
  const pdfsigVerify = cliVerify.find((t) => t.tool.startsWith('pdfsig'));
  cliFloor.push({ input: input.spec.name, nodeStart, verify: cliVerify[0]!, ...(pdfsigVerify ? { pdfsig: pdfsigVerify } : {}) });
  log(`    node -e '': wall ${nodeStart.medianMs.toFixed(0)} ms, cpu ${nodeStart.medianCpuMs?.toFixed(0) ?? '-'} ms; docaxis verify / node start ${(cliVerify[0]!.medianMs / nodeStart.medianMs).toFixed(2)}x${pdfsigVerify ? `, / pdfsig ${(cliVerify[0]!.medianMs / pdfsigVerify.medianMs).toFixed(2)}x` : ''}`);
  // Wall time is meaningless on a busy machine; CPU time (user + sys, 10 ms resolution) much less so.
  for (const t of [...cliSign, ...cliVerify]) log(`    ${t.tool}: wall ${t.medianMs.toFixed(0)} ms, cpu ${t.medianCpuMs?.toFixed(0) ?? '-'} ms (medians)`);
  results.push({ input, floor, sign, signUnsigned, verify, memory, cliSign, cliVerify });
}

/** The floor section goes before the command-line table (or at the end), replacing an older one. */
function withCliFloor(markdown: string, section: string): string {
  const without = markdown.replace(/## Command line against its floor\n[\s\S]*?(?=\n## |$)/, '').trimEnd();
  const at = without.indexOf('## Command lines');
  return at < 0 ? `${without}\n\n${section}` : `${without.slice(0, at)}${section}\n${without.slice(at)}\n`;
}

const docPath = quick ? join(OUT, 'benchmarks-quick.md') : join(ROOT, 'docs', 'benchmarks.md');
let previous = '';
try {
  previous = readFileSync(docPath, 'utf8');
} catch {
  // first run
}
const { markdown, tables } = renderReport({ machine, results, signpdf, pdfsig, quick, elapsedS: (performance.now() - started) / 1000, previous });
writeFileSync(docPath, withCliFloor(markdown, cliFloorSection(cliFloor)));
process.stdout.write(`${tables}\n`);
log(`wrote ${docPath} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
