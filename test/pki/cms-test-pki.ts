// Test helpers for the CMS / timestamp tests: keys and certificates from certs-fixtures/ (read via
// manifest.json), temp dirs, and a thin wrapper around the openssl CLI used as the oracle.
import { execFileSync, spawnSync } from 'node:child_process';
import { type KeyObject, X509Certificate, createHash, createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleSignedData, buildSignedAttributes } from '../../src/pki/cms-build.js';
import type { DigestAlgorithm } from '../../src/pki/oids.js';
import type { KeyAlgorithm } from '../../src/pki/signer.js';

export const FIXTURES = new URL('../../certs-fixtures/', import.meta.url).pathname;

interface ManifestEntry {
  name: string;
  role: string;
  keyType: string;
  files: { cert: string; key?: string };
}

export function manifestEntries(): ManifestEntry[] {
  return (JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as { entries: ManifestEntry[] }).entries;
}

export interface TestIdentity {
  name: string;
  certPem: string;
  certDer: Uint8Array;
  key: KeyObject;
  keyPath: string;
  certPath: string;
  keyAlgorithm: KeyAlgorithm;
}

export function pemToDer(pem: string): Uint8Array {
  return new Uint8Array(new X509Certificate(pem).raw);
}

/** First manifest entry of the role with the key type prefix (`rsa-2048`, `ec-p256`). */
export function identity(role: string, keyType: string): TestIdentity {
  const entry = manifestEntries().find((e) => e.role === role && e.keyType === keyType);
  if (!entry) throw new Error(`no fixture with role ${role} and key type ${keyType}`);
  return identityNamed(entry.name);
}

export function identityNamed(name: string): TestIdentity {
  const certPath = join(FIXTURES, `${name}.cert.pem`);
  const keyPath = join(FIXTURES, `${name}.key.pem`);
  const certPem = readFileSync(certPath, 'utf8');
  const key = createPrivateKey(readFileSync(keyPath, 'utf8'));
  return { name, certPem, certDer: pemToDer(certPem), key, keyPath, certPath, keyAlgorithm: key.asymmetricKeyType === 'ec' ? 'ec' : 'rsa' };
}

export const ROOT_PEM = join(FIXTURES, 'root-ca.cert.pem');
export const INTERMEDIATE_PEM = join(FIXTURES, 'intermediate-ca.cert.pem');
export const intermediateDer = (): Uint8Array => pemToDer(readFileSync(INTERMEDIATE_PEM, 'utf8'));

export function tempDir(): { dir: string; file(name: string, data?: Uint8Array | string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'docaxis-cms-'));
  return {
    dir,
    file(name, data) {
      const p = join(dir, name);
      if (data !== undefined) writeFileSync(p, data);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs openssl; returns status and combined output (never throws on a non-zero exit). */
export function openssl(args: string[], input?: Uint8Array): { status: number; out: string; stdout: Buffer } {
  const r = spawnSync('openssl', args, { input, maxBuffer: 16 << 20 });
  return { status: r.status ?? -1, out: `${r.stdout?.toString('latin1') ?? ''}${r.stderr?.toString() ?? ''}`, stdout: r.stdout ?? Buffer.alloc(0) };
}

export function opensslOk(args: string[], input?: Uint8Array): Buffer {
  return execFileSync('openssl', args, { input, maxBuffer: 16 << 20 });
}

/** A complete detached PAdES-style CMS over `content`, signed in process. */
export function signDetached(id: TestIdentity, content: Uint8Array, digest: DigestAlgorithm, chain: Uint8Array[] = [intermediateDer()]): { cms: Uint8Array; signedAttributes: Uint8Array; contentDigest: Uint8Array } {
  const contentDigest = createHash(digest).update(content).digest();
  const signedAttributes = buildSignedAttributes({ contentDigest, digest, signerCertificate: id.certDer });
  const signatureValue = sign(digest, signedAttributes, id.key);
  const cms = assembleSignedData({ signedAttributes, signatureValue, signerCertificate: id.certDer, certificates: chain, digest, keyAlgorithm: id.keyAlgorithm });
  return { cms, signedAttributes, contentDigest };
}

/** Deterministic PRNG for the fuzz tests. */
export { mulberry32 as prng } from '../support/prng.js';
