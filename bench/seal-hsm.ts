// Seal benchmark (npm run bench:seal): sealing a ~300 KB letter with the agency key in SoftHSM2
// (PKCS#11, on the module's own thread) against the same seal with the key in this process (the
// floor), measured in the same run, interleaved so both see the same machine load. Target: the
// HSM seal costs at most 2x the in-process one. Reported: the median of sequential seals, p50/p99
// of the latency of 20 concurrent seals, and CPU time per seal (process.cpuUsage, every thread),
// which a loaded machine disturbs less than wall time.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PASSWORD, ROOT, SEAL_CERT, SEAL_KEY, SEAL_P12, fixture, loadLibrary, median } from './common.js';
import { buildLetters } from './exchange-letter.js';

const MODULE = process.env.PKCS11_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';
const CONCURRENCY = 20;
const ROUNDS = 3;
const SEQUENTIAL = 15;
const PIN = '123456';

type Signer = Parameters<Awaited<ReturnType<typeof loadLibrary>>['signPdf']>[1];

/** A SoftHSM2 token in a temp folder holding the province seal key, its certificate and the issuing CA. */
function makeToken(): void {
  const dir = mkdtempSync(join(tmpdir(), 'docaxis-bench-hsm-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf; // before the module is initialised (first PKCS#11 call)
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  run('softhsm2-util', ['--init-token', '--free', '--label', 'bench', '--so-pin', '87654321', '--pin', PIN]);
  run('softhsm2-util', ['--import', SEAL_KEY, '--token', 'bench', '--label', 'seal', '--id', '01', '--pin', PIN]);
  for (const [pem, id] of [[SEAL_CERT, '01'], [fixture('intermediate-ca.cert.pem'), 'ca01']] as const) {
    const der = join(dir, `${id}.der`);
    run('openssl', ['x509', '-in', pem, '-outform', 'DER', '-out', der]);
    run('pkcs11-tool', ['--module', MODULE, '--token-label', 'bench', '--login', '--pin', PIN, '--write-object', der, '--type', 'cert', '--id', id]);
  }
}

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

async function main(): Promise<void> {
  makeToken();
  const lib = await loadLibrary();
  const { openPkcs11Signer } = (await import(pathToFileURL(join(ROOT, 'dist', 'pki', 'pkcs11-signer.js')).href)) as typeof import('../src/pki/pkcs11-signer.js');
  const { sharedPkcs11Host } = (await import(pathToFileURL(join(ROOT, 'dist', 'pki', 'pkcs11-host.js')).href)) as typeof import('../src/pki/pkcs11-host.js');
  const letter = (await buildLetters(lib, 1)).first.bytes;

  const inProcess: Signer = lib.loadPkcs12Signer(readFileSync(SEAL_P12), PASSWORD);
  const hsm = await openPkcs11Signer({ modulePath: MODULE, tokenLabel: 'bench', keyLabel: 'seal', pin: PIN });
  const modes: Array<[string, Signer]> = [
    ['in-process', inProcess],
    ['softhsm2', hsm],
  ];
  const seal = async (signer: Signer) => lib.joinDocument(await lib.signPdf(letter, signer, { fieldName: 'DauCoQuan', signingTime: new Date() }));
  for (const [, s] of modes) for (let i = 0; i < 3; i++) await seal(s); // warm-up

  const seq: Record<string, number[]> = { 'in-process': [], softhsm2: [] };
  const conc: Record<string, number[]> = { 'in-process': [], softhsm2: [] };
  const cpu: Record<string, { us: number; seals: number }> = { 'in-process': { us: 0, seals: 0 }, softhsm2: { us: 0, seals: 0 } };
  const measureCpu = async (mode: string, n: number, fn: () => Promise<void>) => {
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    cpu[mode]!.us += c.user + c.system;
    cpu[mode]!.seals += n;
  };
  for (let i = 0; i < SEQUENTIAL; i++) {
    for (const [mode, s] of modes) {
      await measureCpu(mode, 1, async () => {
        const t0 = performance.now();
        await seal(s);
        seq[mode]!.push(performance.now() - t0);
      });
    }
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const [mode, s] of modes) {
      await measureCpu(mode, CONCURRENCY, async () => {
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            await seal(s);
            conc[mode]!.push(performance.now() - t0);
          }),
        );
      });
    }
  }
  await hsm.close();
  await sharedPkcs11Host().shutdown();

  const row = (mode: string) => ({
    mode,
    sequentialMedianMs: +median(seq[mode]!).toFixed(1),
    concurrentP50Ms: +percentile(conc[mode]!, 50).toFixed(1),
    concurrentP99Ms: +percentile(conc[mode]!, 99).toFixed(1),
    cpuMsPerSeal: +(cpu[mode]!.us / 1000 / cpu[mode]!.seals).toFixed(1),
  });
  const a = row('in-process');
  const b = row('softhsm2');
  const ratio = (k: keyof typeof a) => +((b[k] as number) / (a[k] as number)).toFixed(2);
  const ratios = { sequentialMedian: ratio('sequentialMedianMs'), concurrentP50: ratio('concurrentP50Ms'), concurrentP99: ratio('concurrentP99Ms'), cpuPerSeal: ratio('cpuMsPerSeal') };
  process.stdout.write(`seal benchmark: a ${(letter.length / 1024).toFixed(0)} KB letter, ${SEQUENTIAL} sequential seals and ${ROUNDS} rounds of ${CONCURRENCY} concurrent seals per key, interleaved\n`);
  console.table([a, b]);
  process.stdout.write(`softhsm2 / in-process: ${JSON.stringify(ratios)}\n`);
  const worst = Math.max(ratios.sequentialMedian, ratios.concurrentP50, ratios.cpuPerSeal);
  process.stdout.write(`target (HSM seal at most 2x the in-process seal: sequential median, concurrent p50, CPU per seal): ${worst <= 2 ? 'met' : 'NOT met'} (worst ${worst})\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
