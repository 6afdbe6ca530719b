// seal-and-send with the agency key in an HSM (SoftHSM2 through PKCS#11): the admin binds the
// province's token key over HTTP, the clerk seals and sends a signed draft with it; both
// signatures verify (ours and pdfsig), the log names the PKCS#11 key. A token whose PIN variable
// is gone at seal time is refused before any number is taken (the key opens before the register
// transaction): nothing registered, nothing sent, the draft still signed.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Pkcs11Host } from '../../src/pki/pkcs11-host.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { fixtureSigner, sampleLetter, trustedOptions } from '../support/fixtures.js';
import { fixtureNssDb, pdfsig, qpdfCheck, tempDir, writeTemp } from '../support/oracles.js';
import { forEachDatabase } from '../support/databases.js';
import { SOFTHSM_MODULE, createSoftHsm } from '../support/softhsm.js';
import { HEALTH_DEPT, PROVINCE, type Harness, startHarness } from './harness.js';
import { draftMetadata, type Person, person } from './drafts-helpers.js';
import { sealAndSend, signedDraft } from './seal-and-send-helpers.js';

const PIN = '445566';
let host: Pkcs11Host;
let letter: Uint8Array;

beforeAll(async () => {
  const hsm = createSoftHsm();
  hsm.addToken({ label: 'ubnd', pin: PIN, fixture: 'seal-ubnd-thai-binh' });
  hsm.addToken({ label: 'syt', pin: PIN, fixture: 'seal-syt-thai-binh' });
  host = new Pkcs11Host({ timeoutMs: 30_000 });
  letter = (await sampleLetter()).pdf;
});
afterAll(() => host.shutdown());

forEachDatabase('http seal-and-send with a SoftHSM2 key', (t) => {
  let h: Harness;
  const env: Record<string, string> = { SEAL_PIN: PIN, SYT_PIN: PIN };
  const bind = (code: string, tokenLabel: string, pinEnv: string) =>
    h.app.inject({ method: 'POST', url: `/api/v1/admin/agencies/${code}/seal-key`, headers: { authorization: h.tokens.admin }, payload: { modulePath: SOFTHSM_MODULE, tokenLabel, keyLabel: 'seal', pinEnv } });

  beforeAll(async () => {
    // No fixture keys: only the bound HSM keys seal.
    h = await startHarness(t.stores, { sealKeys: { allowedModules: [SOFTHSM_MODULE], env, host } });
  });

  it('the province’s token key seals; both signatures valid (verifier, pdfsig), qpdf clean, "Số: 1/UBND" on page 1, the log names the PKCS#11 key', async () => {
    const drafter: Person = await person(h, PROVINCE, 'Chuyên viên Hà', ['drafter']);
    const signer: Person = await person(h, PROVINCE, 'Nguyễn Văn An', ['signer']);
    const bound = await bind(PROVINCE, 'ubnd', 'SEAL_PIN');
    expect(bound.statusCode, bound.body).toBe(201);
    const id = await signedDraft(h, drafter, signer, fixtureSigner('signer-nguyen-van-an'), letter);
    const res = await sealAndSend(h, h.tokens.clerk(PROVINCE), id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().registerEntry).toMatchObject({ number: 1, notation: 'UBND' });

    const file = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${res.json().documentId}/file`, headers: { authorization: h.tokens.clerk(HEALTH_DEPT) } });
    expect(file.statusCode).toBe(200);
    const sent = new Uint8Array(file.rawPayload);
    const report = verifyPdf(sent, trustedOptions());
    expect(report.document.verdict).toBe('valid');
    expect(report.signatures.map((s) => [s.indication, s.signer?.commonName])).toEqual([
      ['TOTAL_PASSED', 'Nguyễn Văn An'],
      ['TOTAL_PASSED', 'Ủy ban nhân dân tỉnh Thái Bình'],
    ]);
    const path = writeTemp(tempDir(), 'hsm-sent.pdf', sent);
    expect(pdfsig(path, fixtureNssDb()).map((s) => s.signatureValid)).toEqual([true, true]);
    expect(qpdfCheck(path).ok).toBe(true);
    expect(execFileSync('pdftotext', ['-f', '1', '-l', '1', path, '-'], { encoding: 'utf8' })).toContain('Số: 1/UBND');
    const log = (await t.stores.log.search({ event: 'document.sealed' }, { limit: 50 })).items;
    expect(log.some((e) => String(e.details['key']).startsWith('pkcs11:') && String(e.details['key']).includes('ubnd'))).toBe(true);
  }, 180_000);

  it('a token whose PIN is gone at seal time: clear error, no number consumed, no document, the draft stays signed', async () => {
    const drafter: Person = await person(h, HEALTH_DEPT, 'Chuyên viên Sở Y tế', ['drafter']);
    const signer: Person = await person(h, HEALTH_DEPT, 'Trần Thị Bình', ['signer']);
    const bound = await bind(HEALTH_DEPT, 'syt', 'SYT_PIN');
    expect(bound.statusCode, bound.body).toBe(201);
    const id = await signedDraft(h, drafter, signer, fixtureSigner('signer-tran-thi-binh'), letter, draftMetadata({ recipients: [PROVINCE] }));
    const healthId = (await t.stores.agencies.byCode(HEALTH_DEPT))!.id;
    delete env['SYT_PIN'];
    const failed = await sealAndSend(h, h.tokens.clerk(HEALTH_DEPT), id);
    expect(failed.json().error.code).toBe('ENV_VAR_MISSING');
    expect((await t.stores.register.search({ agencyId: healthId }, { limit: 10 })).items).toEqual([]);
    expect((await t.stores.drafts.byId(id))?.status).toBe('signed');
    expect((await t.stores.log.search({ event: 'document.sent', agencyId: healthId } as never, { limit: 10 })).items.filter((e) => e.agencyId === healthId)).toEqual([]);

    env['SYT_PIN'] = PIN;
    const ok = await sealAndSend(h, h.tokens.clerk(HEALTH_DEPT), id);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().registerEntry).toMatchObject({ number: 1, notation: 'SYT' });
  }, 180_000);
});
