// The signer adapter: anything that can produce a raw signature value with a key docaxis may not
// hold (a PKCS#12 file in this process, an HSM, a clerk's USB token, a remote signing service).
import type { DigestAlgorithm } from './oids.js';

export type KeyAlgorithm = 'rsa' | 'ec';

export interface SignerAdapter {
  /** The signing certificate, DER. */
  readonly certificate: Uint8Array;
  /** Further certificates to embed (intermediates, issuer first), DER; never the trust anchor's absence is an error. */
  readonly chain: readonly Uint8Array[];
  readonly keyAlgorithm: KeyAlgorithm;
  /**
   * Signs `data` (the DER of the CMS signed attributes) hashing it with `digest`.
   * Returns the raw signature value: RSA PKCS#1 v1.5, or ECDSA as a DER Ecdsa-Sig-Value.
   */
  sign(data: Uint8Array, digest: DigestAlgorithm): Promise<Uint8Array>;
}
