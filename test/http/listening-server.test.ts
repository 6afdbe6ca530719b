// The whole flow through a real listening socket (127.0.0.1, ephemeral port) with fetch, and the
// readiness probe turning 503 once the database is closed. PDFs are verified on a worker thread,
// as `npm start` does.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WorkerVerifierPool } from '../../src/pades/verify-pool.js';
import { forEachDatabase } from '../support/databases.js';
import { HEALTH_DEPT, PROVINCE, type Harness, metadata, sealedLetter, startHarness } from './harness.js';

forEachDatabase('http over a real socket', (t) => {
  let h: Harness;
  let base: string;
  let verifier: WorkerVerifierPool;
  beforeAll(async () => {
    verifier = new WorkerVerifierPool(1);
    h = await startHarness(t.stores, { ping: () => t.database.ping(), verifier });
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    base = `${address}/api/v1`;
  });
  afterAll(async () => {
    await h.app.close();
    await verifier.close();
  });

  it('agencies -> send -> inbox -> download -> accept -> sender sees 03', async () => {
    const pdf = await sealedLetter();
    const as = (token: string) => ({ authorization: token });

    const agencies = await fetch(`${base}/agencies`, { headers: as(h.tokens.clerk(PROVINCE)) });
    expect(agencies.status).toBe(200);
    expect(((await agencies.json()) as Array<{ code: string }>).map((a) => a.code)).toContain(HEALTH_DEPT);

    const form = new FormData();
    form.append('metadata', JSON.stringify(metadata()));
    form.append('file', new Blob([Buffer.from(pdf)], { type: 'application/pdf' }), 'letter.pdf');
    const sent = await fetch(`${base}/documents`, { method: 'POST', headers: { ...as(h.tokens.clerk(PROVINCE)), 'idempotency-key': 'socket-1' }, body: form });
    expect(sent.status, await sent.clone().text()).toBe(201);
    const id = ((await sent.json()) as { document: { id: string } }).document.id;

    const inbox = (await (await fetch(`${base}/inbox`, { headers: as(h.tokens.clerk(HEALTH_DEPT)) })).json()) as { items: Array<{ document: { id: string } }> };
    expect(inbox.items.map((i) => i.document.id)).toContain(id);

    const file = await fetch(`${base}/documents/${id}/file`, { headers: as(h.tokens.clerk(HEALTH_DEPT)) });
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(file.headers.get('x-content-sha256')).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(Buffer.compare(bytes, Buffer.from(pdf))).toBe(0);

    const accept = await fetch(`${base}/documents/${id}/status`, { method: 'POST', headers: { ...as(h.tokens.clerk(HEALTH_DEPT)), 'content-type': 'application/json' }, body: JSON.stringify({ status: '03' }) });
    expect(accept.status).toBe(200);

    const detail = (await (await fetch(`${base}/documents/${id}`, { headers: as(h.tokens.clerk(PROVINCE)) })).json()) as { deliveries: Array<{ status: string }> };
    expect(detail.deliveries[0]!.status).toBe('03');
  });

  it('/ready answers 503 DB_UNAVAILABLE once the database is closed (/health still 200)', async () => {
    const origin = base.replace(/\/api\/v1$/, '');
    expect((await fetch(`${origin}/ready`)).status).toBe(200);
    await t.database.close();
    const ready = await fetch(`${origin}/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { error: { code: string } }).error.code).toBe('DB_UNAVAILABLE');
    expect((await fetch(`${origin}/health`)).status).toBe(200);
  });
});
