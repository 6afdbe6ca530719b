// SoftHSM2 tokens for tests: a token directory and a softhsm2.conf in a temporary folder, tokens
// initialised with softhsm2-util, fixture keys imported into them (softhsm2-util --import) and
// their certificates written beside with pkcs11-tool, under the same CKA_ID.
//
// SoftHSM2 reads SOFTHSM2_CONF when the module is initialised, once per process: call
// `createSoftHsm()` once per test file, before the first PKCS#11 call, and create every token
// there (tokens made after initialisation may not be seen by the running module).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from './fixtures.js';
import { tempDir } from './oracles.js';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const SO_PIN = '87654321';

export interface SoftHsm {
  dir: string;
  conf: string;
  module: string;
  /** A new token holding the fixture's key (and its certificate unless `withCertificate` is false). */
  addToken(options: { label: string; pin: string; fixture: string; keyLabel?: string; keyId?: string; withCertificate?: boolean }): void;
}

export function createSoftHsm(): SoftHsm {
  const dir = tempDir('docaxis-softhsm-');
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens);
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  // The module (in this process's PKCS#11 thread) reads the real environment, which this sets.
  process.env.SOFTHSM2_CONF = conf;
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return {
    dir,
    conf,
    module: SOFTHSM_MODULE,
    addToken({ label, pin, fixture, keyLabel = 'seal', keyId = '01', withCertificate = true }) {
      run('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', SO_PIN, '--pin', pin]);
      run('softhsm2-util', ['--import', join(FIXTURES_DIR, `${fixture}.key.pem`), '--token', label, '--label', keyLabel, '--id', keyId, '--pin', pin]);
      if (withCertificate) {
        const der = join(dir, `${label}.cert.der`);
        run('openssl', ['x509', '-in', join(FIXTURES_DIR, `${fixture}.cert.pem`), '-outform', 'DER', '-out', der]);
        run('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', label, '--login', '--pin', pin, '--write-object', der, '--type', 'cert', '--id', keyId, '--label', keyLabel]);
        // The issuing CA too, as tokens from a CA carry it: the chain the seal embeds.
        const ca = join(dir, `${label}.ca.der`);
        run('openssl', ['x509', '-in', join(FIXTURES_DIR, 'intermediate-ca.cert.pem'), '-outform', 'DER', '-out', ca]);
        run('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', label, '--login', '--pin', pin, '--write-object', ca, '--type', 'cert', '--id', 'ca01', '--label', 'issuing-ca']);
      }
    },
  };
}
