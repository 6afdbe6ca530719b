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
