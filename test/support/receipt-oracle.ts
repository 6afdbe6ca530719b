// openssl cms -verify as an independent oracle for the axis's receipts: it checks the signature,
// the attributes and the chain to the fixture root, and prints the encapsulated content.
// -certfile, not -untrusted: OpenSSL 3.0's `cms` has no -untrusted (it reads it as a cipher name).
import { spawnSync } from 'node:child_process';
import { FIXTURES_DIR } from './fixtures.js';
import { tempDir, writeTemp } from './oracles.js';

export function opensslVerifyReceipt(der: Uint8Array): { ok: boolean; content: string; stderr: string } {
  const file = writeTemp(tempDir('docaxis-receipt-'), 'receipt.der', der);
  const r = spawnSync(
    'openssl',
    ['cms', '-verify', '-inform', 'DER', '-in', file, '-CAfile', `${FIXTURES_DIR}root-ca.cert.pem`, '-certfile', `${FIXTURES_DIR}intermediates.pem`, '-purpose', 'any'],
    { encoding: 'utf8' },
  );
  return { ok: r.status === 0, content: r.stdout, stderr: r.stderr };
}
