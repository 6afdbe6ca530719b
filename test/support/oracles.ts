// Independent tools as oracles: poppler's pdfsig, qpdf and NSS's certutil/pk12util.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES_DIR } from './fixtures.js';

export function tempDir(prefix = 'docaxis-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeTemp(dir: string, name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** An NSS database trusting the fixture root (and knowing the intermediate), for pdfsig. */
export function fixtureNssDb(): string {
  const dir = tempDir('docaxis-nss-');
  execFileSync('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
  execFileSync('certutil', ['-A', '-d', `sql:${dir}`, '-n', 'docaxis-test-root', '-t', 'CT,C,C', '-a', '-i', `${FIXTURES_DIR}root-ca.cert.pem`]);
  execFileSync('certutil', ['-A', '-d', `sql:${dir}`, '-n', 'docaxis-test-intermediate', '-t', ',,', '-a', '-i', `${FIXTURES_DIR}intermediate-ca.cert.pem`]);
  return dir;
}

export interface PdfsigSignature {
  field: string;
  signatureValid: boolean;
  certificateTrusted: boolean;
  totalDocumentSigned: boolean;
  validation: string;
  certificate: string;
}

/** Runs pdfsig (without -no-ocsp: poppler 22 reports "Unknown issue" for trusted chains with it). */
export function pdfsig(file: string, nssDir: string): PdfsigSignature[] {
  const r = spawnSync('pdfsig', ['-nssdir', `sql:${nssDir}`, file], { encoding: 'utf8' });
  const text = `${r.stdout}`;
  const blocks = text.split(/^Signature #\d+:$/m).slice(1);
  return blocks.map((b) => {
    const get = (label: string) => new RegExp(`- ${label}: (.*)$`, 'm').exec(b)?.[1]?.trim() ?? '';
    return {
      field: get('Signature Field Name'),
      validation: get('Signature Validation'),
      certificate: get('Certificate Validation'),
      signatureValid: get('Signature Validation') === 'Signature is Valid.',
      certificateTrusted: get('Certificate Validation') === 'Certificate is Trusted.',
      totalDocumentSigned: /Total document signed/.test(b) && !/Not total document signed/.test(b),
    };
  });
}

/** qpdf --check: exit 0 (clean) or 3 (warnings) are acceptable only when clean is asked. */
export function qpdfCheck(file: string): { ok: boolean; output: string } {
  const r = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}
