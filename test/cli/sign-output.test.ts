// `docaxis sign` writes the unchanged input into the temp output while it signs: a signing that
// fails must still leave neither the output nor a temp file, and its error must come before an
// unwritable output's (it says more).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { FIXTURES_DIR, P12_PASSWORD, sampleLetter, trustedOptions } from '../support/fixtures.js';
import { tempDir } from '../support/oracles.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

async function run(args: string[]): Promise<{ code: number; err: string }> {
  const err = new Capture();
  const code = await main(args, new Capture(), err, { PW: P12_PASSWORD });
  return { code, err: err.text };
}

const p12 = ['--p12', `${FIXTURES_DIR}seal-ubnd-thai-binh.p12`, '--password-env', 'PW'];

describe('docaxis sign output', () => {
  it('leaves no output and no temp file when signing fails after the output was opened', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.pdf');
    writeFileSync(bad, `%PDF-1.7\n${'x'.repeat(50_000)}`);
    const out = join(dir, 'out.pdf');
    const r = await run(['sign', bad, '-o', out, ...p12]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^docaxis: PDF_/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual(['bad.pdf']);
  });

  it('reports the PDF error, not the unwritable output, when both are wrong', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.pdf');
    writeFileSync(bad, 'not a pdf at all');
    const r = await run(['sign', bad, '-o', join(dir, 'missing-folder', 'out.pdf'), ...p12]);
    expect(r.err).toMatch(/^docaxis: PDF_NOT_PDF/);
  });

  it('reports FILE_UNWRITABLE for a good PDF and an unwritable output', async () => {
    const dir = tempDir();
    const input = join(dir, 'letter.pdf');
    writeFileSync(input, (await sampleLetter()).pdf);
    const r = await run(['sign', input, '-o', join(dir, 'missing-folder', 'out.pdf'), ...p12]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^docaxis: FILE_UNWRITABLE/);
    expect(readdirSync(dir)).toEqual(['letter.pdf']);
  });

  it('writes the input unchanged followed by the signed revision, for each digest', async () => {
    const dir = tempDir();
    const input = join(dir, 'letter.pdf');
    const original = (await sampleLetter()).pdf;
    writeFileSync(input, original);
    for (const digest of ['sha256', 'sha512']) {
      const out = join(dir, `signed-${digest}.pdf`);
      const r = await run(['sign', input, '-o', out, ...p12, '--digest', digest]);
      expect(r.code, r.err).toBe(0);
      const signed = readFileSync(out);
      expect(Buffer.from(signed.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
      const report = verifyPdf(signed, trustedOptions());
      expect(report.document.verdict).toBe('valid');
      expect(report.signatures[0]!.digestAlgorithm).toBe(digest);
    }
    expect(readdirSync(dir).sort()).toEqual(['letter.pdf', 'signed-sha256.pdf', 'signed-sha512.pdf']);
  });
});
