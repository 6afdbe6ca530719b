// The edXML routes: a clerk downloads a document as a package signed by the axis (it verifies
// against the axis certificate and carries the exact PDF), and imports a package from another
// system as a send from their own agency: delivered to the recipients like a form send; refused
// when From is another agency, when it declares a classified level (nothing stored, not a byte),
// when it is hostile XML or over EDXML_MAX_BYTES.
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { buildEnvelope } from '../../src/edxml/build.js';
import type { Envelope } from '../../src/edxml/model.js';
import { parseEnvelope } from '../../src/edxml/parse.js';
import { verifyEnvelope } from '../../src/edxml/xml-signature.js';
import { forEachDatabase, rowsOf, type TestDatabase } from '../support/databases.js';
import { fixtureSigner } from '../support/fixtures.js';
import { HEALTH_DEPT, HOME_AFFAIRS, PROVINCE, type Harness, metadata, sealedLetter, sendBody, startHarness, today } from './harness.js';

let pdf: Uint8Array;
beforeAll(async () => {
  pdf = await sealedLetter();
});

function packageOf(opts: { from?: string; classification?: string; number?: string; pdf?: Uint8Array } = {}): { xml: string; number: string; notation: string } {
  const number = opts.number ?? String(1000 + (randomBytes(2).readUInt16BE(0) % 9000));
  const notation = `UBND-VP${randomBytes(2).toString('hex').toUpperCase()}`;
  const from = opts.from ?? PROVINCE;
  const e: Envelope = {
    header: {
      from: { organId: from, organName: 'UBND tỉnh Thái Bình' },
      to: [{ organId: HEALTH_DEPT }, { organId: HOME_AFFAIRS }],
      code: { codeNumber: number, codeNotation: notation },
      promulgationInfo: { place: 'Thái Bình', date: today() },
      documentType: { type: '1', typeName: 'Công văn' },
      subject: 'V/v nhập gói edXML từ hệ thống quản lý văn bản',
      signerInfo: { competence: 'TM. ỦY BAN NHÂN DÂN', position: 'CHỦ TỊCH', fullName: 'Nguyễn Văn An' },
      toPlaces: [],
      otherInfo: { priority: 1, appendixes: [], ...(opts.classification !== undefined ? { classification: opts.classification } : {}) },
      responseFor: [],
      steeringType: 0,
      documentId: `${from},${today().replaceAll('-', '/')},${number}/${notation}`,
    },
    traces: [{ organId: from, timestamp: new Date() }],
    business: { docType: 0, replaces: [] },
    attachments: [{ contentId: 'main', name: 'letter.pdf', contentType: 'application/pdf', content: opts.pdf ?? pdf }],
  };
  return { xml: buildEnvelope(e), number, notation };
}

async function counts(t: TestDatabase): Promise<{ documents: number; blobs: number; deliveries: number }> {
  const [row] = rowsOf<{ d: number | string; b: number | string; v: number | string }>(
    await t.database.db.execute(sql.raw('select (select count(*) from documents) as d, (select count(*) from blobs) as b, (select count(*) from deliveries) as v')),
  );
  return { documents: Number(row!.d), blobs: Number(row!.b), deliveries: Number(row!.v) };
}

