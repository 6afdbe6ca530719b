// Test access to the committed TEST-ONLY PKI and sample documents.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadFontBytes } from '../../src/pades/fonts.js';
import { localTimestamper, type Timestamper } from '../../src/pades/timestamper.js';
import { loadPkcs12Signer } from '../../src/pki/key-signer.js';
import { loadPkcs12 } from '../../src/pki/pkcs12.js';
import { readCertificates, readCrls } from '../../src/pki/pem.js';
import type { SignerAdapter } from '../../src/pki/signer.js';
import { TimestampAuthority } from '../../src/pki/tsa-responder.js';
import { makeSampleLetter, type SampleLetter } from '../../src/cli/sample-letter.js';
import type { VerifyOptions } from '../../src/pades/verify.js';

export const FIXTURES_DIR = fileURLToPath(new URL('../../certs-fixtures/', import.meta.url));
export const P12_PASSWORD = 'docaxis-test';

export function fixture(name: string): Uint8Array {
  return readFileSync(FIXTURES_DIR + name);
}

export function fixtureSigner(name: string): SignerAdapter {
  return loadPkcs12Signer(fixture(`${name}.p12`), P12_PASSWORD);
}

/** Trust the fixture root, know the intermediate, and have both CRLs: a well-configured verifier. */
export function trustedOptions(extra: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    trustAnchors: readCertificates(fixture('trust-anchors.pem')),
    intermediates: readCertificates(fixture('intermediates.pem')),
    crls: readCrls(fixture('crls.pem')),
    ...extra,
  };
}

export function fixtureTimestamper(clock?: () => Date): Timestamper {
  const k = loadPkcs12(fixture('tsa.p12'), P12_PASSWORD);
  return localTimestamper(new TimestampAuthority({ certificate: k.certificate, privateKey: k.privateKey, chain: k.chain, ...(clock ? { clock } : {}) }));
}

export async function fontBytes(): Promise<Uint8Array> {
  return loadFontBytes();
}

export async function sampleLetter(opts: { extraPages?: number; useObjectStreams?: boolean } = {}): Promise<SampleLetter> {
  return makeSampleLetter({ fontBytes: await loadFontBytes(), ...opts });
}

export function image(name: string): Uint8Array {
  return fixture(`images/${name}.png`);
}
