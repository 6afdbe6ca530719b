// POST /verify: a PDF that is not stored is verified as a send would verify it, and a clerk sees
// the Decree 30 signature rules for their own agency. Nothing reaches the database (no blob, no
// document, no delivery, no log entry) and no byte of the file reaches the service log.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { forEachDatabase, rowsOf, type TestDatabase } from '../support/databases.js';
import { fixtureSigner, sampleLetter } from '../support/fixtures.js';
import { HEALTH_DEPT, PROVINCE, type Harness, multipart, sealedLetter, startHarness } from './harness.js';

const LIMIT = 512 * 1024;

let pdf: Uint8Array;
/** Sealed by the province, but nobody signed it first. */
let sealOnly: Uint8Array;
/** One byte of the page content changed, inside every signature's byte range. */
let tampered: Uint8Array;
beforeAll(async () => {
  pdf = await sealedLetter();
  sealOnly = joinDocument(await signPdf((await sampleLetter()).pdf, fixtureSigner('seal-ubnd-thai-binh'), { fieldName: 'VanThu' }));
  const t = Buffer.from(pdf);
  const at = t.indexOf('stream\n', 200) + 20;
  t[at] = t[at]! ^ 0x01;
  tampered = t;
});


async function rowCounts(t: TestDatabase): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['blobs', 'documents', 'deliveries', 'exchange_log']) {
    out[table] = Number(rowsOf(await t.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0]!['n']);
  }
  return out;
}

forEachDatabase('http POST /verify', (t) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(t.stores, { uploadLimitBytes: LIMIT });
  });

  const raw = (body: Uint8Array | string, token: string, contentType = 'application/pdf') =>
    h.app.inject({ method: 'POST', url: '/api/v1/verify', headers: { 'content-type': contentType, authorization: token }, payload: typeof body === 'string' ? body : Buffer.from(body) });
  const asForm = (body: { payload: Buffer; headers: Record<string, string> }, token: string) =>
    h.app.inject({ method: 'POST', url: '/api/v1/verify', headers: { ...body.headers, authorization: token }, payload: body.payload });
  const filePart = (bytes: Uint8Array) => [{ name: 'file', value: bytes, filename: 'letter.pdf', contentType: 'application/pdf' }];

  it('a clerk of the sealing agency: valid report, the send policy would pass', async () => {
    const res = await raw(pdf, h.tokens.clerk(PROVINCE));
    expect(res.statusCode, res.body).toBe(200);
    const { report, policy } = res.json();
    expect(report.document.verdict).toBe('valid');
    expect(report.file.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
    expect(report.signatures).toHaveLength(2);
    expect(policy).toEqual({ agencyCode: PROVINCE, documentValid: true, agencySeal: true, sealSignatureIndex: 1, signerBeforeSeal: true, code: null });
  });

  it('a clerk of another agency (multipart): valid report, but SEAL_MISSING for that agency', async () => {
    const res = await asForm(multipart([{ name: 'note', value: 'ignored' }, ...filePart(pdf)]), h.tokens.clerk(HEALTH_DEPT));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().report.document.verdict).toBe('valid');
    expect(res.json().policy).toEqual({ agencyCode: HEALTH_DEPT, documentValid: true, agencySeal: false, sealSignatureIndex: null, signerBeforeSeal: false, code: 'SEAL_MISSING' });
  });

  it('a seal without a personal signature before it: SIGNER_SIGNATURE_MISSING', async () => {
    const res = await raw(sealOnly, h.tokens.clerk(PROVINCE));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().policy).toMatchObject({ documentValid: true, agencySeal: true, sealSignatureIndex: 0, signerBeforeSeal: false, code: 'SIGNER_SIGNATURE_MISSING' });
  });

  it('a tampered PDF: an invalid report and SIGNATURE_INVALID', async () => {
    const res = await raw(tampered, h.tokens.clerk(PROVINCE));
    expect(res.statusCode, res.body).toBe(200);
    const { report, policy } = res.json();
    expect(report.document.verdict).toBe('invalid');
    expect(report.signatures.some((s: { indication: string }) => s.indication === 'TOTAL_FAILED')).toBe(true);
    expect(policy).toMatchObject({ documentValid: false, code: 'SIGNATURE_INVALID' });
  });

  it('admin and auditor get the report without a policy', async () => {
    for (const token of [h.tokens.admin, h.tokens.auditor]) {
      const res = await raw(pdf, token);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().report.document.verdict).toBe('valid');
      expect(res.json().policy).toBeNull();
    }
  });

  it('stores nothing: no blob, no document, no delivery, no log entry', async () => {
    const before = await rowCounts(t);
    const unique = joinDocument(await signPdf((await sampleLetter({ extraPages: 1 })).pdf, fixtureSigner('seal-ubnd-thai-binh'), { fieldName: 'VanThu' }));
    for (const res of [await raw(unique, h.tokens.clerk(PROVINCE)), await asForm(multipart(filePart(unique)), h.tokens.auditor)]) {
      expect(res.statusCode, res.body).toBe(200);
    }
    expect(await rowCounts(t)).toEqual(before);
    expect(await t.stores.blobs.get(createHash('sha256').update(unique).digest('hex'))).toBeUndefined();
  });

  it('no file, an empty file, a non-PDF: FILE_MISSING / PDF_NOT_PDF; the bytes are not logged', async () => {
    const token = h.tokens.clerk(PROVINCE);
    const refusals = [
      await raw(new Uint8Array(0), token),
      await h.app.inject({ method: 'POST', url: '/api/v1/verify', headers: { authorization: token } }),
      await asForm(multipart([{ name: 'note', value: 'no file here' }]), token),
      await asForm(multipart(filePart(new Uint8Array(0))), token),
    ];
    for (const res of refusals) {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code, res.body).toBe('FILE_MISSING');
    }
    const marker = `NOT-A-PDF-MARKER-${Date.now()}`;
    for (const res of [await raw(marker, token), await asForm(multipart(filePart(Buffer.from(marker))), token)]) {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('PDF_NOT_PDF');
      expect(res.body).not.toContain(marker);
    }
    const log = h.logLines().join('\n');
    expect(log).not.toContain(marker);
    expect(log).not.toContain('%PDF');
  });

  it('over the upload limit, raw or multipart: FILE_TOO_LARGE', async () => {
    const big = Buffer.concat([Buffer.from(pdf), Buffer.alloc(LIMIT, 0x20)]);
    for (const res of [await raw(big, h.tokens.clerk(PROVINCE)), await asForm(multipart(filePart(big)), h.tokens.clerk(PROVINCE))]) {
      expect(res.json().error.code, res.body).toBe('FILE_TOO_LARGE');
      expect(res.statusCode).toBe(413);
    }
  });

  it('no token: 401, the body is not read', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/verify', headers: { 'content-type': 'application/pdf' }, payload: Buffer.from(pdf) });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });
});
