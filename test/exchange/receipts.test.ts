// Receipts signed by the axis: one per delivery arrival and per status change, stored with the
// event in the same transaction, verified by our verifyReceipt and independently by openssl.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StatusEvent } from '../../src/db/ports.js';
import { getDocument } from '../../src/exchange/get-document.js';
import { answerRecall, requestRecall } from '../../src/exchange/recall.js';
import { RECEIPT_TYPE, createReceipt, verifyReceipt } from '../../src/exchange/receipts.js';
import { sendDocument } from '../../src/exchange/send-document.js';
import { updateStatus } from '../../src/exchange/update-status.js';
import { readCertificates } from '../../src/pki/pem.js';
import { fixture, fixtureSigner } from '../support/fixtures.js';
import { opensslVerifyReceipt } from '../support/receipt-oracle.js';
import { CODES, makeLetters, makeWorld, metadata, receiptEvent, type Letters, type World } from './world.js';

const axis = fixtureSigner('axis');
const anchors = readCertificates(fixture('trust-anchors.pem'));
const intermediates = readCertificates(fixture('intermediates.pem'));

let L: Letters;
let w: World;
beforeAll(async () => {
  L = await makeLetters();
});
beforeEach(async () => {
  w = await makeWorld();
  w.deps.receiptSigner = axis;
});

const receiptOf = (e: StatusEvent): Uint8Array => {
  expect(e.receipt, `event ${e.status} has no receipt`).toBeInstanceOf(Uint8Array);
  return e.receipt!;
};

describe('receipts in the flow', () => {
  it('every arrival and status change carries a receipt that names its event; openssl agrees', async () => {
    const sent = await sendDocument(w.deps, w.clerk.province, { metadata: metadata({ recipients: [CODES.health, CODES.district] }), pdf: L.valid });
    const doc = sent.document;
    const accepted = await updateStatus(w.deps, w.clerk.health, doc.id, { status: '03' });
    await requestRecall(w.deps, w.clerk.province, doc.id, 'Gửi nhầm nơi nhận');
    const recalled = await answerRecall(w.deps, w.clerk.district, doc.id, '15');

    const detail = await getDocument(w.deps, w.clerk.province, doc.id);
    const events = detail.deliveries.flatMap((d) => d.events.map((e) => ({ d, e })));
    expect(events.map(({ e }) => e.status).sort()).toEqual(['01', '01', '03', '13', '15']);
    for (const { d, e } of events) {
      const der = receiptOf(e);
      const mine = verifyReceipt(der, anchors, { intermediates });
      expect(mine.errors).toEqual([]);
      expect(mine).toMatchObject({ valid: true, chain: 'valid' });
      expect(mine.signer).toContain('Trục liên thông văn bản tỉnh Thái Bình - TEST');
      expect(mine.event).toEqual({
        kind: e.status === '01' ? 'delivery' : 'status',
        documentId: doc.id,
        edxmlDocumentId: doc.edxmlDocumentId,
        fileSha256: doc.fileSha256,
        deliveryId: d.id,
        recipientCode: d.recipientCode,
        senderCode: CODES.province,
        status: e.status,
        reason: e.reason,
        at: e.at.toISOString(),
        actorUserId: e.actorUserId,
      });

      const oracle = opensslVerifyReceipt(der);
      expect(oracle.stderr).toMatch(/Verification successful/);
      expect(oracle.ok).toBe(true);
      const printed = JSON.parse(oracle.content) as Record<string, unknown>;
      expect(printed).toMatchObject({ type: RECEIPT_TYPE, status: e.status, deliveryId: d.id, fileSha256: doc.fileSha256 });
    }
    // What the use cases hand back is what was stored.
    expect(Buffer.from(receiptOf(accepted.event)).equals(Buffer.from(receiptOf(events.find(({ e }) => e.status === '03')!.e)))).toBe(true);
    expect(verifyReceipt(receiptOf(recalled.event), anchors, { intermediates }).event).toMatchObject({ status: '15', recipientCode: CODES.district });
  });

  it('a rejection receipt carries the reason', async () => {
    const { document } = await sendDocument(w.deps, w.clerk.province, { metadata: metadata(), pdf: L.valid });
    const { event } = await updateStatus(w.deps, w.clerk.health, document.id, { status: '02', reason: 'Sai thẩm quyền' });
    expect(verifyReceipt(receiptOf(event), anchors, { intermediates }).event).toMatchObject({ kind: 'status', status: '02', reason: 'Sai thẩm quyền' });
  });

  it('without an axis key the events carry no receipt', async () => {
    delete w.deps.receiptSigner;
    const { document } = await sendDocument(w.deps, w.clerk.province, { metadata: metadata(), pdf: L.valid });
    const { event } = await updateStatus(w.deps, w.clerk.health, document.id, { status: '03' });
    expect(event.receipt).toBeNull();
    expect(w.stores.state.events.every((e) => e.receipt === null)).toBe(true);
  });
});

describe('verifyReceipt', () => {
  const event = receiptEvent();

  it('any changed byte of the content or the signature fails, for us and for openssl', async () => {
    const der = await createReceipt(axis, event);
    expect(verifyReceipt(der, anchors, { intermediates }).valid).toBe(true);
    const at = Buffer.from(der).indexOf('"status":"03"') + '"status":"0'.length;
    expect(at).toBeGreaterThan(20);
    const forged = der.slice();
    forged[at] = '2'.charCodeAt(0); // 03 -> 02: accepted becomes rejected
    const check = verifyReceipt(forged, anchors, { intermediates });
    expect(check.valid).toBe(false);
    expect(check.event?.status).toBe('02');
    expect(check.errors.join()).toMatch(/messageDigest does not match/);
    const refused = opensslVerifyReceipt(forged);
    expect(refused.ok).toBe(false);
    expect(refused.stderr).toMatch(/digest failure|verification failure/i);

    const badSignature = der.slice();
    badSignature[der.length - 10]! ^= 0x01; // inside the RSA signature value (the last field)
    expect(verifyReceipt(badSignature, anchors, { intermediates }).valid).toBe(false);
    const refusedSignature = opensslVerifyReceipt(badSignature);
    expect(refusedSignature.ok).toBe(false);
    expect(refusedSignature.stderr).toMatch(/signature failure|verification failure/i);
  });

  it('a receipt signed by a key outside the trusted PKI is not valid', async () => {
    const der = await createReceipt(fixtureSigner('neg-rogue-signer'), event);
    const check = verifyReceipt(der, anchors, { intermediates });
    expect(check.valid).toBe(false);
    expect(check.chain).toBe('no-chain');
  });

  it('garbage is reported, not thrown', () => {
    expect(verifyReceipt(Uint8Array.of(1, 2, 3), anchors)).toMatchObject({ valid: false, event: null });
  });
});
