// POST /receipts/verify: a receipt from a status event checks out against this axis's receipt
// certificate; a changed byte, a receipt signed by another key of the same PKI, or garbage do not.
import { beforeAll, expect, it } from 'vitest';
import { RECEIPT_TYPE, createReceipt } from '../../src/exchange/receipts.js';
import { forEachDatabase } from '../support/databases.js';
import { fixtureSigner } from '../support/fixtures.js';
import { HEALTH_DEPT, PROVINCE, type Harness, metadata, sealedLetter, sendBody, startHarness } from './harness.js';

forEachDatabase('http POST /receipts/verify', (t) => {
  let h: Harness;
  let receipt: string;
  let documentId: string;
  beforeAll(async () => {
    h = await startHarness(t.stores);
    const body = sendBody(metadata(), await sealedLetter());
    const sent = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
    expect(sent.statusCode, sent.body).toBe(201);
    documentId = sent.json().document.id as string;
    const accepted = await h.app.inject({ method: 'POST', url: `/api/v1/documents/${documentId}/status`, headers: { authorization: h.tokens.clerk(HEALTH_DEPT) }, payload: { status: '03' } });
    expect(accepted.statusCode, accepted.body).toBe(200);
    receipt = accepted.json().event.receipt as string;
  });

  const check = (b64: string, authorization = h.tokens.auditor) => h.app.inject({ method: 'POST', url: '/api/v1/receipts/verify', headers: { authorization }, payload: { receipt: b64 } });

  it('a receipt of this axis: valid, with the signed event and the axis as signer, for every role', async () => {
    for (const token of [h.tokens.clerk(PROVINCE), h.tokens.clerk(HEALTH_DEPT), h.tokens.admin, h.tokens.auditor]) {
      const res = await check(receipt, token);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ valid: true, errors: [] });
      expect(body.content).toMatchObject({ type: RECEIPT_TYPE, kind: 'status', status: '03', documentId, recipientCode: HEALTH_DEPT, senderCode: PROVINCE });
      expect(body.signedAt).toBe(body.content.at);
      expect(body.signer).toContain('Trục liên thông văn bản tỉnh Thái Bình');
    }
  });

  it('one changed byte of the event: not valid, and the content shows what it claims', async () => {
    const der = Buffer.from(receipt, 'base64');
    const at = der.indexOf('"status":"03"') + '"status":"0'.length;
    der[at] = '2'.charCodeAt(0);
    const res = await check(der.toString('base64'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ valid: false, content: { status: '02' } });
    expect(res.json().errors.join()).toMatch(/messageDigest does not match/);
  });

  it('a receipt signed by another certificate of the trusted PKI: not the axis, not valid', async () => {
    const event = { kind: 'status' as const, documentId, edxmlDocumentId: 'x', fileSha256: 'ab'.repeat(32), deliveryId: documentId, recipientCode: HEALTH_DEPT, senderCode: PROVINCE, status: '03' as const, reason: null, at: new Date(), actorUserId: null };
    const forged = await createReceipt(fixtureSigner('seal-ubnd-thai-binh'), event);
    const res = await check(Buffer.from(forged).toString('base64'));
    expect(res.statusCode).toBe(200);
    expect(res.json().valid).toBe(false);
    expect(res.json().errors.join()).toMatch(/not signed with this axis's receipt certificate/);
    expect(res.json().signer).toMatch(/Thái Bình/);
  });

  it('base64 that is no CMS: not valid, reported; not base64 at all: 400', async () => {
    const res = await check(Buffer.from('hello').toString('base64'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ valid: false, signedAt: null, content: null, signer: null });
    expect(res.json().errors.join()).toMatch(/not a CMS SignedData/);

    const bad = await check('*** not base64 ***');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('USAGE');
    const missing = await h.app.inject({ method: 'POST', url: '/api/v1/receipts/verify', headers: { authorization: h.tokens.admin }, payload: {} });
    expect(missing.statusCode).toBe(400);
  });

  it('no token: 401', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/receipts/verify', payload: { receipt } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });
});
