// Issue 12, the whole path through HTTP: a drafter uploads and submits, the signer signs with the
// fixture key (dataToSign), the clerk calls seal-and-send: the register gives number 1, the
// agency's TEST-ONLY fixture key seals over the signer's image with "Số: 1/UBND" as a widget of
// the seal, and the ordinary send delivers it. Oracles: our verifier, pdfsig, qpdf, pdftotext.
// Then the refusals, a seal failure that gives its number back, and 20 concurrent clerks.
import { execFileSync } from 'node:child_process';
import { beforeAll, expect, it } from 'vitest';
import { vietnamYear } from '../../src/exchange/document-notation.js';
import { fixtureSealKeys } from '../../src/service-keys.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { FIXTURES_DIR, P12_PASSWORD, fixtureSigner, sampleLetter, trustedOptions } from '../support/fixtures.js';
import { fixtureNssDb, pdfsig, qpdfCheck, tempDir, writeTemp } from '../support/oracles.js';
import { forEachDatabase, type TestDatabase } from '../support/databases.js';
import { HEALTH_DEPT, PROVINCE, type Harness, startHarness } from './harness.js';
import { draftBody, draftMetadata, type Person, person, submit, uploadDraft } from './drafts-helpers.js';
import { sealAndSend, signedDraft } from './seal-and-send-helpers.js';

let letter: Uint8Array;
beforeAll(async () => {
  letter = (await sampleLetter()).pdf;
});

async function registerNumbers(t: TestDatabase, agencyId: string): Promise<number[]> {
  return (await t.stores.register.search({ agencyId }, { limit: 200 })).items.map((e) => e.number).sort((a, b) => a - b);
}

