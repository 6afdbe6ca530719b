// Packs key + certificate + chain into a PKCS#12 file with the openssl CLI.
// Why not node-forge: forge's PKCS#12 writer only accepts its own RSA key objects, so it cannot pack
// the ECDSA fixtures. OpenSSL 3's default format (PBES2/PBKDF2-SHA256/AES-256-CBC, SHA-256 MAC)
// is also what current tools export, and it opens in OpenSSL without -legacy and in NSS pk12util.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pkcs12Input {
  readonly keyPem: string;
  readonly certPem: string;
  readonly chainPem: string;
  readonly friendlyName: string;
  readonly password: string;
}

export function exportPkcs12(input: Pkcs12Input): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'docaxis-p12-'));
  try {
    writeFileSync(join(dir, 'key.pem'), input.keyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'cert.pem'), input.certPem);
    const args = ['pkcs12', '-export', '-inkey', join(dir, 'key.pem'), '-in', join(dir, 'cert.pem')];
    if (input.chainPem.length > 0) {
      writeFileSync(join(dir, 'chain.pem'), input.chainPem);
      args.push('-certfile', join(dir, 'chain.pem'));
    }
    // -passout via env keeps the password out of `ps`; it is a published test password anyway.
    args.push('-name', input.friendlyName, '-passout', 'env:DOCAXIS_P12_PASS', '-out', join(dir, 'out.p12'));
    execFileSync('openssl', args, { env: { ...process.env, DOCAXIS_P12_PASS: input.password }, stdio: ['ignore', 'ignore', 'pipe'] });
    return new Uint8Array(readFileSync(join(dir, 'out.p12')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
