// The agency seal from an HSM (SoftHSM2 through PKCS#11): an admin binds a token key to an agency,
// its clerk seals, docaxis and pdfsig accept the result and the send path takes it; every wrong
// binding is refused with nothing stored; the demo falls back to the fixture keys; another
// agency's clerk cannot seal; the event loop stays responsive under 20 concurrent seals.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindSealKey, listSealKeys, unbindSealKey } from '../../src/exchange/admin-seal-keys.js';
import { sealDocument, type SealDocumentDeps } from '../../src/exchange/seal-document.js';
import { createAgencySealKeys, type SealKeyOptions } from '../../src/exchange/seal-keys.js';
import { sendDocument } from '../../src/exchange/send-document.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { Pkcs11Host } from '../../src/pki/pkcs11-host.js';
import { fixtureSealKeys } from '../../src/service-keys.js';
import { FIXTURES_DIR, P12_PASSWORD, fontBytes, trustedOptions } from '../support/fixtures.js';
import { fixtureNssDb, pdfsig, tempDir, writeTemp } from '../support/oracles.js';
import { SOFTHSM_MODULE, createSoftHsm, type SoftHsm } from '../support/softhsm.js';
import { CODES, makeLetters, makeWorld, metadata, refused, type Letters, type World } from './world.js';

const PIN = '246810';
let hsm: SoftHsm;
let host: Pkcs11Host;
let w: World;
let L: Letters;
let font: Uint8Array;

beforeAll(async () => {
  hsm = createSoftHsm();
  hsm.addToken({ label: 'ubnd-thai-binh', pin: PIN, fixture: 'seal-ubnd-thai-binh' });
  hsm.addToken({ label: 'syt-thai-binh', pin: PIN, fixture: 'seal-syt-thai-binh' });
  hsm.addToken({ label: 'rogue', pin: PIN, fixture: 'neg-rogue-signer' });
  host = new Pkcs11Host({ timeoutMs: 30_000 });
  [w, L, font] = await Promise.all([makeWorld(), makeLetters(), fontBytes()]);
});
afterAll(() => host.shutdown());

const ENV = { SEAL_PIN: PIN, BAD_PIN: '000000' };
const options = (over: Partial<SealKeyOptions> = {}): SealKeyOptions => ({ allowedModules: [hsm.module], env: ENV, host, intermediates: w.deps.intermediates ?? [], ...over });
const binding = (over: Record<string, string> = {}) => ({ modulePath: SOFTHSM_MODULE, tokenLabel: 'ubnd-thai-binh', keyLabel: 'seal', pinEnv: 'SEAL_PIN', ...over });
const sealDeps = (opts: SealKeyOptions): SealDocumentDeps => ({ ...w.deps, sealKeys: createAgencySealKeys(w.stores, opts) });
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const overChairman = () => ({ placement: { kind: 'over' as const, field: 'ChuTich' }, fontBytes: font });

/** Nothing changed: no binding, no log entry. */
function snapshot() {
  return { keys: w.stores.state.sealKeys.length, log: w.stores.state.log.length, certs: w.stores.state.certificates.length };
}

describe('binding an HSM key to an agency (admin)', () => {
  it.each([
    ['a wrong PIN', binding({ pinEnv: 'BAD_PIN' }), 'HSM_PIN_INCORRECT'],
    ['a PIN variable that is not set', binding({ pinEnv: 'NO_SUCH_VAR' }), 'ENV_VAR_MISSING'],
    ['a module outside PKCS11_MODULES', binding({ modulePath: '/usr/lib/x86_64-linux-gnu/libc.so.6' }), 'HSM_MODULE_NOT_ALLOWED'],
    ['a missing token', binding({ tokenLabel: 'no-such-token' }), 'HSM_TOKEN_NOT_FOUND'],
    ['a missing key', binding({ keyLabel: 'no-such-key' }), 'HSM_KEY_NOT_FOUND'],
    ['a certificate of another agency (Sở Y tế’s key for the province)', binding({ tokenLabel: 'syt-thai-binh' }), 'SEAL_KEY_INVALID'],
    ['a certificate that does not chain to the trust store', binding({ tokenLabel: 'rogue' }), 'SEAL_KEY_INVALID'],
  ])('%s: refused, nothing stored', async (_name, input, code) => {
    const before = snapshot();
    await refused(bindSealKey(w.deps, w.admin, CODES.province, input, options()), code as never);
    expect(snapshot()).toEqual(before);
  });

  it('only an admin binds (a clerk: FORBIDDEN, logged as denied)', async () => {
    await refused(bindSealKey(w.deps, w.clerk.province, CODES.province, binding(), options()), 'FORBIDDEN');
    expect(w.stores.state.log.at(-1)!.event).toBe('access.denied');
    expect(w.stores.state.sealKeys).toHaveLength(0);
  });

  it('binds the key, with the certificate read from the token; logged without a PIN; listed; unbound', async () => {
    const view = await bindSealKey(w.deps, w.admin, CODES.province, binding(), options());
    expect(view).toMatchObject({ agencyCode: CODES.province, tokenLabel: 'ubnd-thai-binh', keyLabel: 'seal', pinEnv: 'SEAL_PIN', active: true });
    expect(view.subject).toContain('MCQ:000.00.00.H54');
    const entry = w.stores.state.log.at(-1)!;
    expect(entry.event).toBe('admin.seal-key');
    expect(entry.details).toMatchObject({ action: 'bind', key: 'pkcs11:token=ubnd-thai-binh;object=seal;id=%01', pinEnv: 'SEAL_PIN' });
    expect(JSON.stringify(entry.details)).not.toContain(PIN);
    // Binding again replaces: one active binding.
    await bindSealKey(w.deps, w.admin, CODES.province, binding(), options());
    const listed = await listSealKeys(w.deps, w.admin, CODES.province);
    expect(listed.map((b) => b.active)).toEqual([true, false]);
    await unbindSealKey(w.deps, w.admin, CODES.province);
    expect((await listSealKeys(w.deps, w.admin, CODES.province)).every((b) => !b.active)).toBe(true);
    await refused(unbindSealKey(w.deps, w.admin, CODES.province), 'NOT_FOUND');
  });
});

