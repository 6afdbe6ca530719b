// `docaxis verify --ocsp / --fetch-revocation` and `docaxis ocsp` (the TEST-ONLY responder), with
// a signer whose certificate names our responder in its AIA, on loopback.
import { execFile, spawn } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { OCSP_FIXTURE_PORT } from '../../src/cli/ocsp.js';
import { readCertificates } from '../../src/pki/pem.js';
import { parseCrl } from '../../src/pki/revocation.js';
import { ocspUrlsOf } from '../../src/pki/revocation-fetcher.js';
import { type OcspServer, startOcspServer } from '../../src/http/ocsp-server.js';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { parseChainCert } from '../../src/pki/chain-cert.js';
import { queryOcsp } from '../../src/pki/ocsp-client.js';
import { createKeySigner } from '../../src/pki/key-signer.js';
import { OcspResponder } from '../../src/pki/ocsp-responder.js';
import { exportPkcs12 } from '../../scripts/lib/pkcs12-export.js';
import { FIXTURES_DIR, fixtureSigner, sampleLetter } from '../support/fixtures.js';
import { tempDir } from '../support/oracles.js';
import { withRevocationUrls } from '../pki/ocsp-network-pki.js';
import { type OcspPki, makeOcspPki, toPem } from '../pki/ocsp-test-pki.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const BIN = join(ROOT, 'src/cli/bin.ts');

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const out = new Capture();
  const err = new Capture();
  const code = await main(args, out, err, env);
  return { code, out: out.text, err: err.text };
}

let pki: OcspPki;
let responder: OcspResponder;
let server: OcspServer;
let dir: string;
let pdf: string;
let leaf: Uint8Array;
const rootPem = () => join(dir, 'root.pem');

beforeAll(async () => {
  pki = await makeOcspPki();
  responder = new OcspResponder({ issuers: [pki.root.der], signerCertificate: pki.responder.der, signerKey: pki.responder.privateKey });
  server = await startOcspServer(responder, { port: 0 });
  leaf = withRevocationUrls(pki.leaf.der, pki.root, { ocsp: [server.url] }, 7001);
  dir = tempDir();
  writeFileSync(rootPem(), toPem(pki.root.der));
  const signer = createKeySigner({ privateKey: pki.leaf.privateKey, certificate: leaf, chain: [], keyAlgorithm: 'rsa' });
  pdf = join(dir, 'signed.pdf');
  writeFileSync(pdf, joinDocument(await signPdf((await sampleLetter()).pdf, signer, { fieldName: 'ChuTich' })));
}, 120_000);

afterAll(async () => {
  await server?.close();
});

const verifyJson = async (extra: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = await run(['verify', pdf, '--trust', rootPem(), '--require-revocation', '--json', ...extra], env);
  const report = JSON.parse(r.out) as { document: { verdict: string }; signatures: { indication: string; subIndication: string | null; chain: { revocation: { status: string; source: string | null; origin: string | null }[] } }[] };
  return { code: r.code, report, sig: report.signatures[0]! };
};

