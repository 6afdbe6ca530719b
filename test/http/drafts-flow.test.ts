// Issue 12 through HTTP: a drafter uploads and submits, the named signer prepares, signs
// dataToSign with the fixture key and completes; the signed draft verifies with our verifier and
// with pdfsig. Then each refusal: classified (no byte stored), not a signer, a signer of another
// agency, a mismatching value, a reused preparedId, a changed version, visibility.
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { verifyPdf } from '../../src/pades/verify.js';
import { fixtureSigner, sampleLetter, trustedOptions } from '../support/fixtures.js';
import { fixtureNssDb, pdfsig, qpdfCheck, tempDir, writeTemp } from '../support/oracles.js';
import { forEachDatabase, rowsOf, type TestDatabase } from '../support/databases.js';
import { HEALTH_DEPT, PROVINCE, type Harness, startHarness } from './harness.js';
import { complete, draftBody, draftMetadata, type Person, person, prepare, signValue, submit, uploadDraft } from './drafts-helpers.js';

let letter: Uint8Array;
beforeAll(async () => {
  letter = (await sampleLetter()).pdf;
});

forEachDatabase('http drafts and staged signing', (t) => {
  let h: Harness;
  let drafter: Person;
  let signer: Person;
  let otherDrafter: Person;
  let foreignSigner: Person;
  const an = fixtureSigner('signer-nguyen-van-an');

  beforeAll(async () => {
    h = await startHarness(t.stores);
    drafter = await person(h, PROVINCE, 'Chuyên viên Hà', ['drafter']);
    signer = await person(h, PROVINCE, 'Nguyễn Văn An', ['signer', 'drafter']);
    otherDrafter = await person(h, PROVINCE, 'Chuyên viên khác', ['drafter']);
    foreignSigner = await person(h, HEALTH_DEPT, 'Giám đốc Sở Y tế', ['signer']);
  });

  it('drafter uploads and submits, the signer prepares, signs dataToSign and completes; verifier and pdfsig accept the result', async () => {
    const id = await uploadDraft(h, drafter, letter);
    await submit(h, drafter, id, signer.id);

    const prepared = await prepare(h, signer, id, an, { page: 1, rect: [320, 80, 220, 90] });
    expect(prepared.statusCode, prepared.body).toBe(201);
    const answer = prepared.json();
    expect(answer).toMatchObject({ draftId: id, version: 1, digestAlgorithm: 'sha256', keyAlgorithm: 'rsa' });
    // PREPARED_SIGNATURE_TTL_MINUTES defaults to 10.
    const life = new Date(answer.expiresAt).getTime() - Date.now();
    expect(life).toBeGreaterThan(9 * 60_000);
    expect(life).toBeLessThanOrEqual(10 * 60_000);
    expect(prepared.headers['cache-control']).toBe('no-store');
    // The digest the service gave is the SHA-256 of the bytes it asks us to sign.
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(Buffer.from(answer.dataToSign, 'base64')).digest('base64')).toBe(answer.digest);

    const done = await complete(h, signer, id, answer.preparedId, await signValue(an, answer.dataToSign));
    expect(done.statusCode, done.body).toBe(200);
    const body = done.json();
    expect(body.draft.status).toBe('signed');
    expect(body.draft.currentVersion).toBe(2);
    expect(body.signature).toMatchObject({ indication: 'TOTAL_PASSED', level: 'B-T' });
    expect(body.events.map((e: { kind: string }) => e.kind)).toEqual(['created', 'submitted', 'signature-prepared', 'signed']);
    const signedEvent = body.events.at(-1);
    expect(signedEvent.details).toMatchObject({ method: 'staged-external', certificateSha256: expect.stringMatching(/^[0-9a-f]{64}$/), sha256Before: body.versions[0].fileSha256, sha256After: body.versions[1].fileSha256 });

    const file = await h.app.inject({ method: 'GET', url: `/api/v1/drafts/${id}/file`, headers: { authorization: signer.auth } });
    expect(file.statusCode).toBe(200);
    const signed = new Uint8Array(file.rawPayload);
    // The original version is the untouched start of the signed file (incremental update).
    expect(Buffer.from(signed.subarray(0, letter.length)).equals(Buffer.from(letter))).toBe(true);

    const report = verifyPdf(signed, trustedOptions());
    expect(report.document.verdict).toBe('valid');
    expect(report.signatures).toHaveLength(1);
    expect(report.signatures[0]!.signer?.commonName).toContain('Nguyễn Văn An');
    expect(report.signatures[0]!.timestamp?.valid).toBe(true);

    const dir = tempDir();
    const path = writeTemp(dir, 'signed.pdf', signed);
    const sigs = pdfsig(path, fixtureNssDb());
    expect(sigs).toHaveLength(1);
    expect(sigs[0]!.signatureValid).toBe(true);
    expect(sigs[0]!.certificateTrusted).toBe(true);
    expect(sigs[0]!.totalDocumentSigned).toBe(true);
    expect(qpdfCheck(path).ok).toBe(true);

    // Every step is in the exchange log.
    const logged = await t.stores.log.search({}, { limit: 200 });
    const steps = logged.items.filter((e) => e.details['draftId'] === id).map((e) => e.event);
    expect(steps.sort()).toEqual(['draft.created', 'draft.signature-prepared', 'draft.signed', 'draft.submitted']);
  });

  it('an already signed draft: the new signature is added by incremental update and the first stays valid', async () => {
    const { joinDocument } = await import('../../src/pades/complete.js');
    const { signPdf } = await import('../../src/pades/sign.js');
    const presigned = joinDocument(await signPdf(letter, fixtureSigner('signer-tran-thi-binh'), { fieldName: 'ThamMuu' }));
    const id = await uploadDraft(h, drafter, presigned);
    await submit(h, drafter, id, signer.id);
    const answer = (await prepare(h, signer, id, an)).json();
    const done = await complete(h, signer, id, answer.preparedId, await signValue(an, answer.dataToSign));
    expect(done.statusCode, done.body).toBe(200);
    const file = await h.app.inject({ method: 'GET', url: `/api/v1/drafts/${id}/file`, headers: { authorization: h.tokens.clerk(PROVINCE) } });
    const report = verifyPdf(new Uint8Array(file.rawPayload), trustedOptions());
    expect(report.document.verdict).toBe('valid');
    expect(report.signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
    const dir = tempDir();
    const sigs = pdfsig(writeTemp(dir, 'two.pdf', new Uint8Array(file.rawPayload)), fixtureNssDb());
    expect(sigs.map((x) => x.signatureValid)).toEqual([true, true]);
  });

  it('the signer returns with a comment (required); the drafter revises and resubmits', async () => {
    const id = await uploadDraft(h, drafter, letter);
    await submit(h, drafter, id, signer.id);
    const empty = await h.app.inject({ method: 'POST', url: `/api/v1/drafts/${id}/return`, headers: { authorization: signer.auth }, payload: { comment: '   ' } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('COMMENT_REQUIRED');
    const nul = await h.app.inject({ method: 'POST', url: `/api/v1/drafts/${id}/return`, headers: { authorization: signer.auth }, payload: { comment: 'a\u0000b' } });
    expect(nul.json().error.code).toBe('TEXT_INVALID');
    const back = await h.app.inject({ method: 'POST', url: `/api/v1/drafts/${id}/return`, headers: { authorization: signer.auth }, payload: { comment: 'Sửa lại trích yếu' } });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json().draft.status).toBe('returned');

    const body = draftBody(draftMetadata({ subject: 'V/v triển khai (sửa)' }), letter);
    const revised = await h.app.inject({ method: 'POST', url: `/api/v1/drafts/${id}/versions`, headers: { ...body.headers, authorization: drafter.auth }, payload: body.payload });
    expect(revised.statusCode, revised.body).toBe(201);
    expect(revised.json().draft).toMatchObject({ status: 'draft', currentVersion: 2 });
    await submit(h, drafter, id, signer.id);
    const detail = await h.app.inject({ method: 'GET', url: `/api/v1/drafts/${id}`, headers: { authorization: drafter.auth } });
    const events = detail.json().events as Array<{ kind: string; comment: string | null }>;
    expect(events.map((e) => e.kind)).toEqual(['created', 'submitted', 'returned', 'revised', 'submitted']);
    expect(events[2]!.comment).toBe('Sửa lại trích yếu');
  });

  it('a classified draft is refused before any byte is stored, and logged without content', async () => {
    const marker = `DOCAXIS-MARKER-${Math.random().toString(36).slice(2)}`;
    const marked = Buffer.concat([Buffer.from(letter), Buffer.from(`\n%${marker}\n`)]);
    const before = await counts(t);
    const body = draftBody(draftMetadata({ classification: 'MAT', subject: `Bí mật ${marker}` }), marked);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/drafts', headers: { ...body.headers, authorization: drafter.auth }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.code).toBe('CLASSIFIED_REFUSED');
    expect(await counts(t)).toEqual(before);
    expect(await databaseHas(t, marker)).toBe(false);
    const [last] = (await t.stores.log.search({ event: 'send.refused' }, { limit: 1 })).items;
    expect(last!.details).toMatchObject({ level: 'MAT' });
    expect(JSON.stringify(last!.details)).not.toContain(marker);
  });

  it('a number in a draft is refused (the register gives it)', async () => {
    const body = draftBody({ ...draftMetadata(), codeNumber: '12' }, letter);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/drafts', headers: { ...body.headers, authorization: drafter.auth }, payload: body.payload });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.details.fields)).toEqual(['codeNumber']);
  });

  it('submitting to a user who is not a signer, or a signer of another agency, is refused', async () => {
    const id = await uploadDraft(h, drafter, letter);
    for (const target of [otherDrafter.id, foreignSigner.id]) {
      const res = await h.app.inject({ method: 'POST', url: `/api/v1/drafts/${id}/submit`, headers: { authorization: drafter.auth }, payload: { signerUserId: target } });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('DRAFT_SIGNER_INVALID');
    }
  });

  it('only the named signer prepares: a drafter is 403, another agency 404, and the draft stays as it was', async () => {
    const id = await uploadDraft(h, drafter, letter);
    await submit(h, drafter, id, signer.id);
    const asDrafter = await prepare(h, drafter, id, an);
    expect(asDrafter.statusCode).toBe(403);
    const foreign = await prepare(h, foreignSigner, id, an);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('NOT_FOUND');
    const other = await h.app.inject({ method: 'GET', url: `/api/v1/drafts/${id}`, headers: { authorization: otherDrafter.auth } });
    expect(other.statusCode).toBe(404);
    const clerk = await h.app.inject({ method: 'GET', url: `/api/v1/drafts/${id}`, headers: { authorization: h.tokens.clerk(PROVINCE) } });
    expect(clerk.statusCode).toBe(200);
    const foreignClerk = await h.app.inject({ method: 'GET', url: `/api/v1/drafts/${id}`, headers: { authorization: h.tokens.clerk(HEALTH_DEPT) } });
    expect(foreignClerk.statusCode).toBe(404);
    expect(clerk.json().draft.status).toBe('submitted');
    expect(clerk.json().events.map((e: { kind: string }) => e.kind)).toEqual(['created', 'submitted']);
  });

  it('a certificate that does not chain to the trust store is refused at prepare', async () => {
    const id = await uploadDraft(h, drafter, letter);
    await submit(h, drafter, id, signer.id);
    const rogue = await prepare(h, signer, id, fixtureSigner('neg-rogue-signer'));
    expect(rogue.statusCode, rogue.body).toBe(422);
    expect(rogue.json().error.code).toBe('SIGNER_CERT_UNTRUSTED');
    const expired = await prepare(h, signer, id, fixtureSigner('neg-expired'));
    expect(expired.json().error.code).toBe('SIGNER_CERT_INVALID');
  });

  it('a mismatching value, a reused preparedId, another user and a changed version are each refused with their own code, nothing changed', async () => {
    const id = await uploadDraft(h, drafter, letter);
    await submit(h, drafter, id, signer.id);
    const answer = (await prepare(h, signer, id, an)).json();

    // Another key's value over the right data; the right key over other data.
    const wrongKey = await complete(h, signer, id, answer.preparedId, await signValue(fixtureSigner('signer-tran-thi-binh'), answer.dataToSign));
    expect(wrongKey.json().error.code).toBe('SIGNATURE_VALUE_MISMATCH');
    const wrongData = await complete(h, signer, id, answer.preparedId, await signValue(an, Buffer.from('other data').toString('base64')));
    expect(wrongData.json().error.code).toBe('SIGNATURE_VALUE_MISMATCH');
    const someoneElse = await complete(h, foreignSigner, id, answer.preparedId, await signValue(an, answer.dataToSign));
    expect(someoneElse.statusCode).toBe(404);
    const sameAgencyOther = await complete(h, otherDrafter, id, answer.preparedId, await signValue(an, answer.dataToSign));
    expect(sameAgencyOther.statusCode).toBe(403);
    const unchanged = await h.app.inject({ method: 'GET', url: `/api/v1/drafts/${id}`, headers: { authorization: drafter.auth } });
    expect(unchanged.json().draft).toMatchObject({ status: 'submitted', currentVersion: 1 });

    // Still usable after those refusals; then used once, and never again.
    const ok = await complete(h, signer, id, answer.preparedId, await signValue(an, answer.dataToSign));
    expect(ok.statusCode, ok.body).toBe(200);
    const again = await complete(h, signer, id, answer.preparedId, await signValue(an, answer.dataToSign));
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('PREPARED_SIGNATURE_USED');

    // Prepared over version 1, then the drafter got it back and revised it: version 2.
    const id2 = await uploadDraft(h, drafter, letter);
    await submit(h, drafter, id2, signer.id);
    const stale = (await prepare(h, signer, id2, an)).json();
    await h.app.inject({ method: 'POST', url: `/api/v1/drafts/${id2}/return`, headers: { authorization: signer.auth }, payload: { comment: 'Sửa' } });
    const body = draftBody(draftMetadata(), letter);
    expect((await h.app.inject({ method: 'POST', url: `/api/v1/drafts/${id2}/versions`, headers: { ...body.headers, authorization: drafter.auth }, payload: body.payload })).statusCode).toBe(201);
    await submit(h, drafter, id2, signer.id);
    const changed = await complete(h, signer, id2, stale.preparedId, await signValue(an, stale.dataToSign));
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.code).toBe('PREPARED_SIGNATURE_VERSION_CHANGED');
    const after = await h.app.inject({ method: 'GET', url: `/api/v1/drafts/${id2}`, headers: { authorization: drafter.auth } });
    expect(after.json().draft).toMatchObject({ status: 'submitted', currentVersion: 2 });
  });
});

async function counts(t: TestDatabase): Promise<Record<string, number>> {
  const [row] = rowsOf<Record<string, number | string>>(
    await t.database.db.execute(sql.raw('select (select count(*) from drafts) as d, (select count(*) from draft_versions) as v, (select count(*) from blobs) as b, (select count(*) from draft_events) as e')),
  );
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
}

async function databaseHas(t: TestDatabase, marker: string): Promise<boolean> {
  const hex = Buffer.from(marker).toString('hex');
  for (const table of ['drafts', 'draft_versions', 'draft_events', 'blobs', 'exchange_log']) {
    const [row] = rowsOf<{ n: number | string }>(await t.database.db.execute(sql.raw(`select count(*) as n from ${table} x where position('${marker}' in x::text) > 0 or position('${hex}' in lower(x::text)) > 0`)));
    if (Number(row!.n) > 0) return true;
  }
  return false;
}
