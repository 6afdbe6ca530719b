// Renders the results as docs/benchmarks.md (and the same tables for the terminal). The hand-written
// analysis between <!-- analysis --> and <!-- /analysis --> in the previous file is kept.
import { median, type ScenarioResult } from './common.js';
import type { CommandTiming } from './cli.js';
import type { InputFiles } from './inputs.js';
import type { PeerStatus } from './peers.js';

export interface SizeResult {
  input: InputFiles;
  floor: ScenarioResult;
  sign: ScenarioResult;
  signUnsigned: ScenarioResult;
  verify: ScenarioResult;
  memory: { floor: ScenarioResult; sign: ScenarioResult; verify: ScenarioResult };
  cliSign: (CommandTiming & { check: string })[];
  cliVerify: CommandTiming[];
}

export interface ReportInput {
  machine: { date: string; node: string; nproc: number; cpu: string; memGB: number };
  results: SizeResult[];
  signpdf: PeerStatus['signpdf'];
  pdfsig: PeerStatus['pdfsig'];
  quick: boolean;
  elapsedS: number;
  previous: string;
}

const ms = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? 'n/a' : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));
const mb = (bytes: number) => bytes / 2 ** 20;
const med = (r: ScenarioResult, part: string) => median(r.samples[part] ?? [NaN]);
const yes = (ok: boolean | undefined) => (ok === undefined ? '-' : ok ? '**met**' : '**NOT met**');

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** Targets from the issue: in-process ratio to the floor, only at 10 MB, 50 MB and 1,000 pages. */
function ratioTargets(name: string): { sign?: number; verify?: number } {
  if (name === '10mb' || name === '50mb') return { sign: 2, verify: 1.5 };
  if (name === '1000p') return { sign: 3, verify: 3 };
  return {};
}

function label(i: InputFiles): string {
  return `${i.spec.name === 'letter' ? `letter (${(i.bytes / 1024).toFixed(0)} KB)` : i.spec.label} - ${mb(i.bytes).toFixed(2)} MB, ${i.pages} pages, ${i.objects} objects`;
}