forEachDatabase('http seal-and-send', (t) => {
  let h: Harness;
  let drafter: Person;
  let signer: Person;
  let provinceId: string;
  const an = fixtureSigner('signer-nguyen-van-an');

  beforeAll(async () => {
    const fixtures = fixtureSealKeys({ path: (n) => FIXTURES_DIR + n, password: P12_PASSWORD });
    h = await startHarness(t.stores, { sealKeys: { allowedModules: [], env: {}, fixtures } });
    drafter = await person(h, PROVINCE, 'Chuyên viên Hà', ['drafter']);
    signer = await person(h, PROVINCE, 'Nguyễn Văn An', ['signer']);
    provinceId = (await t.stores.agencies.byCode(PROVINCE))!.id;
  });

  it('signed draft -> number 1, sealed over the signer with "Số: 1/UBND", sent; verifier, pdfsig, qpdf and pdftotext agree', async () => {
    const id = await signedDraft(h, drafter, signer, an, letter);
    const signedVersion = (await t.stores.drafts.versions(id)).at(-1)!;
    const res = await sealAndSend(h, h.tokens.clerk(PROVINCE), id);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toEqual({ registerEntry: { number: 1, year: vietnamYear(new Date()), notation: 'UBND', registeredAt: expect.any(String) }, documentId: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    // The draft is sent; its history and the register point at the document.
    const detail = (await h.app.inject({ method: 'GET', url: `/api/v1/drafts/${id}`, headers: { authorization: drafter.auth } })).json();
    expect(detail.draft.status).toBe('sent');
    expect(detail.events.at(-1)).toMatchObject({ kind: 'sent', details: { documentId: body.documentId, codeNumber: '1', codeNotation: 'UBND' } });
    const [entry] = (await t.stores.register.search({ agencyId: provinceId }, { limit: 10 })).items;
    expect(entry).toMatchObject({ number: 1, documentId: body.documentId, documentSha256: signedVersion.fileSha256, signerName: 'Nguyễn Văn An' });

    // The recipient's inbox has it, with the register's number.
    const inbox = await h.app.inject({ method: 'GET', url: '/api/v1/inbox', headers: { authorization: h.tokens.clerk(HEALTH_DEPT) } });
    const item = (inbox.json().items as Array<{ document: { id: string; metadata: { codeNumber: string; codeNotation: string } } }>).find((i) => i.document.id === body.documentId);
    expect(item?.document.metadata).toMatchObject({ codeNumber: '1', codeNotation: 'UBND' });

    const file = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${body.documentId}/file`, headers: { authorization: h.tokens.clerk(HEALTH_DEPT) } });
    expect(file.statusCode).toBe(200);
    const sent = new Uint8Array(file.rawPayload);
    const report = verifyPdf(sent, trustedOptions());
    expect(report.document.verdict, JSON.stringify(report.signatures.map((s) => [s.fieldName, s.indication, s.errors]))).toBe('valid');
    const [theSigner, seal] = report.signatures;
    expect(theSigner).toMatchObject({ indication: 'TOTAL_PASSED', modifiedAfterSigning: 'allowed' });
    expect(theSigner!.signer?.commonName).toBe('Nguyễn Văn An');
    expect(seal).toMatchObject({ fieldName: 'VanThu', indication: 'TOTAL_PASSED', modifiedAfterSigning: 'none' });
    expect(seal!.signer?.commonName).toBe('Ủy ban nhân dân tỉnh Thái Bình');
    expect(theSigner!.modifications.disallowed).toEqual([]);
    // The seal's main widget and its number and date widgets, each named as the seal's.
    const widgets = theSigner!.modifications.allowed.filter((m) => m.kind === 'signature-widget-added');
    expect(widgets).toHaveLength(3);
    expect(widgets.every((m) => m.description.includes('VanThu'))).toBe(true);

    const dir = tempDir();
    const path = writeTemp(dir, 'sent.pdf', sent);
    const sigs = pdfsig(path, fixtureNssDb());
    expect(sigs.map((s) => [s.signatureValid, s.certificateTrusted])).toEqual([
      [true, true],
      [true, true],
    ]);
    const q = qpdfCheck(path);
    expect(q.ok, q.output).toBe(true);
    const page1 = execFileSync('pdftotext', ['-f', '1', '-l', '1', path, '-'], { encoding: 'utf8' });
    expect(page1).toContain('Số: 1/UBND');
    expect(page1).toMatch(/Thái Bình, ngày \d{2} tháng \d{1,2} năm \d{4}/);

    // Logged: the seal (who, key, hashes, method) and the draft's step.
    const log = (await t.stores.log.search({}, { limit: 500 })).items;
    const sealed = log.find((e) => e.event === 'document.sealed' && e.details['sha256Before'] === signedVersion.fileSha256);
    expect(sealed?.details).toMatchObject({ key: 'process:fixture:seal-ubnd-thai-binh', method: expect.stringContaining('agency seal'), sha256After: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(log.some((e) => e.event === 'draft.sent' && e.details['draftId'] === id && e.details['documentId'] === body.documentId)).toBe(true);
  }, 120_000);

  it('refusals: not a clerk, another agency’s clerk, a draft not signed, a sent draft again, a loose body', async () => {
    const notSigned = await uploadDraft(h, drafter, letter);
    await submit(h, drafter, notSigned, signer.id);
    const signed = await signedDraft(h, drafter, signer, an, letter);
    const before = await registerNumbers(t, provinceId);

    const byDrafter = await sealAndSend(h, drafter.auth, signed);
    expect([byDrafter.statusCode, byDrafter.json().error.code]).toEqual([403, 'FORBIDDEN']);
    const bySigner = await sealAndSend(h, signer.auth, signed);
    expect([bySigner.statusCode, bySigner.json().error.code]).toEqual([403, 'FORBIDDEN']);
    const foreign = await sealAndSend(h, h.tokens.clerk(HEALTH_DEPT), signed);
    expect([foreign.statusCode, foreign.json().error.code]).toEqual([404, 'NOT_FOUND']);
    const early = await sealAndSend(h, h.tokens.clerk(PROVINCE), notSigned);
    expect([early.statusCode, early.json().error.code]).toEqual([409, 'DRAFT_STATE_INVALID']);
    for (const bad of [{ extra: 1 }, { numberPlacement: { page: 1, x: 10, y: 10, width: 0, height: 10 } }, { numberPlacement: { page: 0, x: 10, y: 10, width: 10, height: 10 } }, { sealPlacement: { page: 1, x: 1, y: 1, width: 5, height: 5, more: true } }]) {
      const r = await sealAndSend(h, h.tokens.clerk(PROVINCE), signed, bad);
      expect([r.statusCode, r.json().error.code], JSON.stringify(bad)).toEqual([400, 'USAGE']);
    }
    expect(await registerNumbers(t, provinceId)).toEqual(before);

    const ok = await sealAndSend(h, h.tokens.clerk(PROVINCE), signed, { numberPlacement: { page: 1, x: 60, y: 700, width: 180, height: 16 } });
    expect(ok.statusCode, ok.body).toBe(200);
    const again = await sealAndSend(h, h.tokens.clerk(PROVINCE), signed);
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'DRAFT_STATE_INVALID']);
  }, 120_000);

  it('a classified draft never reaches seal-and-send: refused at upload, no draft stored', async () => {
    const before = (await t.stores.drafts.list({ agencyId: provinceId }, { limit: 500 })).items.length;
    const body = draftBody(draftMetadata({ classification: 'MAT' }), letter);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/drafts', headers: { ...body.headers, authorization: drafter.auth }, payload: body.payload });
    expect([res.statusCode, res.json().error.code]).toEqual([422, 'CLASSIFIED_REFUSED']);
    expect((await t.stores.drafts.list({ agencyId: provinceId }, { limit: 500 })).items.length).toBe(before);
  });

  it('a seal that fails after registering consumes no number and sends nothing; the next one takes that number', async () => {
    const id = await signedDraft(h, drafter, signer, an, letter);
    const numbers = await registerNumbers(t, provinceId);
    const sentCount = async () => (await t.stores.log.search({ event: 'document.sent' }, { limit: 500 })).items.length;
    const documents = await sentCount();
    // Page 99 does not exist: the seal fails inside the transaction, after the number was taken.
    const failed = await sealAndSend(h, h.tokens.clerk(PROVINCE), id, { sealPlacement: { page: 99, x: 10, y: 10, width: 100, height: 100 } });
    expect(failed.statusCode, failed.body).toBeGreaterThanOrEqual(400);
    expect(await registerNumbers(t, provinceId)).toEqual(numbers);
    expect(await sentCount()).toBe(documents);
    expect((await t.stores.drafts.byId(id))?.status).toBe('signed');
    const log = (await t.stores.log.search({}, { limit: 500 })).items;
    expect(log.some((e) => e.event === 'draft.refused' && e.details['draftId'] === id && e.details['step'] === 'seal-and-send')).toBe(true);

    const ok = await sealAndSend(h, h.tokens.clerk(PROVINCE), id);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().registerEntry.number).toBe(Math.max(0, ...numbers) + 1);
  }, 120_000);

  it('20 concurrent seal-and-sends of 20 signed drafts get 20 distinct consecutive numbers', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await signedDraft(h, drafter, signer, an, letter));
    const start = Math.max(0, ...(await registerNumbers(t, provinceId))) + 1;
    const answers = await Promise.all(ids.map((id) => sealAndSend(h, h.tokens.clerk(PROVINCE), id)));
    for (const a of answers) expect(a.statusCode, a.body).toBe(200);
    const numbers = answers.map((a) => a.json().registerEntry.number as number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => start + i));
    expect(new Set(answers.map((a) => a.json().documentId)).size).toBe(20);
  }, 600_000);
});
