// Shared by the benchmark scenarios: paths, the library (loaded from the compiled dist/, typed from
// src/), the fixtures, timing and statistics. Every scenario file runs in its own child process.
import { createCipheriv } from 'node:crypto';
import { readFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

/** dist-bench/bench/common.js -> project root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const OUT = join(ROOT, 'bench', 'out');
export const INPUTS = join(OUT, 'inputs');
export const FIXTURES = join(ROOT, 'certs-fixtures');
export const PASSWORD = 'docaxis-test';
export const SEAL_P12 = join(FIXTURES, 'seal-ubnd-thai-binh.p12');
export const SEAL_KEY = join(FIXTURES, 'seal-ubnd-thai-binh.key.pem');
export const SEAL_CERT = join(FIXTURES, 'seal-ubnd-thai-binh.cert.pem');
export const CHAIRMAN_P12 = join(FIXTURES, 'signer-nguyen-van-an.p12');
export const CLI = join(ROOT, 'dist', 'cli', 'bin.js');

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

export function scratch(name: string): string {
  mkdirSync(join(OUT, 'scratch'), { recursive: true });
  return join(OUT, 'scratch', name);
}

async function dist<T>(path: string): Promise<T> {
  return (await import(pathToFileURL(join(ROOT, 'dist', path)).href)) as T;
}

/** The signing half of the library as users run it: the tsc output in dist/ (npm run build). */
export async function loadSigning() {
  const [sign, keySigner, complete] = await Promise.all([
    dist<typeof import('../src/pades/sign.js')>('pades/sign.js'),
    dist<typeof import('../src/pki/key-signer.js')>('pki/key-signer.js'),
    dist<typeof import('../src/pades/complete.js')>('pades/complete.js'),
  ]);
  return { signPdf: sign.signPdf, loadPkcs12Signer: keySigner.loadPkcs12Signer, joinDocument: complete.joinDocument };
}

/** The verifying half only (what `docaxis verify` loads). */
export async function loadVerifying() {
  const [verify, pem, cache] = await Promise.all([
    dist<typeof import('../src/pades/verify.js')>('pades/verify.js'),
    dist<typeof import('../src/pki/pem.js')>('pki/pem.js'),
    dist<typeof import('../src/pki/certificate-cache.js')>('pki/certificate-cache.js'),
  ]);
  return { verifyPdf: verify.verifyPdf, readCertificates: pem.readCertificates, readCrls: pem.readCrls, CertificateCache: cache.CertificateCache };
}

/** Everything, for building the inputs. */
export async function loadLibrary() {
  const [signing, verifying, sample, fonts] = await Promise.all([
    loadSigning(),
    loadVerifying(),
    dist<typeof import('../src/cli/sample-letter.js')>('cli/sample-letter.js'),
    dist<typeof import('../src/pades/fonts.js')>('pades/fonts.js'),
  ]);
  return { ...signing, ...verifying, makeSampleLetter: sample.makeSampleLetter, loadFontBytes: fonts.loadFontBytes };
}
export type Library = Awaited<ReturnType<typeof loadLibrary>>;

/**
 * Verification context: the fixture PKI's anchors, intermediates and CRLs, loaded once as a
 * long-running service would (trust store parsed once; each document's own certificates are
 * still parsed per verification).
 */
export function verifyContext(lib: Awaited<ReturnType<typeof loadVerifying>>) {
  const store = {
    trustAnchors: lib.readCertificates(readFileSync(fixture('trust-anchors.pem'))),
    intermediates: lib.readCertificates(readFileSync(fixture('intermediates.pem'))),
    crls: lib.readCrls(readFileSync(fixture('crls.pem'))),
  };
  return { ...store, trustStoreCache: lib.CertificateCache.forTrustStore(store) };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export const now = (): number => performance.now();

/** What a scenario child prints (one JSON line on stdout). */
export interface ScenarioResult {
  scenario: string;
  file: string;
  runs: number;
  /** Per-run milliseconds of each named part ("total" is the whole operation). */
  samples: Record<string, number[]>;
  /** Peak RSS of this child after the runs (VmHWM), MB. */
  maxRssMB: number;
  /** RSS after loading the modules and the fixtures, before the first run, MB. */
  baselineRssMB: number;
  note?: string;
}

export interface ScenarioArgs {
  file: string;
  runs: number;
  warmup: number;
}

export function scenarioArgs(argv: readonly string[]): ScenarioArgs {
  const [file, runs = '7', warmup = '2'] = argv;
  if (!file) throw new Error('usage: node --expose-gc dist-bench/bench/<scenario>.js FILE [RUNS] [WARMUP]');
  return { file, runs: Number(runs), warmup: Number(warmup) };
}

/** Runs `op` warmup + runs times (gc between runs) and prints the ScenarioResult line. */
export async function runScenario(
  scenario: string,
  args: ScenarioArgs,
  op: () => Promise<Record<string, number>> | Record<string, number>,
  note?: () => string,
): Promise<void> {
  gc();
  const baselineRssMB = process.memoryUsage().rss / 2 ** 20;
  const samples: Record<string, number[]> = {};
  for (let i = 0; i < args.warmup + args.runs; i++) {
    gc();
    const parts = await op();
    if (i < args.warmup) continue;
    for (const [k, v] of Object.entries(parts)) (samples[k] ??= []).push(v);
  }
  const result: ScenarioResult = {
    scenario,
    file: args.file,
    runs: args.runs,
    samples,
    maxRssMB: peakRssMB(),
    baselineRssMB,
    ...(note ? { note: note() } : {}),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * Peak resident set of this process, MB. Not process.resourceUsage().maxRSS: Linux keeps ru_maxrss
 * across execve, so a child spawned by the (large) bench runner would report the runner's peak.
 * VmHWM belongs to the address space, which exec replaces.
 */
export function peakRssMB(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m?.[1]) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** Deterministic incompressible bytes: stands in for a scanned page's image data. */
export function noise(length: number, seed = 0): Uint8Array {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(seed, 0);
  return createCipheriv('aes-128-ctr', Buffer.alloc(16, 0x5a), iv).update(Buffer.alloc(length));
}

/** The Decree 30 pair of keys: the province chairman (with his handwriting) and the province seal. */
export function decree30Signers(lib: Library) {
  return {
    chairman: lib.loadPkcs12Signer(readFileSync(CHAIRMAN_P12), PASSWORD),
    seal: lib.loadPkcs12Signer(readFileSync(SEAL_P12), PASSWORD),
    handwriting: readFileSync(fixture('images/handwritten-nguyen-van-an.png')),
  };
}

/** The chairman's visible signature, then the province seal over it; both B-B. */
export async function signDecree30(lib: Library, signers: ReturnType<typeof decree30Signers>, pdf: Uint8Array, fontBytes: Uint8Array): Promise<{ chairman: Uint8Array; sealed: Uint8Array }> {
  const chairman = lib.joinDocument(
    await lib.signPdf(pdf, signers.chairman, {
      level: 'B-B',
      fieldName: 'ChuTich',
      reason: 'Ký ban hành văn bản',
      name: 'Nguyễn Văn An',
      visible: { placement: { kind: 'rect', page: 1, x: 330, y: 305, width: 200, height: 100 }, layout: 'signer', lines: ['Chủ tịch', 'Nguyễn Văn An'], image: signers.handwriting, fontBytes },
    }),
  );
  const sealed = lib.joinDocument(await lib.signPdf(chairman, signers.seal, { level: 'B-B', fieldName: 'VanThu', reason: 'Văn thư ký số của cơ quan', name: 'Ủy ban nhân dân tỉnh Thái Bình' }));
  return { chairman, sealed };
}
