// node:crypto KeyObjects by SubjectPublicKeyInfo. Making one (createPublicKey: OpenSSL's decoder
// lookup and key import) costs more than the RSA verification it serves, and an exchange sees the
// same few signers' certificates in document after document. A KeyObject depends on nothing but
// the SPKI bytes, so sharing it between verifications cannot carry a trust decision over: it is
// only arithmetic. Bounded (least recently used goes first) because documents bring certificates
// from anywhere. Owned by whoever owns the long-lived CertificateCache; never module state.
import type { KeyObject } from 'node:crypto';
import { publicKeyFromSpki } from './x509.js';

export class PublicKeyCache {
  readonly #keys = new Map<string, KeyObject>();

  constructor(readonly capacity = 256) {}

  /** publicKeyFromSpki, memoised. Failures are not cached: they throw again on the next call. */
  get(spki: Uint8Array): KeyObject {
    const id = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength).toString('latin1');
    let key = this.#keys.get(id);
    if (key !== undefined) {
      // Map iteration order is insertion order: re-insert to mark it as recently used.
      this.#keys.delete(id);
    } else {
      key = publicKeyFromSpki(spki);
      if (this.#keys.size >= this.capacity) this.#keys.delete(this.#keys.keys().next().value!);
    }
    this.#keys.set(id, key);
    return key;
  }

  get size(): number {
    return this.#keys.size;
  }
}