describe('docaxis verify and OCSP', () => {
  it('offline by default: no request, revocation unknown, INDETERMINATE/TRY_LATER', async () => {
    const before = responder.requestCount;
    const { code, sig } = await verifyJson([]);
    expect(code).toBe(1);
    expect(sig.indication).toBe('INDETERMINATE');
    expect(sig.subIndication).toBe('TRY_LATER');
    expect(responder.requestCount).toBe(before);
  });

  it('--fetch-revocation asks the AIA responder and --require-revocation is satisfied', async () => {
    const before = responder.requestCount;
    const { code, sig } = await verifyJson(['--fetch-revocation'], { REVOCATION_ALLOW_PRIVATE: 'true' });
    expect(sig.chain.revocation[0]).toMatchObject({ status: 'good', source: 'ocsp', origin: 'given' });
    expect(sig.indication).toBe('TOTAL_PASSED');
    expect(code).toBe(0);
    expect(responder.requestCount).toBe(before + 1);
  });

  it('--fetch-revocation refuses the loopback responder unless REVOCATION_ALLOW_PRIVATE=true', async () => {
    const before = responder.requestCount;
    const { code, sig } = await verifyJson(['--fetch-revocation']);
    expect(code).toBe(1);
    expect(sig.subIndication).toBe('TRY_LATER');
    expect(responder.requestCount).toBe(before);
  });

  it('responder answering tryLater: INDETERMINATE/TRY_LATER, never passed', async () => {
    responder.misbehave = { status: 'tryLater' };
    try {
      const { code, sig } = await verifyJson(['--fetch-revocation'], { REVOCATION_ALLOW_PRIVATE: 'true' });
      expect(code).toBe(1);
      expect(sig.indication).toBe('INDETERMINATE');
      expect(sig.subIndication).toBe('TRY_LATER');
    } finally {
      responder.misbehave = {};
    }
  });

  it('--ocsp FILE: a saved good response satisfies --require-revocation; a revoked one fails', async () => {
    const good = await queryOcsp({ url: server.url, cert: parseChainCert(leaf), issuer: parseChainCert(pki.root.der), settings: { allowPrivateAddresses: true, nonce: false } });
    writeFileSync(join(dir, 'good.ocsp'), good.der);
    const ok = await verifyJson(['--ocsp', join(dir, 'good.ocsp')]);
    expect(ok.sig.indication).toBe('TOTAL_PASSED');
    expect(ok.code).toBe(0);

    const revokedResponder = new OcspResponder({
      issuers: [pki.root.der],
      signerCertificate: pki.responder.der,
      signerKey: pki.responder.privateKey,
      statuses: new Map([[parseChainCert(leaf).serialHex, { status: 'revoked', revokedAt: new Date('2025-01-01T00:00:00Z'), reason: 'keyCompromise' }]]),
    });
    const revokedServer = await startOcspServer(revokedResponder, { port: 0 });
    try {
      const revoked = await queryOcsp({ url: revokedServer.url, cert: parseChainCert(leaf), issuer: parseChainCert(pki.root.der), settings: { allowPrivateAddresses: true } });
      writeFileSync(join(dir, 'revoked.ocsp'), revoked.der);
    } finally {
      await revokedServer.close();
    }
    const bad = await verifyJson(['--ocsp', join(dir, 'revoked.ocsp')]);
    expect(bad.code).toBe(1);
    // Revoked before the (unproven) signing time: REVOKED_NO_POE, never passed.
    expect(bad.sig.indication).not.toBe('TOTAL_PASSED');
    expect(bad.sig.subIndication).toMatch(/^REVOKED/);
    expect(bad.sig.chain.revocation[0]).toMatchObject({ status: 'revoked', source: 'ocsp', origin: 'given' });

    writeFileSync(join(dir, 'junk.ocsp'), 'not an OCSP response');
    const junk = await run(['verify', pdf, '--trust', rootPem(), '--ocsp', join(dir, 'junk.ocsp')]);
    expect(junk.code).toBe(2);
    expect(junk.err).toMatch(/OCSP_MALFORMED/);
  });
});

