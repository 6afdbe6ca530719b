// `npm start`: configuration from the environment (once), the database (migrated; the demo
// province seeded into an empty one), the axis's receipt key and TSA, the HTTP service, the
// periodic log sealer, and a graceful stop on SIGINT/SIGTERM.
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { installPostgresDriverGuard } from './db/postgres-driver-guard.js';
import { createStores } from './db/create-stores.js';
import { isDocaxisError } from './errors.js';
import { archiveWork } from './exchange/archive.js';
import type { SealKeyOptions } from './exchange/seal-keys.js';
import { startSealTimer } from './exchange/seal-timer.js';
import { startSessionPrune } from './exchange/session-prune.js';
import { DEMO_PASSWORD, seedDemoProvince, type SeededUser } from './exchange/seed-demo.js';
import { buildApp } from './http/app.js';
import { startArchiveJobs } from './jobs/start-archive-jobs.js';
import { WorkerVerifierPool } from './pades/verify-pool.js';
import { loadServiceKeys } from './service-keys.js';

/** Past this, shutdown stops waiting for in-flight requests and exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

/** src/ and dist/ are both one level below the project root, like src/cli/fixtures.ts. */
const FIXTURES_DIR = fileURLToPath(new URL('../certs-fixtures/', import.meta.url));
const FIXTURE_P12_PASSWORD = 'docaxis-test';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
  if (database.kind === 'postgres') installPostgresDriverGuard((m) => process.stderr.write(`warning: ${m}\n`), () => database.replaceConnections());
  await database.migrate();
  const stores = createStores(database);
  const clock = () => new Date();

  const seeded = config.seedDemo ? await seedDemoProvince({ stores, clock }, { fixturesDir: FIXTURES_DIR }) : { seeded: false, users: [] };

  const keys = loadServiceKeys(config, process.env, { path: (name) => FIXTURES_DIR + name, password: FIXTURE_P12_PASSWORD });
  // Always workers: an uploaded PDF is never parsed on the event loop (see verify-pool.ts).
  const verifier = verifierPool(config);
  // Agency seal keys: PINs are read from the variables the bindings name (sealDocument resolves
  // keys through createAgencySealKeys with the same options, plus the demo's fixture keys).
  const sealKeys: SealKeyOptions = { allowedModules: config.pkcs11Modules, env: process.env, ...(keys.sealFixtures ? { fixtures: keys.sealFixtures } : {}) };
  // The archive (exchange/archive.ts): started before the app so that the first accept can queue.
  let log: { error: (o: object, m: string) => void; info: (o: object, m: string) => void } = {
    error: (o, m) => process.stderr.write(`error: ${m} ${JSON.stringify(o)}\n`),
    info: () => undefined,
  };
  const archive = config.archive.enabled
    ? await startArchiveJobs(archiveWork({ stores, clock, verifier }, { timestamper: keys.timestamper, marginDays: config.archive.renewalMarginDays, weakDigests: config.archive.weakDigests }), {
        databaseUrl: config.databaseUrl,
        settings: config.archive,
        onError: (err, documentId) => log.error({ err, documentId }, 'archive job failed; it is retried'),
        onDone: (documentId, outcome) => log.info({ documentId, outcome }, 'archive job done'),
      })
    : undefined;
  const app = buildApp({ stores, config, clock, ping: () => database.ping(), receiptSigner: keys.receiptSigner, timestamper: keys.timestamper, verifier, notifications: database.notifications, sealKeys, ...(archive ? { archive } : {}) });
  log = app.log;
  const sealer =
    config.logSealIntervalSeconds > 0
      ? startSealTimer(
          { stores, clock },
          {
            timestamper: keys.timestamper,
            intervalMs: config.logSealIntervalSeconds * 1000,
            onSeal: (s) => app.log.info({ fromSeq: s.fromSeq, toSeq: s.toSeq }, 'log sealed'),
            onError: (err) => app.log.error({ err }, 'log seal failed; retrying at the next interval'),
          },
        )
      : undefined;
  // Ended sessions and stale sign-in throttle rows are deleted every 15 minutes (session-prune.ts).
  const pruner = startSessionPrune(
    { stores, clock },
    {
      settings: config.sessions,
      intervalMs: 15 * 60_000,
      onPruned: (p) => app.log.info(p, 'ended sessions and stale sign-in throttles pruned'),
      onError: (err) => app.log.error({ err }, 'session prune failed; retrying at the next interval'),
    },
  );
  const address = await app.listen({ port: config.port, host: config.host });
  process.stdout.write(banner(address, config, database, seeded.users));
  for (const w of keys.warnings) process.stdout.write(`WARNING: ${w}\n`);
  // The sealer stops before the database closes (a seal in progress finishes first).
  stopOnSignals(async () => {
    await app.close();
    // Before the verifier and the database it uses: a job in progress finishes (or is resumed later).
    await archive?.close();
    await sealer?.stop();
    await pruner.stop();
    await verifier.close();
  }, database);
}

