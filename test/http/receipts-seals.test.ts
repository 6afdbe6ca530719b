// Receipts and seals over HTTP, on both databases: the status answer and the document detail carry
// each event's receipt (base64 DER that openssl verifies), and an admin seals the log, lists the
// seals and sees them checked by POST /log/verify.
import { beforeAll, expect, it } from 'vitest';
import { verifyTimestampToken } from '../../src/pki/timestamp.js';
import { forEachDatabase } from '../support/databases.js';
import { opensslVerifyReceipt } from '../support/receipt-oracle.js';
import { HEALTH_DEPT, PROVINCE, type Harness, metadata, sealedLetter, sendBody, startHarness } from './harness.js';

forEachDatabase('http receipts and seals', (t) => {
  let h: Harness;
  let pdf: Uint8Array;
  beforeAll(async () => {
    h = await startHarness(t.stores);
    pdf = await sealedLetter();
  });

  const receiptJson = (b64: string): Record<string, unknown> => {
    const oracle = opensslVerifyReceipt(Buffer.from(b64, 'base64'));
    expect(oracle.stderr).toMatch(/Verification successful/);
    return JSON.parse(oracle.content) as Record<string, unknown>;
  };

  it('the status answer and the document detail carry verifiable receipts', async () => {
    const body = sendBody(metadata(), pdf);
    const sent = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
    expect(sent.statusCode, sent.body).toBe(201);
    const documentId = sent.json().document.id as string;
    const fileSha256 = sent.json().document.fileSha256 as string;

    const accept = await h.app.inject({ method: 'POST', url: `/api/v1/documents/${documentId}/status`, headers: { authorization: h.tokens.clerk(HEALTH_DEPT) }, payload: { status: '03' } });
    expect(accept.statusCode, accept.body).toBe(200);
    const event = accept.json().event as { receipt: string };
    const deliveryId = accept.json().delivery.id as string;
    expect(receiptJson(event.receipt)).toMatchObject({ kind: 'status', status: '03', documentId, deliveryId, fileSha256, recipientCode: HEALTH_DEPT, senderCode: PROVINCE });

    const detail = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${documentId}`, headers: { authorization: h.tokens.clerk(PROVINCE) } });
    expect(detail.statusCode, detail.body).toBe(200);
    const events = (detail.json().deliveries as Array<{ events: Array<{ status: string; receipt: string | null }> }>)[0]!.events;
    expect(events.map((e) => e.status)).toEqual(['01', '03']);
    expect(receiptJson(events[0]!.receipt!)).toMatchObject({ kind: 'delivery', status: '01', documentId, fileSha256 });
    expect(events[1]!.receipt).toBe(event.receipt);
  });

  it('an admin seals the log; admin and auditor list the seals; verify checks them', async () => {
    const sealed = await h.app.inject({ method: 'POST', url: '/api/v1/log/seal', headers: { authorization: h.tokens.admin } });
    expect(sealed.statusCode, sealed.body).toBe(200);
    const seal = sealed.json().seal as { id: string; fromSeq: number; toSeq: number; merkleRoot: string; timestampToken: string };
    expect(seal.fromSeq).toBe(1);
    const token = verifyTimestampToken(Buffer.from(seal.timestampToken, 'base64'), Buffer.from(seal.merkleRoot, 'hex'));
    expect(token).toMatchObject({ imprintMatches: true, signatureValid: true });

    const again = await h.app.inject({ method: 'POST', url: '/api/v1/log/seal', headers: { authorization: h.tokens.admin } });
    expect(again.json()).toEqual({ seal: null });

    const list = await h.app.inject({ method: 'GET', url: '/api/v1/log/seals', headers: { authorization: h.tokens.auditor } });
    expect(list.statusCode).toBe(200);
    expect(list.json().map((s: { id: string }) => s.id)).toContain(seal.id);

    const verify = await h.app.inject({ method: 'POST', url: '/api/v1/log/verify', headers: { authorization: h.tokens.auditor } });
    expect(verify.json()).toMatchObject({ ok: true, firstBroken: null, seals: { ok: true, checked: list.json().length, firstBroken: null } });
  });
});
