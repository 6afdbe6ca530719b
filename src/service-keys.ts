// The axis's own key material, from the configuration (main.ts): the receipt-signing key and the
// TSA that timestamps the log seals. Both default to the committed TEST-ONLY fixtures so that
// `npm start` works on a fresh machine; each default comes with a warning to print, because a
// receipt signed by a public test key proves nothing to anyone. The same for the agency seals of
// the demo: without a PKCS#11 module, the seeded agencies seal with their fixture keys.
import { existsSync, readFileSync } from 'node:fs';
import type { Config } from './config.js';
import { DocaxisError, asDocaxisError } from './errors.js';
import type { FixtureSealKeys, SealKey } from './exchange/seal-keys.js';
import { localTimestamper, urlTimestamper, type Timestamper } from './pades/timestamper.js';
import { loadPkcs12Signer } from './pki/key-signer.js';
import { loadPkcs12 } from './pki/pkcs12.js';
import type { SignerAdapter } from './pki/signer.js';
import { TimestampAuthority } from './pki/tsa-responder.js';

export interface ServiceKeys {
  receiptSigner: SignerAdapter | undefined;
  timestamper: Timestamper;
  /** The demo's agency seals held in the process (TEST-ONLY), when seeded and no PKCS11_MODULES. */
  sealFixtures: FixtureSealKeys | undefined;
  warnings: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** `fixturePath(name)`: a file of certs-fixtures/; `fixturePassword`: the fixtures' PKCS#12 password. */
export function loadServiceKeys(config: Config, env: Env, fixtures: { path: (name: string) => string; password: string }): ServiceKeys {
  const warnings: string[] = [];
  let receiptSigner: SignerAdapter | undefined;
  if (config.axisP12) {
    const password = env[config.axisP12.passwordEnv];
    if (password === undefined) throw new DocaxisError('ENV_VAR_MISSING', `${config.axisP12.passwordEnv} (named by AXIS_P12_PASSWORD_ENV; it holds the AXIS_P12 password)`);
    receiptSigner = loadPkcs12Signer(readFile(config.axisP12.path, 'AXIS_P12'), password);
  } else if (config.seedDemo) {
    receiptSigner = loadPkcs12Signer(readFile(fixtures.path('axis.p12'), 'axis.p12'), fixtures.password);
    warnings.push('receipts are signed with the TEST-ONLY fixture key certs-fixtures/axis.p12: set AXIS_P12 and AXIS_P12_PASSWORD_ENV in production');
  } else {
    warnings.push('no AXIS_P12: deliveries and status changes get no signed receipt');
  }

  let timestamper: Timestamper;
  if (config.tsaUrl) {
    timestamper = urlTimestamper(config.tsaUrl);
  } else {
    const k = loadPkcs12(readFile(fixtures.path('tsa.p12'), 'tsa.p12'), fixtures.password);
    timestamper = localTimestamper(new TimestampAuthority({ certificate: k.certificate, privateKey: k.privateKey, chain: k.chain }));
    warnings.push('log seals are timestamped by the built-in TEST-ONLY TSA (certs-fixtures/tsa.p12): set TSA_URL in production');
  }
  let sealFixtures: FixtureSealKeys | undefined;
  if (config.seedDemo && config.pkcs11Modules.length === 0) {
    sealFixtures = fixtureSealKeys(fixtures);
    warnings.push('the demo agencies seal with the TEST-ONLY fixture keys of certs-fixtures/ held in this process: set PKCS11_MODULES and bind HSM keys (POST /api/admin/agencies/:code/seal-key) in production');
  }
  return { receiptSigner, timestamper, sealFixtures, warnings };
}

interface ManifestEntry {
  name: string;
  role: string;
  agencyCode?: string;
  files: { p12?: string; image?: string };
}

/** The fixture seal of each agency code in certs-fixtures/manifest.json, opened on first use. */
export function fixtureSealKeys(fixtures: { path: (name: string) => string; password: string }): FixtureSealKeys {
  const manifest = JSON.parse(new TextDecoder().decode(readFile(fixtures.path('manifest.json'), 'manifest.json'))) as { entries: ManifestEntry[] };
  const seals = new Map(manifest.entries.filter((e) => e.role === 'seal' && e.agencyCode && e.files.p12).map((e) => [e.agencyCode!, e]));
  const opened = new Map<string, SealKey>();
  return (agencyCode) => {
    const known = opened.get(agencyCode);
    if (known) return known;
    const e = seals.get(agencyCode);
    if (!e) return undefined;
    const imagePath = e.files.image ? fixtures.path(e.files.image) : undefined;
    const key: SealKey = {
      signer: loadPkcs12Signer(readFile(fixtures.path(e.files.p12!), e.files.p12!), fixtures.password),
      description: `process:fixture:${e.name}`,
      ...(imagePath && existsSync(imagePath) ? { image: readFile(imagePath, e.files.image!) } : {}),
    };
    opened.set(agencyCode, key);
    return key;
  };
}

function readFile(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw asDocaxisError(e, 'FILE_UNREADABLE', `${what}: ${path}`);
  }
}
