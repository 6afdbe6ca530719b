// `docaxis sign --level B-LT|B-LTA` and `docaxis extend`: the flags, the files they write (read
// back by our verifier with the embedded data only, and by qpdf), and the usage errors.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { startTsaServer, type TsaServer } from '../../src/http/tsa-server.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { loadPkcs12 } from '../../src/pki/pkcs12.js';
import { readCertificates } from '../../src/pki/pem.js';
import { TimestampAuthority } from '../../src/pki/tsa-responder.js';
import { readFileSync } from 'node:fs';
import { FIXTURES_DIR, P12_PASSWORD, fixture, sampleLetter } from '../support/fixtures.js';
import { hasTool, qpdfCheck, tempDir } from '../support/oracles.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new Capture();
  const err = new Capture();
  const code = await main(args, out, err, { PW: P12_PASSWORD });
  return { code, out: out.text, err: err.text };
}

const ltvFlags = ['--trust', `${FIXTURES_DIR}trust-anchors.pem`, '--crl', `${FIXTURES_DIR}root-ca.crl.pem`, '--crl', `${FIXTURES_DIR}intermediate-ca.crl.pem`];
const signFlags = ['--p12', `${FIXTURES_DIR}signer-tran-thi-binh.p12`, '--password-env', 'PW'];
const anchors = () => ({ trustAnchors: readCertificates(fixture('trust-anchors.pem')), requireRevocation: true });
let dir: string;
let unsigned: string;
let tsa: TsaServer;

beforeAll(async () => {
  dir = tempDir();
  unsigned = join(dir, 'letter.pdf');
  writeFileSync(unsigned, (await sampleLetter()).pdf);
  const k = loadPkcs12(fixture('tsa.p12'), P12_PASSWORD);
  tsa = await startTsaServer(new TimestampAuthority({ certificate: k.certificate, privateKey: k.privateKey, chain: k.chain }), { port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await tsa?.close();
});

describe('docaxis sign --level B-LT|B-LTA', () => {
  for (const level of ['B-LT', 'B-LTA'] as const) {
    it(`${level}: valid with the embedded revocation data only; qpdf clean`, async () => {
      const out = join(dir, `${level}.pdf`);
      const r = await run(['sign', unsigned, '-o', out, ...signFlags, '--level', level, '--tsa', tsa.url, ...ltvFlags]);
      expect(r, r.err).toMatchObject({ code: 0 });
      expect(r.out).toMatch(new RegExp(`PAdES ${level}`));
      const report = verifyPdf(readFileSync(out), anchors());
      expect(report.signatures.map((s) => s.type)).toEqual(level === 'B-LT' ? ['signature'] : ['signature', 'document-timestamp']);
      expect(report.document.verdict).toBe('valid');
      if (hasTool('qpdf')) expect(qpdfCheck(out).ok).toBe(true);
    });
  }

  it('B-LT without --tsa is a usage error', async () => {
    const r = await run(['sign', unsigned, '-o', join(dir, 'x.pdf'), ...signFlags, '--level', 'B-LT']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^docaxis: USAGE: .*--level B-LT needs --tsa/);
  });
});

describe('docaxis extend', () => {
  it('extends a B-T file to B-LTA; without CRLs it warns which certificates stay uncovered', async () => {
    const bt = join(dir, 'bt.pdf');
    expect((await run(['sign', unsigned, '-o', bt, ...signFlags, '--level', 'B-T', '--tsa', tsa.url])).code).toBe(0);
    const bare = await run(['extend', bt, '-o', join(dir, 'bare.pdf'), '--level', 'B-LT', '--trust', `${FIXTURES_DIR}trust-anchors.pem`]);
    expect(bare.code).toBe(0);
    expect(bare.out).toMatch(/warning: .*no CRL or OCSP response covers/);
    const lta = join(dir, 'extended-lta.pdf');
    const r = await run(['extend', bt, '-o', lta, '--level', 'B-LTA', '--tsa', tsa.url, ...ltvFlags]);
    expect(r, r.err).toMatchObject({ code: 0 });
    expect(r.out).not.toMatch(/warning/);
    expect(verifyPdf(readFileSync(lta), anchors()).document.verdict).toBe('valid');
  });

  it('refuses bad usage and unsigned input with stable codes', async () => {
    expect((await run(['extend', unsigned, '-o', join(dir, 'y.pdf'), '--level', 'B-B'])).err).toMatch(/^docaxis: USAGE: .*--level must be B-LT or B-LTA/);
    expect((await run(['extend', unsigned, '-o', join(dir, 'y.pdf'), '--level', 'B-LTA'])).err).toMatch(/^docaxis: USAGE: .*--level B-LTA needs --tsa/);
    const r = await run(['extend', unsigned, '-o', join(dir, 'y.pdf'), '--level', 'B-LT']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^docaxis: LTV_NO_SIGNATURE: /);
  });
});
