// Only the command-line floor comparison of bench/run.ts, for a quick look without the whole bench:
// `docaxis verify` of the sealed letter and 50 MB file beside `node -e ''` and pdfsig, CPU and wall.
// usage: node dist-bench/bench/cli-floor.js [RUNS] [INPUT...] [--sign]   (inputs: letter, 1mb, 10mb, 50mb, 1000p)
// --sign also times `docaxis sign` against `pdfsig -add-signature` (the agency seal, invisible).
import { cliFloorSection, nodeStartCommand, signCommands, timeCommand, verifyCommands, type CliFloorRow } from './cli.js';
import { loadLibrary } from './common.js';
import { INPUT_SPECS, prepareInputs } from './inputs.js';
import { ensurePdfsig } from './peers.js';

const log = (s: string) => process.stderr.write(`${s}\n`);
const runs = Number(process.argv[2] ?? 10);
const names = process.argv.slice(3).filter((a) => !a.startsWith('--'));
const withSign = process.argv.includes('--sign');
const lib = await loadLibrary();
const specs = INPUT_SPECS.filter((s) => (names.length ? names : ['letter', '50mb']).includes(s.name));
const inputs = await prepareInputs(lib, specs, log);
const pdfsig = ensurePdfsig(log);
const rows: CliFloorRow[] = [];
for (const input of inputs) {
  const [verify, peer] = verifyCommands(input.sealed, pdfsig.ok).map((c) => timeCommand(c, runs, 1));
  const nodeStart = timeCommand(nodeStartCommand(), runs, 1);
  rows.push({ input: input.spec.name, nodeStart, verify: verify!, ...(peer ? { pdfsig: peer } : {}) });
  if (withSign) {
    for (const c of signCommands(input.chairman, pdfsig.ok ? pdfsig.nick : undefined, false)) {
      const t = timeCommand(c, runs, 1);
      log(`${input.spec.name} ${t.tool}: wall ${t.medianMs.toFixed(0)} ms, cpu ${t.medianCpuMs?.toFixed(0) ?? '-'} ms (medians of ${runs})${t.ok ? '' : ` FAILED ${t.output.slice(-200)}`}`);
    }
  }
}
process.stdout.write(cliFloorSection(rows));
