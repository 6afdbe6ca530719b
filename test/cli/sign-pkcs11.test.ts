// `docaxis sign` with the key on a SoftHSM2 token (--pkcs11-module ...): the signed file passes
// docaxis verify and pdfsig, and the command exits by itself (the PKCS#11 thread does not hold it);
// a wrong PIN is one line with its code and leaves no output file.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyPdf } from '../../src/pades/verify.js';
import { sampleLetter, trustedOptions } from '../support/fixtures.js';
import { fixtureNssDb, pdfsig, tempDir } from '../support/oracles.js';
import { SOFTHSM_MODULE, createSoftHsm, type SoftHsm } from '../support/softhsm.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const BIN = join(ROOT, 'src/cli/bin.ts');
const PIN = '135790';
let hsm: SoftHsm;
let dir: string;
let input: string;

beforeAll(async () => {
  hsm = createSoftHsm();
  hsm.addToken({ label: 'ubnd', pin: PIN, fixture: 'seal-ubnd-thai-binh' });
  dir = tempDir();
  input = join(dir, 'letter.pdf');
  writeFileSync(input, (await sampleLetter()).pdf);
});

function cli(args: string[], env: Record<string, string>) {
  return spawnSync(TSX, [BIN, ...args], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, SOFTHSM2_CONF: hsm.conf, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

const token = ['--pkcs11-module', SOFTHSM_MODULE, '--token-label', 'ubnd', '--key-label', 'seal', '--pin-env', 'TOKEN_PIN'];

describe('docaxis sign --pkcs11-module', () => {
  it('signs on the token; docaxis and pdfsig accept the file; the command exits 0 by itself', () => {
    const out = join(dir, 'signed.pdf');
    const r = cli(['sign', input, '-o', out, ...token, '--visible', '1:330,90,200,110', '--layout', 'text'], { TOKEN_PIN: PIN });
    expect(r.status, r.stderr).toBe(0);
    const signed = readFileSync(out);
    expect(verifyPdf(signed, trustedOptions()).signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED']);
    expect(pdfsig(out, fixtureNssDb()).map((s) => [s.signatureValid, s.certificateTrusted])).toEqual([[true, true]]);
  });

  it('a wrong PIN: exit 2, HSM_PIN_INCORRECT, no output file', () => {
    const out = join(dir, 'wrong-pin.pdf');
    const r = cli(['sign', input, '-o', out, ...token], { TOKEN_PIN: '000000' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^docaxis: HSM_PIN_INCORRECT: /);
    expect(existsSync(out)).toBe(false);
  });

  it('usage: --p12 with --pkcs11-module, a missing key label, no PIN source without a terminal', () => {
    const out = join(dir, 'usage.pdf');
    expect(cli(['sign', input, '-o', out, ...token, '--p12', 'x.p12'], {}).stderr).toMatch(/USAGE: .*--p12 and --pkcs11-module exclude each other/);
    expect(cli(['sign', input, '-o', out, '--pkcs11-module', SOFTHSM_MODULE, '--token-label', 'ubnd'], {}).stderr).toMatch(/USAGE: .*missing --key-label/);
    expect(cli(['sign', input, '-o', out, '--pkcs11-module', SOFTHSM_MODULE, '--token-label', 'ubnd', '--key-label', 'seal'], {}).stderr).toMatch(/USAGE: .*no terminal to ask the PIN/);
    expect(existsSync(out)).toBe(false);
  });
});