describe('docaxis ocsp', () => {
  it('serves OCSP over HTTP from --revoked, and stops cleanly on SIGTERM', async () => {
    const p12 = exportPkcs12({ keyPem: pki.responder.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), certPem: toPem(pki.responder.der), chainPem: '', friendlyName: 'ocsp', password: 'pw-test' });
    writeFileSync(join(dir, 'responder.p12'), p12);
    const serial = parseChainCert(leaf).serialHex;
    const child = spawn(TSX, [BIN, 'ocsp', '--port', '0', '--issuer', rootPem(), '--p12', join(dir, 'responder.p12'), '--password-env', 'OCSP_PW', '--revoked', `${serial}:2025-02-01T00:00:00Z:keyCompromise`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OCSP_PW: 'pw-test' },
    });
    const url = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const m = /listening on (\S+)/.exec(buf);
        if (m?.[1]) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`ocsp exited ${code}`)));
    });
    const answer = await queryOcsp({ url, cert: parseChainCert(leaf), issuer: parseChainCert(pki.root.der), settings: { allowPrivateAddresses: true } });
    expect(answer.status).toMatchObject({ status: 'revoked', reason: 'keyCompromise', revokedAt: new Date('2025-02-01T00:00:00Z') });
    const other = await queryOcsp({ url, cert: parseChainCert(pki.responderNoEku.der), issuer: parseChainCert(pki.root.der), settings: { allowPrivateAddresses: true } });
    expect(other.status.status).toBe('good');
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  }, 60_000);

  it('refuses an issuer without a key, and a key without an issuer', async () => {
    expect((await run(['ocsp', '--port', '0', '--p12', 'x.p12', '--password-env', 'PW'])).err).toMatch(/USAGE: .*--issuer: at least one CA certificate/);
    expect((await run(['ocsp', '--port', '0', '--issuer', rootPem()])).err).toMatch(/USAGE: .*--p12: the responder/);
  });

  it('serves the OCSP fixtures by default: good, revoked (from the fixture CRL), checked by openssl too', async () => {
    const child = spawn(TSX, [BIN, 'ocsp', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let buf = '';
        child.stdout.on('data', (d: Buffer) => {
          buf += d.toString();
          const m = /listening on (\S+)/.exec(buf);
          if (m?.[1]) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`ocsp exited ${code}`)));
      });
      const fx = (name: string) => join(FIXTURES_DIR, name);
      const issuer = parseChainCert(readCertificates(readFileSync(fx('ocsp-root-ca.cert.pem')))[0]!);
      const cert = (name: string) => parseChainCert(readCertificates(readFileSync(fx(`${name}.cert.pem`)))[0]!);
      expect(ocspUrlsOf(cert('signer-ocsp-good').der)).toEqual([`http://127.0.0.1:${OCSP_FIXTURE_PORT}/ocsp`]);
      const good = await queryOcsp({ url, cert: cert('signer-ocsp-good'), issuer, settings: { allowPrivateAddresses: true } });
      expect(good.status.status).toBe('good');
      expect(good.status.detail).toContain('id-pkix-ocsp-nocheck');
      const revoked = await queryOcsp({ url, cert: cert('signer-ocsp-revoked'), issuer, settings: { allowPrivateAddresses: true } });
      expect(revoked.status).toMatchObject({ status: 'revoked', reason: 'keyCompromise', revokedAt: new Date('2025-06-01T00:00:00Z') });
      const oracle = await promisify(execFile)('openssl', ['ocsp', '-issuer', fx('ocsp-root-ca.cert.pem'), '-cert', fx('signer-ocsp-revoked.cert.pem'), '-cert', fx('signer-ocsp-good.cert.pem'), '-url', url, '-CAfile', fx('ocsp-root-ca.cert.pem')]);
      expect(oracle.stderr).toContain('Response verify OK');
      expect(oracle.stdout).toContain(`${fx('signer-ocsp-revoked.cert.pem')}: revoked`);
      expect(oracle.stdout).toContain(`${fx('signer-ocsp-good.cert.pem')}: good`);
    } finally {
      const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    }
  }, 60_000);
});

describe('the OCSP fixtures end to end', () => {
  // Their AIA names this fixed port: the only test that listens on it.
  it('signer-ocsp-good passes and signer-ocsp-revoked fails with --fetch-revocation against the fixture responder', async () => {
    const fx = (name: string) => join(FIXTURES_DIR, name);
    const fixtureResponder = new OcspResponder({
      issuers: readCertificates(readFileSync(fx('ocsp-root-ca.cert.pem'))),
      signerCertificate: readCertificates(readFileSync(fx('ocsp-responder.cert.pem')))[0]!,
      signerKey: createPrivateKey(readFileSync(fx('ocsp-responder.key.pem'))),
      crls: [parseCrl(readFileSync(fx('ocsp-root-ca.crl.der')))],
    });
    const fixtureServer = await startOcspServer(fixtureResponder, { port: OCSP_FIXTURE_PORT });
    try {
      const letter = (await sampleLetter()).pdf;
      const verdicts: Record<string, { code: number; indication: string; sub: string | null; revocation: string }> = {};
      for (const name of ['signer-ocsp-good', 'signer-ocsp-revoked']) {
        const file = join(dir, `${name}.pdf`);
        writeFileSync(file, joinDocument(await signPdf(letter, fixtureSigner(name), { fieldName: 'ChuTich' })));
        const r = await run(['verify', file, '--trust', fx('ocsp-root-ca.cert.pem'), '--require-revocation', '--fetch-revocation', '--json'], { REVOCATION_ALLOW_PRIVATE: 'true' });
        const sig = (JSON.parse(r.out) as { signatures: { indication: string; subIndication: string | null; chain: { revocation: { status: string; source: string }[] } }[] }).signatures[0]!;
        verdicts[name] = { code: r.code, indication: sig.indication, sub: sig.subIndication, revocation: `${sig.chain.revocation[0]?.status}/${sig.chain.revocation[0]?.source}` };
      }
      expect(verdicts['signer-ocsp-good']).toEqual({ code: 0, indication: 'TOTAL_PASSED', sub: null, revocation: 'good/ocsp' });
      expect(verdicts['signer-ocsp-revoked']).toMatchObject({ code: 1, revocation: 'revoked/ocsp' });
      expect(verdicts['signer-ocsp-revoked']!.indication).not.toBe('TOTAL_PASSED');
      expect(fixtureResponder.requestCount).toBe(2);
    } finally {
      await fixtureServer.close();
    }
  }, 60_000);
});
