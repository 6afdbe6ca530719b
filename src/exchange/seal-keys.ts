// Which key seals for an agency: the HSM key an admin bound to it (agency_seal_keys, through
// PKCS#11), else, in the demo without any PKCS#11 module, the agency's TEST-ONLY fixture key held
// in the process, else none (sealDocument then refuses with SEAL_KEY_MISSING).
import { DocaxisError } from '../errors.js';
import type { SealKeyBinding, Stores } from '../db/ports.js';
import type { Pkcs11Host } from '../pki/pkcs11-host.js';
import { openPkcs11Signer, type Pkcs11Signer } from '../pki/pkcs11-signer.js';
import type { SignerAdapter } from '../pki/signer.js';

/** A key that seals, and how the log names it (never a PIN). */
export interface SealKey {
  signer: SignerAdapter;
  /** `pkcs11:token=...;object=...;id=...` or `process:fixture:<name>`. */
  description: string;
  /** The seal image drawn in the visible signature, when the agency has one. */
  image?: Uint8Array;
}

/** The exchange layer's port: the agency's seal key, or null when it has none. */
export interface AgencySealKeys {
  forAgency(agencyId: string): Promise<SealKey | null>;
}

/** A TEST-ONLY key held in the process, by agency code (src/service-keys.ts builds them from certs-fixtures). */
export type FixtureSealKeys = (agencyCode: string) => SealKey | undefined;

export interface SealKeyOptions {
  /** PKCS11_MODULES: the only modules a binding may load (absolute paths). */
  allowedModules: readonly string[];
  /** Where the PINs are read from, by the variable name stored in the binding. */
  env: Readonly<Record<string, string | undefined>>;
  /** Intermediates embedded with an HSM key's certificate; default: the CA certificates on its token. */
  intermediates?: readonly Uint8Array[];
  host?: Pkcs11Host;
  /** Only when the demo is seeded and no PKCS#11 module is configured (see src/main.ts). */
  fixtures?: FixtureSealKeys;
}

export function createAgencySealKeys(stores: Pick<Stores, 'sealKeys' | 'agencies'>, options: SealKeyOptions): AgencySealKeys {
  // Opened HSM keys by binding id: a key is opened (login, probe) once, not per seal.
  const opened = new Map<string, Promise<Pkcs11Signer>>();
  return {
    async forAgency(agencyId) {
      const binding = await stores.sealKeys.activeFor(agencyId);
      if (binding) {
        let signer = opened.get(binding.id);
        if (!signer) {
          signer = openBinding(binding, options);
          opened.set(binding.id, signer);
          // A failed open is not cached: the admin may fix the PIN variable or the token.
          signer.catch(() => opened.delete(binding.id));
        }
        const s = await signer;
        return { signer: s, description: s.description };
      }
      if (!options.fixtures) return null;
      const agency = await stores.agencies.byId(agencyId);
      return (agency && options.fixtures(agency.code)) ?? null;
    },
  };
}

/**
 * The binding's key, with the certificate stored at binding time (the one the admin checked);
 * without one (while binding), the token's certificate.
 */
export function openBinding(binding: Pick<SealKeyBinding, 'modulePath' | 'tokenLabel' | 'keyLabel' | 'keyId' | 'pinEnv'> & { certificateDer?: Uint8Array }, options: SealKeyOptions): Promise<Pkcs11Signer> {
  if (!options.allowedModules.includes(binding.modulePath)) {
    return Promise.reject(new DocaxisError('HSM_MODULE_NOT_ALLOWED', `${binding.modulePath} (allowed: ${options.allowedModules.join(', ') || 'none; set PKCS11_MODULES'})`));
  }
  const pin = options.env[binding.pinEnv];
  if (pin === undefined) return Promise.reject(new DocaxisError('ENV_VAR_MISSING', `${binding.pinEnv} (it holds the seal token's PIN)`));
  return openPkcs11Signer(
    {
      modulePath: binding.modulePath,
      tokenLabel: binding.tokenLabel,
      pin,
      ...(binding.certificateDer ? { certificate: binding.certificateDer } : {}),
      ...(options.intermediates?.length ? { chain: options.intermediates } : {}),
      ...(binding.keyLabel !== null ? { keyLabel: binding.keyLabel } : {}),
      ...(binding.keyId !== null ? { keyId: binding.keyId } : {}),
    },
    options.host,
  );
}
