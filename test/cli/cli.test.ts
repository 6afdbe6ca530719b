// The `docaxis` command: exit codes, the --json report shape, one-line errors with stable codes,
// no half-written output, and the TSA subcommand over a real socket.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { requestTimestamp } from '../../src/pki/tsa-client.js';
import { inspectTimestampToken } from '../../src/pki/timestamp.js';
import { FIXTURES_DIR, P12_PASSWORD, sampleLetter } from '../support/fixtures.js';
import { tempDir } from '../support/oracles.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const BIN = join(ROOT, 'src/cli/bin.ts');

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const out = new Capture();
  const err = new Capture();
  const code = await main(args, out, err, { PW: P12_PASSWORD, ...env });
  return { code, out: out.text, err: err.text };
}

const trust = ['--trust', `${FIXTURES_DIR}trust-anchors.pem`, '--intermediate', `${FIXTURES_DIR}intermediates.pem`, '--crl', `${FIXTURES_DIR}crls.pem`];
let dir: string;
let unsigned: string;
let signed: string;

beforeAll(async () => {
  dir = tempDir();
  unsigned = join(dir, 'letter.pdf');
  writeFileSync(unsigned, (await sampleLetter()).pdf);
  signed = join(dir, 'signed.pdf');
  const r = await run(['sign', unsigned, '-o', signed, '--p12', `${FIXTURES_DIR}signer-nguyen-van-an.p12`, '--password-env', 'PW', '--visible', '1:330,305,200,100', '--image', `${FIXTURES_DIR}images/handwritten-nguyen-van-an.png`, '--field', 'ChuTich']);
  expect(r, r.err).toMatchObject({ code: 0 });
});

describe('docaxis verify', () => {
  it('exits 0 on a valid document and prints a readable report', async () => {
    const r = await run(['verify', signed, ...trust]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/VALID/);
    expect(r.out).toMatch(/Nguyễn Văn An \(Chủ tịch\)/);
  });

  it('prints the documented JSON report with --json', async () => {
    const r = await run(['verify', signed, ...trust, '--json']);
    const report = JSON.parse(r.out);
    expect(report.document).toMatchObject({ verdict: 'valid', indication: 'TOTAL_PASSED', subIndication: null });
    const [sig] = report.signatures;
    for (const key of ['indication', 'subIndication', 'modifiedAfterSigning', 'modifications', 'coverage', 'signer', 'times', 'chain', 'errors', 'warnings']) {
      expect(sig).toHaveProperty(key);
    }
    expect(sig.coverage.kind).toBe('entire-file');
  });

  it('exits 1 without trust anchors (deny by default) and on a document with no signature', async () => {
    const untrusted = await run(['verify', signed, '--json']);
    expect(untrusted.code).toBe(1);
    expect(JSON.parse(untrusted.out).signatures[0].subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
    const none = await run(['verify', unsigned, '--json']);
    expect(none.code).toBe(1);
    expect(JSON.parse(none.out).document.verdict).toBe('no-signatures');
  });

  it('exits 2 with one line and a stable code on bad input and bad usage', async () => {
    const notPdf = join(dir, 'not.pdf');
    writeFileSync(notPdf, 'hello, this is not a PDF');
    const cases: Array<[string[], RegExp]> = [
      [['verify', notPdf], /^docaxis: PDF_NOT_PDF: /],
      [['verify', join(dir, 'missing.pdf')], /^docaxis: FILE_UNREADABLE: /],
      [['verify', signed, '--frobnicate'], /^docaxis: USAGE: /],
      [['verify', signed, '--at', 'yesterday'], /^docaxis: USAGE: /],
      [['nonsense'], /^docaxis: USAGE: unknown command/],
      [['verify', signed, '--json'], /^docaxis: PDF_TOO_LARGE: .*the limit is 1000 /],
    ];
    for (const [args, pattern] of cases) {
      const r = await run(args, pattern.source.includes('TOO_LARGE') ? { DOCAXIS_MAX_PDF_BYTES: '1000' } : {});
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(pattern);
      expect(r.err).not.toMatch(/^\s+at /m);
    }
  });

  it('the real executable prints no stack trace on a truncated PDF', () => {
    const truncated = join(dir, 'truncated.pdf');
    writeFileSync(truncated, readFileSync(signed).subarray(0, 5000));
    const r = spawnSync(TSX, [BIN, 'verify', truncated], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^docaxis: PDF_/);
  });
});

describe('docaxis sign', () => {
  it('adds the agency seal over the signer and the result verifies', async () => {
    const sealed = join(dir, 'sealed.pdf');
    const r = await run(['sign', signed, '-o', sealed, '--p12', `${FIXTURES_DIR}seal-ubnd-thai-binh.p12`, '--password-env', 'PW', '--over', 'ChuTich', '--image', `${FIXTURES_DIR}images/seal-ubnd-thai-binh.png`]);
    expect(r.code, r.err).toBe(0);
    const v = await run(['verify', sealed, ...trust, '--json']);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.out).signatures).toHaveLength(2);
  });

  it('refuses a wrong password, a missing variable and an expired certificate, writing nothing', async () => {
    const out = join(dir, 'never.pdf');
    const base = ['sign', unsigned, '-o', out, '--password-env', 'PW'];
    expect((await run([...base, '--p12', `${FIXTURES_DIR}signer-nguyen-van-an.p12`], { PW: 'wrong' })).err).toMatch(/^docaxis: PKCS12_BAD_PASSWORD/);
    expect((await run(['sign', unsigned, '-o', out, '--p12', `${FIXTURES_DIR}signer-nguyen-van-an.p12`, '--password-env', 'NOPE'])).err).toMatch(/^docaxis: ENV_VAR_MISSING/);
    expect((await run([...base, '--p12', `${FIXTURES_DIR}neg-expired.p12`])).err).toMatch(/^docaxis: SIGNER_CERT_INVALID/);
    expect((await run([...base, '--p12', `${FIXTURES_DIR}signer-nguyen-van-an.p12`, '--level', 'B-T'])).err).toMatch(/^docaxis: USAGE: .*--level B-T needs --tsa/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('docaxis inspect and tsa', () => {
  it('inspect lists revisions, fields and signatures', async () => {
    const r = await run(['inspect', signed, '--json']);
    const info = JSON.parse(r.out);
    expect(info.revisions).toHaveLength(2);
    expect(info.signatures[0]).toMatchObject({ field: 'ChuTich', type: 'signature', subFilter: 'ETSI.CAdES.detached' });
  });

  it('tsa serves RFC 3161 over HTTP and stops cleanly on SIGTERM', async () => {
    const child = spawn(TSX, [BIN, 'tsa', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const m = /listening on (\S+)/.exec(buf);
        if (m?.[1]) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`tsa exited ${code}`)));
    });
    const token = await requestTimestamp(url, { data: Buffer.from('docaxis'), digest: 'sha256' });
    expect(inspectTimestampToken(token).genTime.getTime()).toBeGreaterThan(Date.now() - 60_000);
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
