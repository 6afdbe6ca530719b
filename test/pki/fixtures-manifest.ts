// Typed access to certs-fixtures/manifest.json for tests (and anyone else who wants fixtures by
// role or agency instead of hard-coded file names).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'certs-fixtures');

export type FixtureRole = 'root' | 'intermediate' | 'seal' | 'signer' | 'tsa' | 'service' | 'negative';

export interface FixtureEntry {
  name: string;
  role: FixtureRole;
  negative?: 'expired' | 'not-yet-valid' | 'revoked' | 'untrusted-root' | 'untrusted-issuer' | 'wrong-key-usage';
  issuer: string;
  agencyCode?: string;
  level?: 'central' | 'province' | 'district' | 'commune';
  keyType: 'rsa-2048' | 'rsa-3072' | 'ec-p256';
  subject: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  revokedAt?: string;
  fingerprintSha256: string;
  files: { cert: string; key?: string; p12?: string; image?: string };
  p12Password?: string;
}

export interface FixtureCrl {
  name: string;
  issuer: string;
  files: { der: string; pem: string };
  crlNumber: number;
  thisUpdate: string;
  nextUpdate: string;
  revoked: Array<{ name: string; serialNumber: string; revocationDate: string; reason: string }>;
}

export interface FixtureManifest {
  testOnly: true;
  p12Password: string;
  bundles: { trustAnchors: string; intermediates: string; untrustedRoots: string; crls: string };
  entries: FixtureEntry[];
  crls: FixtureCrl[];
}

export function loadManifest(): FixtureManifest {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'manifest.json'), 'utf8')) as FixtureManifest;
}

export function fixturePath(file: string): string {
  return join(FIXTURES_DIR, file);
}

export function readFixture(file: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(file)));
}

export function fixtureEntry(manifest: FixtureManifest, name: string): FixtureEntry {
  const found = manifest.entries.find((e) => e.name === name);
  if (!found) throw new Error(`no fixture ${name}`);
  return found;
}