forEachDatabase('http edXML', (t) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(t.stores, { uploadLimitBytes: 2 * 1024 * 1024, env: { EDXML_MAX_BYTES: String(3 * 1024 * 1024) } });
  });

  const post = (xml: string | Buffer, who: string, type = 'application/xml') =>
    h.app.inject({ method: 'POST', url: '/api/v1/edxml/import', headers: { authorization: who, 'content-type': type }, payload: xml });

  it('a clerk imports a package as a send: delivered to each recipient, then downloadable as signed edXML', async () => {
    const pkg = packageOf({ classification: 'NONE' });
    const res = await post(pkg.xml, h.tokens.clerk(PROVINCE));
    expect(res.statusCode, res.body).toBe(201);
    const { document, deliveries } = res.json();
    expect(document.senderCode).toBe(PROVINCE);
    expect(document.metadata).toMatchObject({ codeNumber: pkg.number, codeNotation: pkg.notation, priority: 1, recipients: [HEALTH_DEPT, HOME_AFFAIRS] });
    expect(deliveries.map((d: { recipientCode: string; status: string }) => [d.recipientCode, d.status]).sort()).toEqual([
      [HOME_AFFAIRS, '01'],
      [HEALTH_DEPT, '01'],
    ].sort());
    const inbox = await h.app.inject({ method: 'GET', url: '/api/v1/inbox?limit=50', headers: { authorization: h.tokens.clerk(HEALTH_DEPT) } });
    expect(inbox.json().items.some((i: { document: { id: string } }) => i.document.id === document.id)).toBe(true);

    // The recipient downloads it as edXML: signed by the axis, the PDF byte for byte.
    const dl = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${document.id}/edxml`, headers: { authorization: h.tokens.clerk(HEALTH_DEPT) } });
    expect(dl.statusCode, dl.body).toBe(200);
    expect(dl.headers['content-type']).toContain('application/xml');
    expect(dl.headers['content-disposition']).toMatch(/^attachment; filename=".+\.edxml"$/);
    const v = verifyEnvelope(dl.body, [fixtureSigner('axis').certificate], new Date());
    expect(v.envelope.header.documentId).toBe(document.edxmlDocumentId);
    expect(v.envelope.header.from).toMatchObject({ organId: PROVINCE });
    expect(v.envelope.header.otherInfo.classification).toBe('NONE');
    expect(createHash('sha256').update(v.envelope.attachments[0]!.content).digest('hex')).toBe(createHash('sha256').update(pdf).digest('hex'));
  });

  it('a document sent by form downloads as edXML whose metadata maps back to what was sent', async () => {
    const meta = metadata({ dueDate: today(), priority: 2, steeringType: 1 });
    const body = sendBody(meta, pdf);
    const sent = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
    expect(sent.statusCode, sent.body).toBe(201);
    const id = sent.json().document.id;
    const dl = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${id}/edxml`, headers: { authorization: h.tokens.clerk(PROVINCE) } });
    expect(dl.statusCode, dl.body).toBe(200);
    const e = parseEnvelope(dl.body);
    expect(e.header).toMatchObject({
      code: { codeNumber: meta['codeNumber'], codeNotation: meta['codeNotation'] },
      subject: meta['subject'],
      dueDate: today(),
      steeringType: 1,
      otherInfo: { priority: 2, classification: 'NONE' },
      to: [{ organId: HEALTH_DEPT }],
    });
    // Someone else's agency: 404, as for any document it cannot see.
    const other = await h.app.inject({ method: 'GET', url: `/api/v1/documents/${id}/edxml`, headers: { authorization: h.tokens.clerk(HOME_AFFAIRS) } });
    expect(other.statusCode).toBe(404);
  });

  it('a package whose From is another agency is refused, nothing stored', async () => {
    const before = await counts(t);
    const res = await post(packageOf({ from: HEALTH_DEPT, classification: 'NONE' }).xml, h.tokens.clerk(PROVINCE));
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.code).toBe('EDXML_FROM_MISMATCH');
    expect(await counts(t)).toEqual(before);
    const [last] = (await t.stores.log.search({ event: 'send.refused' }, { limit: 1 })).items;
    expect(last?.details).toMatchObject({ code: 'EDXML_FROM_MISMATCH', via: 'edxml', codeNumber: expect.any(String) });
  });

  it('a classified package is refused as classified before anything is stored (not a byte), even when other fields are wrong', async () => {
    const marker = `EDXML-SECRET-${randomBytes(6).toString('hex')}`;
    const secretPdf = Buffer.concat([Buffer.from(pdf), Buffer.from(`\n% ${marker}\n`)]);
    const before = await counts(t);
    for (const level of ['MAT', 'TOI_MAT', 'Tuyệt mật']) {
      const res = await post(packageOf({ classification: level, pdf: secretPdf }).xml, h.tokens.clerk(PROVINCE));
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error.code).toBe('CLASSIFIED_REFUSED');
    }
    // Another agency's From and a broken date do not get ahead of the classified refusal.
    const broken = packageOf({ from: HEALTH_DEPT, classification: 'MAT', pdf: secretPdf }).xml.replace(/<edXML:PromulgationDate>[^<]+</, '<edXML:PromulgationDate>31/02/2026<');
    const res = await post(broken, h.tokens.clerk(PROVINCE));
    expect(res.json().error.code).toBe('CLASSIFIED_REFUSED');
    expect(await counts(t)).toEqual(before);
    // Logged with the number and the level, never the subject.
    const [last] = (await t.stores.log.search({ event: 'send.refused' }, { limit: 1 })).items;
    expect(last?.details).toMatchObject({ senderCode: PROVINCE, level: 'MAT', codeNumber: expect.any(String), codeNotation: expect.stringMatching(/^UBND-VP/) });
    expect(JSON.stringify(last?.details)).not.toContain('nhập gói');
    const hex = Buffer.from(marker).toString('hex');
    for (const table of ['documents', 'blobs', 'deliveries', 'status_events', 'exchange_log']) {
      const [row] = rowsOf<{ n: number | string }>(await t.database.db.execute(sql.raw(`select count(*) as n from ${table} x where position('${marker}' in x::text) > 0 or position('${hex}' in lower(x::text)) > 0`)));
      expect(Number(row!.n), table).toBe(0);
    }
  });

  it('a package without a classification is refused like a form without one', async () => {
    const res = await post(packageOf().xml, h.tokens.clerk(PROVINCE));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'METADATA_INVALID', details: { fields: { classification: expect.stringContaining('required') } } });
  });

  it('schema errors are EDXML_INVALID with the fields; hostile XML is EDXML_UNSAFE; too large is 413', async () => {
    const bad = packageOf({ classification: 'NONE' }).xml.replace(/<edXML:Subject>[^<]+<\/edXML:Subject>/, '');
    const res = await post(bad, h.tokens.clerk(PROVINCE));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'EDXML_INVALID', details: { fields: { 'MessageHeader.Subject': 'required' } } });

    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`;
    const unsafe = await post(xxe, h.tokens.clerk(PROVINCE), 'text/xml');
    expect(unsafe.statusCode, unsafe.body).toBe(400);
    expect(unsafe.json().error.code).toBe('EDXML_UNSAFE');
    expect(unsafe.body).not.toContain('root:');

    const huge = await post(Buffer.alloc(3 * 1024 * 1024 + 1, 0x20), h.tokens.clerk(PROVINCE));
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('FILE_TOO_LARGE');
  });

  it('the PDF inside a package is held to UPLOAD_LIMIT_BYTES like a form upload: 413, nothing stored', async () => {
    const before = await counts(t);
    const padded = Buffer.concat([Buffer.from(pdf), Buffer.alloc(2 * 1024 * 1024 + 1 - pdf.length, 0x20)]);
    const res = await post(packageOf({ classification: 'NONE', pdf: padded }).xml, h.tokens.clerk(PROVINCE));
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json().error.code).toBe('FILE_TOO_LARGE');
    expect(await counts(t)).toEqual(before);
  });

  it('only clerks import or download edXML', async () => {
    const pkg = packageOf({ classification: 'NONE' }).xml;
    for (const who of [h.tokens.admin, h.tokens.auditor]) expect((await post(pkg, who)).statusCode).toBe(403);
    expect((await post(pkg, 'Bearer nope')).statusCode).toBe(401);
  });
});
