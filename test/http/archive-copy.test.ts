// GET /documents/:id/file?copy=archival: 409 ARCHIVE_NOT_READY until the job ran, then the B-LTA
// copy (its own X-Content-SHA256); the default and copy=received stay the bytes as sent; the same
// visibility as the file (another agency: 404); an unknown copy name: 400.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { archiveWork } from '../../src/exchange/archive.js';
import { InProcessArchiveJobs } from '../../src/jobs/in-process-archive-jobs.js';
import { fixtureTimestamper } from '../support/fixtures.js';
import { MemoryStores } from '../support/memory-stores.js';
import { contentsFromBytes } from '../pades/ltv-support.js';
import { HEALTH_DEPT, HOME_AFFAIRS, PROVINCE, type Harness, metadata, sealedLetter, sendBody, startHarness } from './harness.js';

let h: Harness;
let jobs: InProcessArchiveJobs;
let open: () => void;
beforeAll(async () => {
  const stores = new MemoryStores();
  const gate = new Promise<void>((resolve) => (open = resolve));
  const work = archiveWork({ stores, clock: () => new Date() }, { timestamper: fixtureTimestamper(), marginDays: 180 });
  jobs = new InProcessArchiveJobs({ archive: async (id) => (await gate, work.archive(id)), due: () => work.due() }, { sweepIntervalMs: 0, onError: (err) => { throw err; } });
  h = await startHarness(stores, { archive: jobs });
}, 60_000);

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('archival copy over HTTP', () => {
  it('409 before, the copy after; the received bytes unchanged; 404 for another agency; 400 for a bad copy name', async () => {
    const pdf = await sealedLetter();
    const body = sendBody(metadata({ recipients: [HEALTH_DEPT] }), pdf);
    const sent = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
    expect(sent.statusCode, sent.body).toBe(201);
    const id = sent.json().document.id as string;
    const recipient = h.tokens.clerk(HEALTH_DEPT);
    const accepted = await h.app.inject({ method: 'POST', url: `/api/v1/documents/${id}/status`, headers: { authorization: recipient }, payload: { status: '03' } });
    expect(accepted.statusCode, accepted.body).toBe(200);

    const before = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${id}`, headers: { authorization: recipient } });
    expect(before.json().archive).toBeNull();
    const early = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${id}/file?copy=archival`, headers: { authorization: recipient } });
    expect(early.statusCode, early.body).toBe(409);
    expect(early.json().error.code).toBe('ARCHIVE_NOT_READY');
    open();
    await jobs.idle();

    const copy = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${id}/file?copy=archival`, headers: { authorization: recipient } });
    expect(copy.statusCode, copy.body).toBe(200);
    expect(copy.headers['content-type']).toBe('application/pdf');
    expect(copy.headers['content-disposition']).toMatch(/-archival\.pdf"$/);
    expect(copy.headers['x-content-sha256']).toBe(sha(copy.rawPayload));
    expect(Buffer.compare(copy.rawPayload.subarray(0, pdf.length), Buffer.from(pdf))).toBe(0);
    expect(contentsFromBytes(copy.rawPayload).map((c) => c.type)).toEqual(['Sig', 'Sig', 'DocTimeStamp']);
    const detail = (await h.app.inject({ method: 'GET', url: `/api/v1/documents/${id}`, headers: { authorization: recipient } })).json();
    expect(detail.archive).toMatchObject({ sha256: copy.headers['x-content-sha256'], digest: 'sha256' });
    expect(Date.parse(detail.archive.nextRenewalAt)).toBeGreaterThan(Date.parse(detail.archive.archivedAt));
    const bySender = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${id}/file?copy=archival`, headers: { authorization: h.tokens.clerk(PROVINCE) } });
    expect(bySender.headers['x-content-sha256']).toBe(copy.headers['x-content-sha256']);

    for (const url of [`/api/v1/documents/${id}/file`, `/api/v1/documents/${id}/file?copy=received`]) {
      const original = await h.app.inject({ method: 'GET', url, headers: { authorization: recipient } });
      expect(original.statusCode).toBe(200);
      expect(original.headers['x-content-sha256']).toBe(sha(pdf));
      expect(Buffer.compare(original.rawPayload, Buffer.from(pdf))).toBe(0);
    }
    const other = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${id}/file?copy=archival`, headers: { authorization: h.tokens.clerk(HOME_AFFAIRS) } });
    expect(other.statusCode).toBe(404);
    const bad = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${id}/file?copy=signed`, headers: { authorization: recipient } });
    expect(bad.statusCode).toBe(400);
  }, 60_000);
});
