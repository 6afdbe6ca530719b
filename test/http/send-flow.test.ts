// The main flow through app.inject: the province sends a sealed letter to the health department,
// which finds it in its inbox, reads it, downloads the exact bytes and accepts it; the sender then
// sees 03. A retry with the same Idempotency-Key returns the original document, not a second one.
import { createHash } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../support/databases.js';
import { HEALTH_DEPT, PROVINCE, type Harness, metadata, multipart, sealedLetter, sendBody, startHarness } from './harness.js';

let pdf: Uint8Array;
beforeAll(async () => {
  pdf = await sealedLetter();
});

forEachDatabase('http send flow', (t) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(t.stores, { uploadLimitBytes: 2 * 1024 * 1024 });
  });

  it('send -> inbox -> detail -> download -> accept -> sender sees 03; retry is idempotent', async () => {
    const meta = metadata();
    const body = sendBody(meta, pdf);
    const sent = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE), 'idempotency-key': 'flow-1' }, payload: body.payload });
    expect(sent.statusCode, sent.body).toBe(201);
    const { document, deliveries, replayed } = sent.json();
    expect(replayed).toBe(false);
    expect(document.senderCode).toBe(PROVINCE);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ recipientCode: HEALTH_DEPT, status: '01' });
    expect(sent.headers['x-request-id']).toBeTruthy();

    const retry = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE), 'idempotency-key': 'flow-1' }, payload: body.payload });
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json().document.id).toBe(document.id);
    expect(retry.json().replayed).toBe(true);

    const recipient = h.tokens.clerk(HEALTH_DEPT);
    const inbox = await h.app.inject({ method: 'GET', url: '/api/v1/inbox?limit=10&urgentFirst=true', headers: { authorization: recipient } });
    expect(inbox.statusCode, inbox.body).toBe(200);
    const item = inbox.json().items.find((i: { document: { id: string } }) => i.document.id === document.id);
    expect(item.delivery.status).toBe('01');
    const filtered = await h.app.inject({ method: 'GET', url: `/api/v1/inbox?status=03&sender=${PROVINCE}`, headers: { authorization: recipient } });
    expect(filtered.json().items.some((i: { document: { id: string } }) => i.document.id === document.id)).toBe(false);

    const detail = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${document.id}`, headers: { authorization: recipient } });
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json().document.metadata.codeNumber).toBe(meta.codeNumber);
    expect(detail.json().document.verification).toBeTruthy();
    expect(detail.json().deliveries).toHaveLength(1);

    const file = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${document.id}/file`, headers: { authorization: recipient } });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename=".+\.pdf"$/);
    const sha = createHash('sha256').update(file.rawPayload).digest('hex');
    expect(file.headers['x-content-sha256']).toBe(sha);
    expect(sha).toBe(createHash('sha256').update(pdf).digest('hex'));
    expect(Buffer.compare(file.rawPayload, Buffer.from(pdf))).toBe(0);

    const verify = await h.app.inject({ method: 'POST', url: `/api/v1/documents/${document.id}/verify`, headers: { authorization: recipient } });
    expect(verify.statusCode, verify.body).toBe(200);
    expect(verify.json().report.verdict ?? verify.json().report).toBeTruthy();

    const accept = await h.app.inject({ method: 'POST', url: `/api/v1/documents/${document.id}/status`, headers: { authorization: recipient }, payload: { status: '03' } });
    expect(accept.statusCode, accept.body).toBe(200);
    expect(accept.json().delivery.status).toBe('03');

    const senderView = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${document.id}`, headers: { authorization: h.tokens.clerk(PROVINCE) } });
    expect(senderView.json().deliveries[0].status).toBe('03');
    expect(senderView.json().deliveries[0].events.map((e: { status: string }) => e.status)).toEqual(['01', '03']);
    const outbox = await h.app.inject({ method: 'GET', url: '/api/v1/outbox', headers: { authorization: h.tokens.clerk(PROVINCE) } });
    expect(outbox.json().items.filter((i: { document: { id: string } }) => i.document.id === document.id)).toHaveLength(1);

    const illegal = await h.app.inject({ method: 'POST', url: `/api/v1/documents/${document.id}/status`, headers: { authorization: recipient }, payload: { status: '01' } });
    expect(illegal.statusCode).toBe(409);
    expect(illegal.json().error.code).toBe('STATUS_TRANSITION_INVALID');
  });

  it('metadata sent as a file part (curl -F metadata=@meta.json) works too', async () => {
    const body = multipart([
      { name: 'metadata', value: JSON.stringify(metadata()), filename: 'meta.json', contentType: 'application/json' },
      { name: 'file', value: pdf, filename: 'letter.pdf', contentType: 'application/pdf' },
    ]);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(201);
  });

  it('a PDF that does not verify is refused with the report in details', async () => {
    // One byte of the page content, inside every signature's byte range.
    const tampered = Buffer.from(pdf);
    const at = tampered.indexOf('stream\n', 200) + 20;
    tampered[at] = tampered[at]! ^ 0x01;
    const body = sendBody(metadata(), tampered);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.code).toBe('SIGNATURE_INVALID');
    expect(res.json().error.details.report.signatures.length).toBeGreaterThan(0);
  });

  it('the OpenAPI document lists every route', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    for (const p of ['/api/v1/documents', '/api/v1/inbox', '/api/v1/documents/{id}/file', '/api/v1/log.csv', '/api/v1/admin/crls', '/api/v1/me', '/api/v1/verify', '/api/v1/receipts/verify', '/api/v1/admin/agencies/{code}/certificates', '/api/v1/admin/users/{id}/tokens', '/health', '/ready']) {
      expect(paths).toContain(p);
    }
  });
});
