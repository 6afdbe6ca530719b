// PKI.js needs a crypto engine; we give it Node's WebCrypto (OpenSSL underneath), in this one file.
import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

/** Idempotent: safe to call from every entry into code that uses PKI.js. */
export function ensurePkijsEngine(): void {
  const current = pkijs.getEngine();
  if (current.name === 'docaxis-node') return;
  pkijs.setEngine('docaxis-node', new pkijs.CryptoEngine({ name: 'docaxis-node', crypto: webcrypto as unknown as EngineCrypto }));
}

type EngineCrypto = ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'];
