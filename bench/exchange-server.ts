// The exchange benchmark's server: `node dist/main.js` with what a benchmark needs instead of a
// banner. It runs the compiled library (dist/), as users do: opens the database (PGlite in the
// given data dir, or DATABASE_URL), migrates, seeds the demo province from the CURRENT fixtures,
// listens on 127.0.0.1:0 with LOG_LEVEL=warn, and prints ONE JSON line on stdout:
//   { "url": "http://127.0.0.1:PORT", "users": [{ role, agencyCode, token, ... }], "database": "pglite" }
// Over IPC it answers { cmd: 'cpu' } with its CPU time so far (the cost of the requests) and its
// verification workers' (child processes: not in process.cpuUsage);
// { cmd: 'profile-start' } / { cmd: 'profile-stop', path } run V8's CPU profiler (what
// `node --cpu-prof` runs) over just the load window and write the .cpuprofile to `path`; on SIGTERM
// or { cmd: 'stop' } it closes the server and the database and exits 0.
// usage: node dist-bench/bench/exchange-server.js   (env: DATABASE_URL or DOCAXIS_DATA_DIR)
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './common.js';

async function dist<T>(path: string): Promise<T> {
  return (await import(pathToFileURL(join(ROOT, 'dist', path)).href)) as T;
}

const [{ loadConfig }, { openDatabase }, { createStores }, { seedDemoProvince }, { buildApp }, { loadServiceKeys }, { WorkerVerifierPool }] = await Promise.all([
  dist<typeof import('../src/config.js')>('config.js'),
  dist<typeof import('../src/db/client.js')>('db/client.js'),
  dist<typeof import('../src/db/create-stores.js')>('db/create-stores.js'),
  dist<typeof import('../src/exchange/seed-demo.js')>('exchange/seed-demo.js'),
  dist<typeof import('../src/http/app.js')>('http/app.js'),
  dist<typeof import('../src/service-keys.js')>('service-keys.js'),
  dist<typeof import('../src/pades/verify-pool.js')>('pades/verify-pool.js'),
]);

const config = loadConfig({ ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', DOCAXIS_SEED_DEMO: 'true' });
const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
await database.migrate();
const stores = createStores(database);
const clock = () => new Date();
const seeded = await seedDemoProvince({ stores, clock }, { fixturesDir: join(ROOT, 'certs-fixtures') });
// As main.ts: the axis's receipt key (the TEST-ONLY fixture in demo mode) signs every event's
// receipt, and PDFs are verified on config.verifyWorkers worker threads under its budgets.
const fixturesDir = join(ROOT, 'certs-fixtures');
const keys = loadServiceKeys(config, process.env, { path: (name) => join(fixturesDir, name), password: 'docaxis-test' });
const verifier = new WorkerVerifierPool(config.verifyWorkers, { timeoutMs: config.verifyTimeoutSeconds * 1000, memoryMb: config.verifyWorkerMemoryMb, recycleMb: config.verifyWorkerRecycleMb });
const app = buildApp({ stores, config, clock, ping: () => database.ping(), receiptSigner: keys.receiptSigner, verifier });
const url = await app.listen({ port: config.port, host: config.host });
const cpuAtListen = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ url, users: seeded.users, database: database.kind })}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await app.close();
  await verifier.close();
  await database.close();
  process.exit(0);
}

const session = new Session();

async function profiler(m: { cmd?: string; path?: string }): Promise<void> {
  if (m.cmd === 'profile-start') {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
  } else {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(m.path!, JSON.stringify(profile));
    session.disconnect();
  }
}

/**
 * CPU time (ms) of the verification workers: the live child processes' own, plus what the kernel
 * credits this process for the children it has reaped (replaced workers). Linux only; 0 elsewhere.
 */
function workersCpuMs(): number {
  const ticksOf = (stat: string, from: number, count: number) =>
    stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .slice(from, from + count)
      .reduce((a, b) => a + Number(b), 0);
  try {
    let ticks = ticksOf(readFileSync('/proc/self/stat', 'latin1'), 13, 2); // cutime, cstime (fields 16, 17)
    for (const pid of readFileSync(`/proc/self/task/${process.pid}/children`, 'latin1').split(' ').filter(Boolean)) {
      try {
        ticks += ticksOf(readFileSync(`/proc/${pid}/stat`, 'latin1'), 11, 2); // utime, stime (fields 14, 15)
      } catch {
        // exited meanwhile: counted in cutime once reaped
      }
    }
    return ticks * 10; // USER_HZ = 100
  } catch {
    return 0;
  }
}
const workersAtListen = workersCpuMs();

process.on('message', (m: { cmd?: string; id?: number; path?: string }) => {
  if (m.cmd === 'cpu') {
    const u = process.cpuUsage(cpuAtListen);
    process.send?.({ id: m.id, cpuMs: (u.user + u.system) / 1000, workersCpuMs: workersCpuMs() - workersAtListen, rssMB: process.memoryUsage().rss / 2 ** 20 });
  } else if (m.cmd === 'profile-start' || m.cmd === 'profile-stop') {
    profiler(m).then(
      () => process.send?.({ id: m.id, ok: true }),
      (e: unknown) => process.send?.({ id: m.id, error: String(e) }),
    );
  } else if (m.cmd === 'stop') void stop();
});
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
