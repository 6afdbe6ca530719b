// A SignerAdapter over a private key held in this process (typically from a PKCS#12 file).
// The signature is computed by OpenSSL (node:crypto) on the libuv thread pool, so a 3072-bit RSA
// signature does not block the event loop.
import { constants, sign, type KeyObject, type SignKeyObjectInput } from 'node:crypto';
import { DocaxisError } from '../errors.js';
import type { DigestAlgorithm } from './oids.js';
import { loadPkcs12, type KeyMaterial } from './pkcs12.js';
import type { SignerAdapter } from './signer.js';

const DIGESTS: ReadonlySet<string> = new Set<DigestAlgorithm>(['sha256', 'sha384', 'sha512']);

export function createKeySigner(material: KeyMaterial): SignerAdapter {
  const { privateKey, keyAlgorithm } = material;
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== keyAlgorithm) {
    throw new DocaxisError('KEY_UNSUPPORTED', `key is ${privateKey.asymmetricKeyType ?? privateKey.type}, expected ${keyAlgorithm}`);
  }
  const input = signInput(privateKey, keyAlgorithm);
  // Copies, so that a caller mutating its arrays later cannot change what we embed.
  const certificate = material.certificate.slice();
  const chain = Object.freeze(material.chain.map((c) => c.slice()));
  return {
    certificate,
    chain,
    keyAlgorithm,
    sign(data: Uint8Array, digest: DigestAlgorithm): Promise<Uint8Array> {
      // Checked at run time too: JavaScript callers (and CMS parsers) can hand us anything.
      if (!DIGESTS.has(digest)) return Promise.reject(new DocaxisError('DIGEST_UNSUPPORTED', String(digest)));
      return new Promise((resolve, reject) => {
        sign(digest, data, input, (err, signature) => {
          if (err) reject(new DocaxisError('KEY_UNSUPPORTED', err.message, { cause: err }));
          else resolve(new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength));
        });
      });
    },
  };
}

/** RSA: PKCS#1 v1.5 (what PAdES validators and Vietnamese signing tools expect); ECDSA: DER Ecdsa-Sig-Value. */
function signInput(key: KeyObject, algorithm: 'rsa' | 'ec'): SignKeyObjectInput {
  return algorithm === 'rsa' ? { key, padding: constants.RSA_PKCS1_PADDING } : { key, dsaEncoding: 'der' };
}

export function loadPkcs12Signer(bytes: Uint8Array, password: string): SignerAdapter {
  return createKeySigner(loadPkcs12(bytes, password));
}