describe('sealing with the agency key (clerk)', () => {
  beforeAll(async () => {
    await bindSealKey(w.deps, w.admin, CODES.province, binding(), options());
  });

  it('seals on the token: docaxis and pdfsig accept both signatures; logged; the send path takes it', async () => {
    const deps = sealDeps(options());
    const sealed = await sealDocument(deps, w.clerk.province, L.chairmanOnly, overChairman());
    expect(sealed.key).toBe('pkcs11:token=ubnd-thai-binh;object=seal;id=%01');
    expect(sealed.sha256Before).toBe(sha256(L.chairmanOnly));
    expect(sealed.sha256After).toBe(sha256(sealed.pdf));
    expect(Buffer.from(sealed.pdf.subarray(0, L.chairmanOnly.length)).equals(Buffer.from(L.chairmanOnly))).toBe(true);

    const report = verifyPdf(sealed.pdf, trustedOptions());
    expect(report.signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
    const oracle = pdfsig(writeTemp(tempDir(), 'sealed.pdf', sealed.pdf), fixtureNssDb());
    expect(oracle.map((s) => [s.signatureValid, s.certificateTrusted])).toEqual([
      [true, true],
      [true, true],
    ]);

    const entry = w.stores.state.log.at(-1)!;
    expect(entry).toMatchObject({ event: 'document.sealed', actorUserId: w.clerk.province.user.id, agencyId: w.clerk.province.agency.id });
    expect(entry.details).toMatchObject({ key: sealed.key, certificateSha256: sealed.certificateSha256, sha256Before: sealed.sha256Before, sha256After: sealed.sha256After });

    const sent = await sendDocument(w.deps, w.clerk.province, { metadata: metadata(), pdf: sealed.pdf });
    expect(sent.document.senderAgencyId).toBe(w.clerk.province.agency.id);
  });

  it('another agency’s clerk cannot seal with this agency’s key; an auditor cannot seal at all', async () => {
    const deps = sealDeps(options());
    await refused(sealDocument(deps, w.clerk.health, L.chairmanOnly, { agencyId: w.clerk.province.agency.id }), 'FORBIDDEN');
    await refused(sealDocument(deps, w.auditor, L.chairmanOnly), 'FORBIDDEN');
  });

  it('demo fallback: an agency with no binding seals with its TEST-ONLY fixture key and seal image; without fixtures: SEAL_KEY_MISSING', async () => {
    const fixtures = fixtureSealKeys({ path: (n) => FIXTURES_DIR + n, password: P12_PASSWORD });
    const sealed = await sealDocument(sealDeps(options({ fixtures })), w.clerk.health, L.chairmanOnly, overChairman());
    expect(sealed.key).toBe('process:fixture:seal-syt-thai-binh');
    expect(verifyPdf(sealed.pdf, trustedOptions()).signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
    expect(Buffer.from(sealed.pdf).includes(Buffer.from('/Subtype /Image'))).toBe(true);
    await refused(sealDocument(sealDeps(options()), w.clerk.health, L.chairmanOnly), 'SEAL_KEY_MISSING');
  });

  it('a PIN variable changed to a wrong PIN: the seal fails with HSM_PIN_INCORRECT and nothing is logged as sealed', async () => {
    // A fresh host: the token is not logged in yet in its thread's eyes.
    const other = new Pkcs11Host({ timeoutMs: 30_000 });
    try {
      const deps = sealDeps(options({ host: other, env: { SEAL_PIN: '999999' } }));
      const before = w.stores.state.log.filter((e) => e.event === 'document.sealed').length;
      await refused(sealDocument(deps, w.clerk.province, L.chairmanOnly), 'HSM_PIN_INCORRECT');
      expect(w.stores.state.log.filter((x) => x.event === 'document.sealed').length).toBe(before);
    } finally {
      await other.shutdown();
    }
  });

  it('20 concurrent seals on the token: all verify, and the event loop stays responsive', async () => {
    const deps = sealDeps(options());
    await sealDocument(deps, w.clerk.province, L.chairmanOnly); // the key opened once, outside the measure
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const sealed = await Promise.all(Array.from({ length: 20 }, () => sealDocument(deps, w.clerk.province, L.chairmanOnly)));
    delay.disable();
    for (const s of sealed) expect(verifyPdf(s.pdf, trustedOptions()).signatures.at(-1)!.indication).toBe('TOTAL_PASSED');
    // Generous: the PDF work of each seal runs on this thread (tens of ms); a token call never does.
    expect(delay.max / 1e6).toBeLessThan(1500);
    expect(delay.percentile(50) / 1e6).toBeLessThan(200);
  });
});
