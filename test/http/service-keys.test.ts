// main.ts's key material: the axis receipt key and the TSA from the configuration, defaulting to
// the TEST-ONLY fixtures (with a warning) in demo mode.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { isDocaxisError } from '../../src/errors.js';
import { describeCertificate } from '../../src/pki/certificate.js';
import { loadServiceKeys } from '../../src/service-keys.js';
import { FIXTURES_DIR, P12_PASSWORD } from '../support/fixtures.js';

const fixtures = { path: (name: string) => FIXTURES_DIR + name, password: P12_PASSWORD };

describe('loadServiceKeys', () => {
  it('demo seals: the fixture key of each seeded agency (with its seal image), none without the demo or with PKCS11_MODULES', () => {
    const seals = loadServiceKeys(loadConfig({}), {}, fixtures).sealFixtures!;
    const key = seals('000.00.12.H54')!;
    expect(key.description).toBe('process:fixture:seal-syt-thai-binh');
    expect(describeCertificate(key.signer.certificate).agencyCode).toBe('000.00.12.H54');
    expect(key.image!.length).toBeGreaterThan(100);
    expect(seals('999.99.99.Z99')).toBeUndefined();
    expect(loadServiceKeys(loadConfig({ DOCAXIS_SEED_DEMO: 'false' }), {}, fixtures).sealFixtures).toBeUndefined();
    expect(loadServiceKeys(loadConfig({ PKCS11_MODULES: '/usr/lib/softhsm/libsofthsm2.so' }), {}, fixtures).sealFixtures).toBeUndefined();
  });

  it('demo mode: the fixture axis key and the built-in TSA, each with a TEST-ONLY warning', async () => {
    const keys = loadServiceKeys(loadConfig({}), {}, fixtures);
    expect(describeCertificate(keys.receiptSigner!.certificate).subject.text).toContain('Trục liên thông văn bản tỉnh Thái Bình - TEST');
    expect(keys.warnings.join('\n')).toMatch(/TEST-ONLY fixture key certs-fixtures\/axis\.p12[\s\S]*built-in TEST-ONLY TSA/);
    expect((await keys.timestamper(new Uint8Array(32), 'sha256')).length).toBeGreaterThan(100);
  });

  it('AXIS_P12 with its password from the named variable; no receipts outside demo mode without it', () => {
    const config = loadConfig({ AXIS_P12: fixtures.path('axis.p12'), AXIS_P12_PASSWORD_ENV: 'AXIS_PW', TSA_URL: 'http://127.0.0.1:9/' });
    const keys = loadServiceKeys(config, { AXIS_PW: P12_PASSWORD }, fixtures);
    expect(keys.receiptSigner).toBeDefined();
    // Only the demo seals' warning is left (no PKCS11_MODULES); with one, none at all.
    expect(keys.warnings).toEqual([expect.stringMatching(/TEST-ONLY fixture keys .* PKCS11_MODULES/)]);
    expect(loadServiceKeys(loadConfig({ AXIS_P12: fixtures.path('axis.p12'), AXIS_P12_PASSWORD_ENV: 'AXIS_PW', TSA_URL: 'http://127.0.0.1:9/', PKCS11_MODULES: '/usr/lib/softhsm/libsofthsm2.so' }), { AXIS_PW: P12_PASSWORD }, fixtures).warnings).toEqual([]);
    const missing = (() => {
      try {
        return loadServiceKeys(config, {}, fixtures);
      } catch (e) {
        return e;
      }
    })();
    expect(isDocaxisError(missing, 'ENV_VAR_MISSING') && missing.message).toContain('AXIS_PW');
    const off = loadServiceKeys(loadConfig({ DOCAXIS_SEED_DEMO: 'false' }), {}, fixtures);
    expect(off.receiptSigner).toBeUndefined();
    expect(off.warnings[0]).toMatch(/no signed receipt/);
  });
});