/** The pool under the configured budgets (bench/exchange-server.ts builds the same). */
function verifierPool(config: Config): WorkerVerifierPool {
  return new WorkerVerifierPool(config.verifyWorkers, { timeoutMs: config.verifyTimeoutSeconds * 1000, memoryMb: config.verifyWorkerMemoryMb, recycleMb: config.verifyWorkerRecycleMb, maxSignatures: config.verifyMaxSignatures });
}

function banner(address: string, config: Config, database: Database, users: SeededUser[]): string {
  const lines = [
    `docaxis exchange axis listening on ${address}`,
    `  Web UI ${address}/  (sign in with a user name below and the demo password)`,
    `  API ${address}/api/v1   OpenAPI ${address}/docs   health ${address}/health`,
    `  PDF verification: ${config.verifyWorkers} worker process(es), ${config.verifyTimeoutSeconds} s and ${config.verifyWorkerMemoryMb} MB per file`,
    `  database: ${database.kind}${database.kind === 'pglite' ? ` (${config.dataDir})` : ''}`,
    `  agency seals: ${config.pkcs11Modules.length > 0 ? `PKCS#11 keys bound by an admin (modules: ${config.pkcs11Modules.join(', ')})` : config.seedDemo ? 'TEST-ONLY fixture keys in this process (no PKCS11_MODULES)' : 'none (set PKCS11_MODULES and bind keys)'}`,
    `  archive: ${config.archive.enabled ? `B-LTA copy of accepted documents, renewed ${config.archive.renewalMarginDays} days before the TSA certificate expires (${database.kind === 'postgres' ? 'pg-boss jobs' : 'in-process jobs'}, sweep every ${config.archive.sweepMinutes} min)` : 'off (ARCHIVE_ENABLED)'}`,
    `  log seals: ${config.logSealIntervalSeconds > 0 ? `every ${config.logSealIntervalSeconds} s` : 'on request only (POST /api/v1/log/seal)'}, TSA ${config.tsaUrl ?? 'built-in (TEST-ONLY)'}`,
  ];
  if (users.length > 0) {
    lines.push('', 'Demo province seeded. DEMO TOKENS — TEST KEYS ONLY (certs-fixtures/ is a public test PKI; never use in production):', '');
    const rows = users.map((u) => [u.role, u.agencyCode, u.username, u.name, u.token]);
    const head = ['role', 'agency', 'sign-in name', 'user', 'token'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const fmt = (r: string[]) => ('  ' + r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).trimEnd();
    lines.push(fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt));
    lines.push('', `  DEMO PASSWORD — TEST-ONLY, the same for every user above: ${DEMO_PASSWORD}`);
    // The drafting flow: a drafter (chuyên viên) uploads and submits to the signer (lãnh đạo), who
    // signs with their own tool; a clerk (văn thư) of the agency then registers, seals and sends.
    for (const u of users.filter((x) => x.role === 'signer' && x.p12)) {
      lines.push(`  signer ${u.username} (${u.agencyCode}) signs a draft submitted to them with their TEST-ONLY fixture key:`);
      lines.push(`    DOCAXIS_TOKEN=${u.token} docaxis sign-draft --server ${address} --draft DRAFT_ID --p12 certs-fixtures/${u.p12}   (password: ${FIXTURE_P12_PASSWORD})`);
    }
    lines.push('  These tokens are shown once; a restart on the same database does not print them again.');
  }
  return lines.join('\n') + '\n';
}

/** Stop accepting, let in-flight requests finish, close the database; force-exit after a timeout. */
function stopOnSignals(closeServer: () => Promise<void>, database: Database): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
    const timer = setTimeout(() => {
      process.stderr.write(`shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms; exiting\n`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    closeServer()
      .then(() => database.close())
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        process.stderr.write(`shutdown failed: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
      });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  // Typed errors (bad configuration, database down) are the operator's to fix: one line, no stack.
  if (isDocaxisError(e)) process.stderr.write(`docaxis: ${e.code}: ${e.message}\n`);
  else process.stderr.write(`docaxis: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
