// Scenario: what B-LT/B-LTA cost over B-T, in one process and one run so the ratio is fair on a
// loaded machine: signing a ~10 MB PDF at B-T and at B-LT (targets: B-LT <= 2x B-T), and verifying
// the B-LTA and B-T results (B-LTA <= 1.5x B-T). The TSA is the in-process fixture TSA (no network
// waits); CRLs are the fixtures'. Measured in CPU time (user + system, process.cpuUsage), median of
// RUNS alternating runs, because wall time on a shared machine says little.
// usage: npx tsx bench/ltv.ts [RUNS]
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeSampleLetter } from '../src/cli/sample-letter.js';
import { joinDocument } from '../src/pades/complete.js';
import { loadFontBytes } from '../src/pades/fonts.js';
import { signPdf, type PadesLevel } from '../src/pades/sign.js';
import { localTimestamper } from '../src/pades/timestamper.js';
import { verifyPdf } from '../src/pades/verify.js';
import { PdfDict, PdfStream } from '../src/pdf/objects.js';
import { PdfReader } from '../src/pdf/reader.js';
import { IncrementalWriter, concatUpdate } from '../src/pdf/writer.js';
import { loadPkcs12Signer } from '../src/pki/key-signer.js';
import { readCertificates, readCrls } from '../src/pki/pem.js';
import { loadPkcs12 } from '../src/pki/pkcs12.js';
import { TimestampAuthority } from '../src/pki/tsa-responder.js';

const FIXTURES = fileURLToPath(new URL('../certs-fixtures/', import.meta.url));
const PASSWORD = 'docaxis-test';
const RUNS = Number(process.argv[2] ?? 9);

const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const signer = loadPkcs12Signer(fixture('signer-nguyen-van-an.p12'), PASSWORD);
const tsaKey = loadPkcs12(fixture('tsa.p12'), PASSWORD);
const timestamper = localTimestamper(new TimestampAuthority({ certificate: tsaKey.certificate, privateKey: tsaKey.privateKey, chain: tsaKey.chain }));
const trustAnchors = readCertificates(fixture('trust-anchors.pem'));
const crls = readCrls(fixture('crls.pem'));

/** The sample letter plus ~10 MB of incompressible data (what a scan is to a signer). */
async function tenMegabytes(): Promise<Uint8Array> {
  const letter = (await makeSampleLetter({ fontBytes: await loadFontBytes() })).pdf;
  const reader = PdfReader.open(letter);
  const writer = new IncrementalWriter(reader);
  writer.set(writer.allocateRef(), new PdfStream(new PdfDict(), randomBytes(10 * 1024 * 1024)));
  return concatUpdate(writer.write());
}

function cpuMs<T>(f: () => T): { value: T; ms: number } {
  const t0 = process.cpuUsage();
  const value = f();
  const d = process.cpuUsage(t0);
  return { value, ms: (d.user + d.system) / 1000 };
}

async function cpuMsAsync<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = process.cpuUsage();
  const value = await f();
  const d = process.cpuUsage(t0);
  return { value, ms: (d.user + d.system) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const input = await tenMegabytes();
const sign = (level: PadesLevel) => signPdf(input, signer, { level, timestamper, ltv: { trustAnchors, crls } });
// Warm-up (modules, JIT, key objects), verification included.
const bT = joinDocument(await sign('B-T'));
const bLta = joinDocument(await sign('B-LTA'));
for (let i = 0; i < 3; i++) for (const d of [bT, bLta]) verifyPdf(d, { trustAnchors });

const times: Record<string, number[]> = { 'sign B-T': [], 'sign B-LT': [], 'verify B-T': [], 'verify B-LTA': [] };
for (let i = 0; i < RUNS; i++) {
  times['sign B-T']!.push((await cpuMsAsync(() => sign('B-T'))).ms);
  times['sign B-LT']!.push((await cpuMsAsync(() => sign('B-LT'))).ms);
  const vt = cpuMs(() => verifyPdf(bT, { trustAnchors }));
  const vlta = cpuMs(() => verifyPdf(bLta, { trustAnchors }));
  if (vt.value.document.verdict !== 'valid' || vlta.value.document.verdict !== 'valid') throw new Error('a benchmark document does not verify');
  times['verify B-T']!.push(vt.ms);
  times['verify B-LTA']!.push(vlta.ms);
}

const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
console.log(`input ${(input.length / 1048576).toFixed(1)} MB, ${RUNS} runs, CPU ms (median, min):`);
for (const [k, v] of Object.entries(m)) console.log(`  ${k.padEnd(14)} ${v!.toFixed(1)}  ${Math.min(...times[k]!).toFixed(1)}`);
console.log(`  sign B-LT / B-T       ${(m['sign B-LT']! / m['sign B-T']!).toFixed(2)}x (target <= 2x)`);
console.log(`  verify B-LTA / B-T    ${(m['verify B-LTA']! / m['verify B-T']!).toFixed(2)}x (target <= 1.5x)`);
