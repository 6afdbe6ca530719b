// validateChain and parseCrl on the committed test PKI (certs-fixtures/), driven by manifest.json,
// each verdict compared with `openssl verify` on the same bundles.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CertificatePurpose, type ChainStatus, validateChain } from '../../src/pki/chain.js';
import { parseChainCert } from '../../src/pki/chain-cert.js';
import { parseCrl } from '../../src/pki/revocation.js';

const DIR = join(import.meta.dirname, '..', '..', 'certs-fixtures');
const MANIFEST = join(DIR, 'manifest.json');

interface Entry {
  name: string;
  role: string;
  negative?: string;
  serialNumber: string;
  files: { cert: string };
}
interface Manifest {
  bundles: { trustAnchors: string; intermediates: string; untrustedRoots: string; crls: string };
  entries: Entry[];
  crls: { name: string; files: { der: string }; crlNumber: number; revoked: { name: string; serialNumber: string; revocationDate: string; reason: string }[] }[];
}

/** Every base64 block of a PEM bundle, as DER (src/pki/pem.ts belongs to another module). */
function pemBlocks(file: string): Uint8Array[] {
  const text = readFileSync(join(DIR, file), 'utf8');
  return [...text.matchAll(/-----BEGIN [A-Z0-9 ]+-----([\s\S]*?)-----END [A-Z0-9 ]+-----/g)].map((m) => new Uint8Array(Buffer.from(m[1] ?? '', 'base64')));
}

const EXPECTED: Record<string, ChainStatus> = {
  expired: 'expired',
  'not-yet-valid': 'not-yet-valid',
  revoked: 'revoked',
  'untrusted-issuer': 'no-chain',
  'wrong-key-usage': 'bad-key-usage',
};

describe('certs-fixtures', () => {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
  const endEntities = manifest.entries.filter((e) => e.role !== 'root' && e.role !== 'intermediate' && e.negative !== 'untrusted-root');
  it('lists the end entities the matrix below covers', () => expect(endEntities.length).toBeGreaterThanOrEqual(15));
  const NOW = new Date();

  it.each(endEntities.map((e) => [e.name, e] as const))('%s', (_name, entry) => {
    const m = manifest as Manifest;
    const purpose: CertificatePurpose = entry.role === 'tsa' ? 'timestamping' : 'document-signing';
    const expected = entry.negative !== undefined ? EXPECTED[entry.negative] : 'valid';
    const result = validateChain({
      leaf: readFileSync(join(DIR, entry.files.cert)),
      candidates: [...pemBlocks(m.bundles.intermediates), ...pemBlocks(m.bundles.untrustedRoots)],
      trustAnchors: pemBlocks(m.bundles.trustAnchors),
      crls: pemBlocks(m.bundles.crls),
      at: NOW,
      purpose,
    });
    expect(result.status, result.errors.join('\n')).toBe(expected);

    const oracle = spawnSync(
      'openssl',
      ['verify', '-CAfile', m.bundles.trustAnchors, '-untrusted', m.bundles.intermediates, '-crl_check_all', '-CRLfile', m.bundles.crls, '-purpose', purpose === 'timestamping' ? 'timestampsign' : 'smimesign', entry.files.cert],
      { cwd: DIR, encoding: 'utf8' },
    );
    expect(oracle.status === 0, `${oracle.stdout}${oracle.stderr}`).toBe(expected === 'valid');
  });

  it('reads the fixture CRLs as the manifest describes them', () => {
    const m = manifest as Manifest;
    for (const described of m.crls) {
      const crl = parseCrl(readFileSync(join(DIR, described.files.der)));
      expect(crl.crlNumber).toBe(String(described.crlNumber));
      expect([...crl.revoked.entries()]).toEqual(
        described.revoked.map((r) => [r.serialNumber.toLowerCase().replace(/^(00)+(?=..)/, ''), { revokedAt: new Date(r.revocationDate), reason: r.reason }]),
      );
    }
  });

  it('accepts neg-revoked before its revocation date, with a warning', () => {
    const m = manifest as Manifest;
    const entry = m.entries.find((e) => e.negative === 'revoked') as Entry;
    expect(parseChainCert(readFileSync(join(DIR, entry.files.cert))).serialHex).toBe(entry.serialNumber.toLowerCase().replace(/^(00)+(?=..)/, ''));
    const result = validateChain({
      leaf: readFileSync(join(DIR, entry.files.cert)),
      candidates: pemBlocks(m.bundles.intermediates),
      trustAnchors: pemBlocks(m.bundles.trustAnchors),
      crls: pemBlocks(m.bundles.crls),
      at: new Date('2025-03-01T00:00:00Z'),
      purpose: 'document-signing',
    });
    expect(result.status).toBe('valid');
    expect(result.revokedAt?.toISOString()).toBe('2025-06-01T00:00:00.000Z');
    expect(result.warnings.some((w) => w.includes('revoked after the validation time'))).toBe(true);
  });
});
