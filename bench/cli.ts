// Scenario: the command lines side by side, each a fresh child process, wall time, on the same
// files: `docaxis sign` vs `pdfsig -add-signature` vs @signpdf (bench/peers/signpdf-sign.mjs), and
// `docaxis verify` vs `pdfsig`. Peak memory of each child from /usr/bin/time (%M) when present.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { CLI, fixture, median, now, PASSWORD, scratch, SEAL_P12 } from './common.js';
import { NSS_DIR, SIGNPDF_SCRIPT } from './peers.js';

const TIME = '/usr/bin/time';
const ENV = { ...process.env, DOCAXIS_BENCH_PW: PASSWORD };

export interface CommandTiming {
  tool: string;
  ms: number[];
  medianMs: number;
  /** User + system CPU of the child (all its threads), from /usr/bin/time: what to compare on a busy machine. */
  cpuMs?: number[];
  medianCpuMs?: number;
  maxRssMB?: number;
  ok: boolean;
  output: string;
}

export interface Command {
  tool: string;
  cmd: string;
  args: string[];
  /** The file the command writes, removed before each run. */
  writes?: string;
}

function once(c: Command): { ms: number; rssMB?: number; cpuMs?: number; ok: boolean; output: string } {
  if (c.writes) rmSync(c.writes, { force: true });
  const rssFile = scratch('time-rss.txt');
  const timed = existsSync(TIME);
  const [cmd, args] = timed ? [TIME, ['-f', '%M %U %S', '-o', rssFile, c.cmd, ...c.args]] : [c.cmd, c.args];
  const t0 = now();
  const r = spawnSync(cmd, args, { env: ENV, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = now() - t0;
  const [kb, user, sys] = timed && existsSync(rssFile) ? (readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number) : [];
  const rss = kb !== undefined ? kb / 1024 : undefined;
  const cpu = user !== undefined && sys !== undefined ? (user + sys) * 1000 : undefined;
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
  return {
    ms,
    ...(rss !== undefined && Number.isFinite(rss) ? { rssMB: rss } : {}),
    ...(cpu !== undefined && Number.isFinite(cpu) ? { cpuMs: cpu } : {}),
    ok: r.status === 0,
    output,
  };
}

export function timeCommand(c: Command, runs: number, warmup: number): CommandTiming {
  const ms: number[] = [];
  const cpuMs: number[] = [];
  let maxRssMB: number | undefined;
  let last = { ok: true, output: '' };
  for (let i = 0; i < warmup + runs && last.ok; i++) {
    const r = once(c);
    last = r;
    if (!r.ok || i < warmup) continue;
    ms.push(r.ms);
    if (r.cpuMs !== undefined) cpuMs.push(r.cpuMs);
    if (r.rssMB !== undefined) maxRssMB = Math.max(maxRssMB ?? 0, r.rssMB);
  }
  return {
    tool: c.tool,
    ms,
    medianMs: ms.length ? median(ms) : NaN,
    ...(cpuMs.length ? { cpuMs, medianCpuMs: median(cpuMs) } : {}),
    ...(maxRssMB !== undefined ? { maxRssMB } : {}),
    ok: last.ok,
    output: last.output,
  };
}

export function signCommands(input: string, nick: string | undefined, withSignpdf: boolean): Command[] {
  const stem = basename(input, '.pdf');
  const ours = scratch(`cli-docaxis-${stem}.pdf`);
  const pdfsig = scratch(`cli-pdfsig-${stem}.pdf`);
  const signpdf = scratch(`cli-signpdf-${stem}.pdf`);
  return [
    { tool: 'docaxis sign', cmd: process.execPath, args: [CLI, 'sign', input, '-o', ours, '--p12', SEAL_P12, '--password-env', 'DOCAXIS_BENCH_PW', '--field', 'VanThu'], writes: ours },
    ...(nick ? [{ tool: 'pdfsig -add-signature', cmd: 'pdfsig', args: ['-nssdir', `sql:${NSS_DIR}`, '-add-signature', '-nick', nick, '-new-signature-field-name', 'VanThu', input, pdfsig], writes: pdfsig }] : []),
    ...(withSignpdf ? [{ tool: '@signpdf (placeholder-pdf-lib + signer-p12)', cmd: process.execPath, args: [SIGNPDF_SCRIPT, input, signpdf, SEAL_P12], writes: signpdf }] : []),
  ];
}

export function verifyCommands(input: string, withPdfsig: boolean): Command[] {
  return [
    {
      tool: 'docaxis verify',
      cmd: process.execPath,
      args: [CLI, 'verify', input, '--trust', fixture('trust-anchors.pem'), '--intermediate', fixture('intermediates.pem'), '--crl', fixture('crls.pem')],
    },
    ...(withPdfsig ? [{ tool: 'pdfsig (verify)', cmd: 'pdfsig', args: ['-nssdir', `sql:${NSS_DIR}`, input] }] : []),
  ];
}

/** pdfsig's view of a file: "n/m signatures valid and trusted". */
export function pdfsigSummary(file: string): string {
  const r = spawnSync('pdfsig', ['-nssdir', `sql:${NSS_DIR}`, file], { encoding: 'utf8' });
  const out = `${r.stdout}${r.stderr}`;
  const total = (out.match(/^Signature #\d+:/gm) ?? []).length;
  const valid = (out.match(/Signature Validation: Signature is Valid\./g) ?? []).length;
  const trusted = (out.match(/Certificate Validation: Certificate is Trusted\./g) ?? []).length;
  return `pdfsig: ${valid}/${total} signatures valid, ${trusted}/${total} certificates trusted`;
}

/** Node's own start, the floor of any command line written in JavaScript. */
export function nodeStartCommand(): Command {
  return { tool: "node -e ''", cmd: process.execPath, args: ['-e', ''] };
}

export interface CliFloorRow {
  input: string;
  nodeStart: CommandTiming;
  verify: CommandTiming;
  pdfsig?: CommandTiming;
}

const fmt = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '-' : n < 10 ? n.toFixed(1) : n.toFixed(0));
const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b <= 0 ? '-' : `${(a / b).toFixed(2)}x`);

/**
 * `docaxis verify` against its floors measured in the same run: Node's start (`node -e ''`) and
 * poppler's pdfsig on the same file. Wall and CPU medians; the targets of issue 9: the letter in at
 * most 100 ms, 50 MB within 2x pdfsig.
 */
export function cliFloorSection(rows: readonly CliFloorRow[]): string {
  const out = [
    '## Command line against its floor',
    '',
    "`docaxis verify` (the sealed file, fixture trust anchors) beside Node's own start (`node -e ''`) and pdfsig on the same file, each a fresh child process, measured in the same run. Wall ms / CPU ms (user + sys of all threads, /usr/bin/time) medians.",
    '',
    "| input | node -e '' | docaxis verify | pdfsig verify | verify / node start (wall, cpu) | verify / pdfsig (wall) | target | met? |",
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const v = r.verify.medianMs;
    const target = r.input === 'letter' ? { text: '<= 100 ms', met: v <= 100 } : r.input === '50mb' && r.pdfsig ? { text: '<= 2x pdfsig', met: v <= 2 * r.pdfsig.medianMs } : undefined;
    out.push(
      `| ${r.input} | ${fmt(r.nodeStart.medianMs)} / ${fmt(r.nodeStart.medianCpuMs)} | ${fmt(v)} / ${fmt(r.verify.medianCpuMs)} | ${r.pdfsig ? `${fmt(r.pdfsig.medianMs)} / ${fmt(r.pdfsig.medianCpuMs)}` : '-'} | ` +
        `${ratio(v, r.nodeStart.medianMs)}, ${ratio(r.verify.medianCpuMs, r.nodeStart.medianCpuMs)} | ${ratio(v, r.pdfsig?.medianMs)} | ${target?.text ?? '(none)'} | ${target ? (target.met ? '**met**' : '**NOT met**') : '-'} |`,
    );
  }
  return `${out.join('\n')}\n`;
}