export function renderReport(r: ReportInput): { markdown: string; tables: string } {
  const summary: string[][] = [];
  const sizes: string[] = [];
  for (const s of r.results) {
    const name = s.input.spec.name;
    const fSign = med(s.floor, 'sign');
    const fVerify = med(s.floor, 'verify');
    const oSign = med(s.sign, 'total');
    const oSignU = med(s.signUnsigned, 'total');
    const oVerify = med(s.verify, 'total');
    const t = ratioTargets(name);
    const row = (op: string, floor: number, ours: number, target?: number): string[] => {
      const ratio = ours / floor;
      if (target) summary.push([`${op}, ${s.input.spec.label}`, `<= ${target}x floor`, `${ms(ours)} ms / ${ms(floor)} ms = ${ratio.toFixed(1)}x`, yes(ratio <= target)]);
      return [op, ms(floor), ms(ours), `${ratio.toFixed(1)}x`, target ? `<= ${target}x` : '(none)', target ? yes(ratio <= target) : '-'];
    };
    sizes.push(
      [
        `### ${label(s.input)}`,
        '',
        table(
          ['operation', 'floor (ms)', 'docaxis (ms)', 'ratio', 'target', 'met?'],
          [
            row('sign: agency seal over the chairman-signed file', fSign, oSign, t.sign),
            row('sign: the unsigned file', fSign, oSignU),
            row(`verify: 2 signatures (${s.verify.note ?? '?'})`, fVerify, oVerify, t.verify),
          ],
        ),
        '',
        `Floor parts (median ms): read ${ms(med(s.floor, 'read'))}, SHA-256 ${ms(med(s.floor, 'hash'))}, RSA-2048 sign ${ms(med(s.floor, 'rsaSign'))}, ` +
          `write ${ms(med(s.floor, 'write'))}, RSA verify ${ms(med(s.floor, 'rsaVerify'))}. ` +
          `docaxis sign parts: read ${ms(med(s.sign, 'read'))}, signPdf ${ms(med(s.sign, 'signPdf'))}, write ${ms(med(s.sign, 'write'))}; ` +
          `verify parts: read ${ms(med(s.verify, 'read'))}, verifyPdf ${ms(med(s.verify, 'verifyPdf'))}. ` +
          `Runs: ${s.sign.runs} (sign samples ${(s.sign.samples.total ?? []).map(ms).join(', ')}; verify samples ${(s.verify.samples.total ?? []).map(ms).join(', ')}).`,
      ].join('\n'),
    );
  }

  const cliRows = r.results.map((s) => {
    const ours = s.cliSign.find((c) => c.tool === 'docaxis sign');
    const pdfsig = s.cliSign.find((c) => c.tool.startsWith('pdfsig'));
    const signpdf = s.cliSign.find((c) => c.tool.startsWith('@signpdf'));
    const vOurs = s.cliVerify.find((c) => c.tool === 'docaxis verify');
    const vPdfsig = s.cliVerify.find((c) => c.tool.startsWith('pdfsig'));
    const beatsSignpdf = ours && signpdf?.ok ? ours.medianMs < signpdf.medianMs : undefined;
    const pdfsigApplies = s.input.spec.name !== 'letter'; // "from 1 MB up"
    const beatsPdfsig = ours && pdfsig?.ok && pdfsigApplies ? ours.medianMs < pdfsig.medianMs : undefined;
    if (beatsSignpdf !== undefined) summary.push([`CLI sign faster than @signpdf, ${s.input.spec.label}`, 'faster', `${ms(ours?.medianMs)} vs ${ms(signpdf?.medianMs)} ms`, yes(beatsSignpdf)]);
    if (beatsPdfsig !== undefined) summary.push([`CLI sign faster than pdfsig, ${s.input.spec.label}`, 'faster', `${ms(ours?.medianMs)} vs ${ms(pdfsig?.medianMs)} ms`, yes(beatsPdfsig)]);
    const cell = (c?: CommandTiming) => (!c ? 'n/a' : c.ok ? ms(c.medianMs) : 'failed');
    return [s.input.spec.label, cell(ours), cell(pdfsig), cell(signpdf), yes(beatsSignpdf), pdfsigApplies ? yes(beatsPdfsig) : '(from 1 MB)', cell(vOurs), cell(vPdfsig)];
  });

  const memRows = r.results.map((s) => {
    const file = mb(s.input.bytes);
    const bound = 2 * file + 80;
    const sign = s.memory.sign.maxRssMB;
    const verify = s.memory.verify.maxRssMB;
    const ok = sign <= bound && verify <= bound;
    summary.push([`peak memory, ${s.input.spec.label}`, `<= ${bound.toFixed(0)} MB`, `sign ${sign.toFixed(0)} MB, verify ${verify.toFixed(0)} MB`, yes(ok)]);
    const cli = (c?: CommandTiming) => (c?.maxRssMB === undefined ? 'n/a' : c.maxRssMB.toFixed(0));
    return [
      s.input.spec.label,
      file.toFixed(1),
      bound.toFixed(0),
      s.memory.floor.maxRssMB.toFixed(0),
      `${sign.toFixed(0)} (${s.memory.sign.baselineRssMB.toFixed(0)} loaded)`,
      `${verify.toFixed(0)} (${s.memory.verify.baselineRssMB.toFixed(0)} loaded)`,
      yes(ok),
      s.cliSign.map(cli).join(' / '),
      s.cliVerify.map(cli).join(' / '),
    ];
  });

  const inProcess = sizes.join('\n\n');
  const cliTable = table(['input', 'docaxis sign', 'pdfsig sign', '@signpdf sign', 'faster than @signpdf?', 'faster than pdfsig?', 'docaxis verify', 'pdfsig verify'], cliRows);
  const checks = r.results
    .map((s) => `- ${s.input.spec.label}:\n${s.cliSign.map((c) => `  - ${c.tool}: ${c.check}`).join('\n')}`)
    .join('\n');
  const memTable = table(
    ['input', 'file (MB)', 'bound 2x+80 (MB)', 'floor', 'docaxis sign', 'docaxis verify', 'met?', 'CLI sign: docaxis / pdfsig / @signpdf', 'CLI verify: docaxis / pdfsig'],
    memRows,
  );
  const summaryTable = table(['target', 'bound', 'measured', 'met?'], summary);
  const tables = [`## Targets\n\n${summaryTable}`, `## In-process vs the floor\n\n${inProcess}`, `## Command lines (wall time, ms, median)\n\n${cliTable}`, `## Peak memory (maxRSS, MB)\n\n${memTable}`].join('\n\n');

  const analysis = /<!-- analysis -->[\s\S]*?<!-- \/analysis -->/.exec(r.previous)?.[0] ?? '<!-- analysis -->\n<!-- /analysis -->';
  const m = r.machine;
  const markdown = `# Benchmarks

Generated by \`npm run bench\` (bench/run.ts) on ${m.date}${r.quick ? ' - QUICK subset' : ''}; the run took ${r.elapsedS.toFixed(0)} s.
Machine: ${m.nproc} CPUs (${m.cpu}), ${m.memGB.toFixed(1)} GB RAM, Node.js ${m.node}, ${r.pdfsig.ok ? `poppler pdfsig ${r.pdfsig.version}` : `pdfsig unavailable (${r.pdfsig.problem})`}, ${r.signpdf.ok ? `@signpdf ${r.signpdf.version}` : `@signpdf unavailable (${r.signpdf.problem})`}.
Timings on a shared 2-CPU machine are noisy; compare ratios measured in the same run, not absolute numbers across runs.

## How to run

\`\`\`sh
npm run bench              # everything (< 10 min); writes this file and prints the tables
npm run bench -- --quick   # letter + 1 MB only (or BENCH_QUICK=1); writes bench/out/benchmarks-quick.md
\`\`\`

\`npm run bench\` builds the library (\`dist/\`, what users run) and the benchmark (\`bench/*.ts\` -> \`dist-bench/\`), then:

- **Inputs** (bench/inputs.ts), generated deterministically once and cached in \`bench/out/inputs/\` (git-ignored): the sample
  letter (\`makeSampleLetter\`), 1 / 10 / 50 MB files (the letter plus one incompressible 8-bit grey "scan" of ~1 MB per page),
  and a 1,000-page text report (\`makeSampleLetter({ extraPages: 999 })\` plus 12 link annotations with their own action
  objects per page: tens of thousands of objects). Each is pre-signed by the chairman (visible, B-B); "sign" is the agency seal
  (invisible, B-B) over that, "verify" checks the two signatures of the sealed file (the Decree 30 case). Signing the unsigned
  file is reported too.
- **Floor** (bench/floor.ts), same run: \`readFileSync\`, SHA-256 of the whole file (node:crypto), one RSA-2048 signature
  (\`crypto.sign\` over 32 bytes, the seal's key), \`writeFileSync\` into bench/out. floor(sign) = read + hash + sign + write;
  floor(verify) = read + hash + one RSA verification. Measured on the chairman-signed file (the one that is signed).
- **In-process** (bench/sign.ts, bench/verify.ts): \`signPdf\` and \`verifyPdf\` from the compiled \`dist/\`, including reading
  (and for sign, writing) the file; the key, anchors, intermediates and CRLs are loaded once before the runs. Median of
  7 runs (3 at 50 MB) after 2 warm-up runs (1 at 50 MB), each scenario in its own \`node --expose-gc\` child, gc between runs.
- **Peak memory**: a separate child per operation that does it exactly once and reports its peak RSS (\`VmHWM\` from /proc/self/status: \`maxRSS\` would carry over the runner's peak across exec);
  "loaded" is the RSS after importing the modules, before the operation. Bound: 2 x file size + 80 MB.
- **Command lines** (bench/cli.ts): fresh processes, wall time, median of 5 runs (3 at 50 MB) after 1 warm-up, on the same
  chairman-signed file: \`node dist/cli/bin.js sign IN -o OUT --p12 seal.p12 --password-env VAR\`, \`pdfsig -add-signature -nick
  seal -new-signature-field-name VanThu IN OUT\` (NSS database in bench/out/nssdb: the seal's p12 imported with pk12util, the
  fixture root trusted with certutil; poppler 22.12 cannot add ETSI.CAdES.detached, so it writes adbe.pkcs7.detached), and
  @signpdf (bench/peers/signpdf-sign.mjs: pdf-lib load, \`pdflibAddPlaceholder\`, save, \`P12Signer\`); \`docaxis verify\` (with
  the fixture anchors, intermediates and CRLs) vs \`pdfsig\` (OCSP on; the fixtures carry no OCSP URL). Peak memory from
  \`/usr/bin/time -f %M\`. @signpdf is installed on first run into \`bench/peers/\` (its own package.json; never a docaxis dependency).

${tables}

### What each tool's output looks like (checked with docaxis verify, and pdfsig for the peers)

${checks}

## Analysis

${analysis}
`;
  return { markdown, tables };
}
