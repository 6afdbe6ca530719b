// CPU time per send, on a machine that others share: wall-clock figures are meaningless there, the
// CPU a send costs is not. Starts the exchange server (exchange-server.ts) on a fresh PostgreSQL
// database (BENCH_PG_URL) or PGlite (--pglite), warms it up, then ONE clerk sends N distinct
// letters one after the other, and prints the CPU per send of the server process, of its
// verification workers (child processes) and of PostgreSQL, as medians over R rounds.
// --profile=FILE: V8's CPU profile of the server process over the last round (exchange-profile.ts reads it).
// usage: node dist-bench/bench/exchange-cpu.js [--pglite] [--sends=N] [--rounds=R] [--warmup=W] [--profile=FILE]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { loadLibrary, median, ROOT } from './common.js';
import { buildLetters } from './exchange-letter.js';
import { sendLetters } from './exchange-load.js';

const argv = process.argv.slice(2);
const opt = (name: string, d: number) => Number(argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d);
const pglite = argv.includes('--pglite');
const profile = argv.find((a) => a.startsWith('--profile='))?.slice('--profile='.length);
const SENDS = opt('sends', 60);
const ROUNDS = opt('rounds', 3);
const WARMUP = opt('warmup', 100);
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SENDER = '000.00.00.H54';
const RECIPIENT = '000.00.12.H54';
const log = (s: string) => process.stderr.write(`${s}\n`);

/** CPU time (ms) of every process named postgres on this machine. */
function postgresCpuMs(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks * 10;
}

async function database(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (pglite) {
    const dir = mkdtempSync(join(tmpdir(), 'docaxis-cpu-pglite-'));
    return { env: { DOCAXIS_DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `docaxis_cpu_${randomBytes(6).toString('hex')}`;
  const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    drop: async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end({ timeout: 5 });
    },
  };
}

const lib = await loadLibrary();
const letters = await buildLetters(lib, WARMUP + SENDS * ROUNDS);
const db = await database();
const child = spawn(process.execPath, [join(ROOT, 'dist-bench', 'bench', 'exchange-server.js')], { env: { ...process.env, LOG_LEVEL: 'warn', ...db.env }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
try {
  const hello = await new Promise<{ url: string; users: { role: string; agencyCode: string; token: string }[] }>((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const line = out.split('\n').find((l) => l.startsWith('{"url":'));
      if (line) resolve(JSON.parse(line) as never);
    });
  });
  const token = hello.users.find((u) => u.role === 'clerk' && u.agencyCode === SENDER)!.token;
  let seq = 0;
  const ask = <T>(m: Record<string, unknown>) =>
    new Promise<T>((resolve) => {
      const id = ++seq;
      const on = (r: { id?: number }) => {
        if (r.id !== id) return;
        child.off('message', on);
        resolve(r as T);
      };
      child.on('message', on);
      child.send({ ...m, id });
    });
  const cpu = () => ask<{ cpuMs: number; workersCpuMs: number }>({ cmd: 'cpu' });
  let used = 0;
  const send = async (n: number, prefix: string) => {
    const r = await sendLetters({ url: hello.url, token, recipient: RECIPIENT, pdfs: letters.all.slice(used, (used += n)), senders: 1, perSender: n, numberPrefix: prefix });
    if (r.errors.length) throw new Error(r.errors[0]);
  };
  await send(WARMUP, 'w-');
  const rows: { server: number; workers: number; pg: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (profile && round === ROUNDS - 1) await ask({ cmd: 'profile-start' });
    const c0 = await cpu();
    const p0 = pglite ? 0 : postgresCpuMs();
    await send(SENDS, `r${round}-`);
    const c1 = await cpu();
    const p1 = pglite ? 0 : postgresCpuMs();
    if (profile && round === ROUNDS - 1) await ask({ cmd: 'profile-stop', path: profile });
    const row = { server: (c1.cpuMs - c0.cpuMs) / SENDS, workers: (c1.workersCpuMs - c0.workersCpuMs) / SENDS, pg: (p1 - p0) / SENDS };
    rows.push(row);
    log(`round ${round + 1}: CPU per send: server ${row.server.toFixed(2)} ms + workers ${row.workers.toFixed(2)} ms = ${(row.server + row.workers).toFixed(2)} ms${pglite ? '' : `; PostgreSQL ${row.pg.toFixed(2)} ms`}`);
  }
  const m = (f: (r: (typeof rows)[number]) => number) => median(rows.map(f)).toFixed(2);
  process.stdout.write(`${JSON.stringify({ database: pglite ? 'pglite' : 'postgres', sends: SENDS, rounds: ROUNDS, serverMs: m((r) => r.server), workersMs: m((r) => r.workers), totalMs: m((r) => r.server + r.workers), postgresMs: m((r) => r.pg) })}\n`);
} finally {
  child.send({ cmd: 'stop' });
  await new Promise((resolve) => child.once('exit', resolve));
  await db.drop();
}
