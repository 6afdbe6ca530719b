// A letter visibly stamped MẬT (TỐI MẬT, ...) sent with metadata NONE: refused as classified
// (CLASSIFICATION_MARK_FOUND, 422 over HTTP) naming the page, nothing stored, one send.refused
// entry without the content. Letters that merely mention "mật" in their text are sent as usual.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors.js';
import { sendDocument } from '../../src/exchange/send-document.js';
import { verifyUpload } from '../../src/exchange/verify-upload.js';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { InProcessVerifier, type PdfVerifier } from '../../src/pades/verifier.js';
import { forEachDatabase, rowsOf } from '../support/databases.js';
import { fixtureSigner, fontBytes, sampleLetter } from '../support/fixtures.js';
import { paragraph, stampExisting } from '../content/stamped-pdfs.js';
import { metadata as httpMetadata, PROVINCE, sendBody, startHarness, type Harness } from '../http/harness.js';
import { CODES, expectNothingStored, makeLetters, makeWorld, metadata, refused, type Letters, type World } from './world.js';

/** Chairman, then the province seal: what the province sends (as world.ts signs its letters). */
async function sealed(pdf: Uint8Array): Promise<Uint8Array> {
  const chairman = joinDocument(await signPdf(pdf, fixtureSigner('signer-nguyen-van-an'), { fieldName: 'ChuTich' }));
  return joinDocument(await signPdf(chairman, fixtureSigner('seal-ubnd-thai-binh'), { fieldName: 'VanThu' }));
}

/** The demo letter with a paragraph of running text that speaks of "mật" in every way but the stamp. */
async function letterMentioningMat(): Promise<Uint8Array> {
  const doc = await PDFDocument.load((await sampleLetter()).pdf);
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(await fontBytes(), { subset: true });
  const lines = await paragraph('Mật độ dân số tăng; các cơ quan bảo vệ bí mật nhà nước; cán bộ đổi mật khẩu định kỳ. MẬT ĐỘ DÂN SỐ', { y: 540, size: 10 });
  for (const l of lines) doc.getPage(0).drawText(l.text, { x: 60, y: l.y!, size: 10, font });
  return doc.save({ useObjectStreams: false });
}

interface Stamped {
  mat: Uint8Array;
  toiMatPage2: Uint8Array;
  mentions: Uint8Array;
}

let L: Letters;
let S: Stamped;
beforeAll(async () => {
  L = await makeLetters();
  const twoPages = (await sampleLetter({ extraPages: 1 })).pdf;
  S = {
    mat: await sealed(await stampExisting((await sampleLetter()).pdf, 'MẬT')),
    toiMatPage2: await sealed(await stampExisting(twoPages, 'TỐI MẬT', 2)),
    mentions: await sealed(await letterMentioningMat()),
  };
}, 60_000);

describe('send: the file’s own classification stamp', () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld();
  });
  const send = (meta: Record<string, unknown>, pdf: Uint8Array) => sendDocument(w.deps, w.clerk.province, { metadata: meta, pdf });

  it('a signed letter stamped MẬT, declared NONE: CLASSIFICATION_MARK_FOUND naming page 1, nothing stored, logged without content', async () => {
    const before = w.stores.state.log.length;
    const meta = metadata({ classification: 'NONE', subject: 'Kế hoạch phòng thủ khu vực' });
    const e = await refused(send(meta, S.mat), 'CLASSIFICATION_MARK_FOUND');
    expect(e.message).toBe(`${ERROR_CATALOGUE.CLASSIFICATION_MARK_FOUND.message}: MẬT on page 1`);
    expect(e.details).toEqual({ page: 1, level: 'MAT', pages: [1] });
    expectNothingStored(w);
    const entries = w.stores.state.log.slice(before);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.event).toBe('send.refused');
    expect(entries[0]!.documentId).toBeNull();
    expect(entries[0]!.details).toEqual({ senderCode: CODES.province, codeNumber: meta['codeNumber'], codeNotation: 'UBND-VP', code: 'CLASSIFICATION_MARK_FOUND', level: 'MAT', page: 1 });
    // What the refusal logged (the demo seed's own entries name its users, a signer among them).
    const logged = JSON.stringify(entries);
    expect(logged).not.toContain('phòng thủ');
    expect(logged).not.toContain('Nguyễn Văn An');
  });

  it('TỐI MẬT on page 2 names page 2', async () => {
    const e = await refused(send(metadata({ classification: 'NONE' }), S.toiMatPage2), 'CLASSIFICATION_MARK_FOUND');
    expect(e.details).toEqual({ page: 2, level: 'TOI_MAT', pages: [2] });
    expectNothingStored(w);
  });

  it('the stamp outranks the metadata and signature refusals that follow it', async () => {
    // Unknown recipient: the stamp still comes first.
    await refused(send(metadata({ recipients: ['999.99.99.X99'] }), S.mat), 'CLASSIFICATION_MARK_FOUND');
    // Not sealed by the province (the chairman only): still the stamp.
    const chairmanOnly = joinDocument(await signPdf(await stampExisting((await sampleLetter()).pdf, 'TUYỆT MẬT'), fixtureSigner('signer-nguyen-van-an'), { fieldName: 'ChuTich' }));
    const e = await refused(send(metadata(), chairmanOnly), 'CLASSIFICATION_MARK_FOUND');
    expect(e.details).toMatchObject({ level: 'TUYET_MAT' });
    expectNothingStored(w);
  });

  it('a file the verifier refuses is not scanned: its own refusal keeps its place', async () => {
    const broken = S.mat.subarray(0, S.mat.length - 200);
    const e = await send(metadata(), broken).then(
      () => undefined,
      (err: unknown) => err as { code?: string },
    );
    expect(e?.code).toMatch(/^PDF_/);
  });

  it('letters that speak of “mật” in running text are sent as usual; so is the demo letter', async () => {
    const r1 = await send(metadata({ classification: 'NONE' }), S.mentions);
    expect(r1.replayed).toBe(false);
    const r2 = await send(metadata({ classification: 'NONE' }), L.valid);
    expect(r2.document.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(w.stores.state.documents).toHaveLength(2);
  });

  it('the scan goes through deps.verifier (the worker pool in the service)', async () => {
    const calls: number[] = [];
    const inner = new InProcessVerifier();
    const verifier: PdfVerifier = {
      verify: (pdf, trust, at) => inner.verify(pdf, trust, at),
      scanMarks: (pdf) => (calls.push(pdf.length), inner.scanMarks(pdf)),
      close: () => inner.close(),
    };
    w.deps.verifier = verifier;
    await refused(send(metadata(), S.mat), 'CLASSIFICATION_MARK_FOUND');
    expect(calls).toEqual([S.mat.length]);
  });
});

describe('verify before sending: the preview shows the stamp', () => {
  it('a clerk, an auditor: the marks with their page; none on the demo letter', async () => {
    const w = await makeWorld();
    const clerk = await verifyUpload(w.deps, w.clerk.province, S.toiMatPage2);
    expect(clerk.classificationMarks).toEqual([{ page: 2, level: 'TOI_MAT', text: 'TỐI MẬT' }]);
    expect(clerk.policy?.code).toBeNull(); // the signatures themselves are fine
    expect((await verifyUpload(w.deps, w.auditor, S.mat)).classificationMarks).toEqual([{ page: 1, level: 'MAT', text: 'MẬT' }]);
    expect((await verifyUpload(w.deps, w.clerk.province, L.valid)).classificationMarks).toEqual([]);
    expect((await verifyUpload(w.deps, w.clerk.province, S.mentions)).classificationMarks).toEqual([]);
    expectNothingStored(w);
  });
});

forEachDatabase('http: a stamped letter declared NONE', (t) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(t.stores);
  });

  it('answers 422 CLASSIFICATION_MARK_FOUND naming page 1; no document, no blob; send.refused without the content', async () => {
    const meta = httpMetadata({ classification: 'NONE', subject: 'Phương án bảo đảm an ninh khu vực biên giới' });
    const body = sendBody(meta, S.mat);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
    expect(res.statusCode, res.body).toBe(422);
    const error = res.json().error;
    expect(error.code).toBe('CLASSIFICATION_MARK_FOUND');
    expect(error.message).toContain('page 1');
    expect(error.details).toEqual({ page: 1, level: 'MAT', pages: [1] });

    // The fresh database holds the seed only: no document, delivery, event or blob at all.
    for (const table of ['documents', 'deliveries', 'status_events', 'blobs']) {
      const [row] = rowsOf<{ n: number | string }>(await t.database.db.execute(sql.raw(`select count(*) as n from ${table}`)));
      expect(Number(row!.n), table).toBe(0);
    }
    expect(await t.stores.blobs.get(createHash('sha256').update(S.mat).digest('hex'))).toBeUndefined();

    const refusals = await t.stores.log.search({ event: 'send.refused' }, { limit: 100 });
    const entry = refusals.items.find((x) => x.details['codeNumber'] === meta['codeNumber']);
    expect(entry?.details).toEqual({ senderCode: PROVINCE, codeNumber: meta['codeNumber'], codeNotation: meta['codeNotation'], code: 'CLASSIFICATION_MARK_FOUND', level: 'MAT', page: 1 });
    expect(JSON.stringify(refusals.items)).not.toContain('biên giới');
    expect(h.logLines().join('\n')).not.toContain('biên giới');
  });

  it('POST /verify shows the stamp before the send', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/verify', headers: { authorization: h.tokens.clerk(PROVINCE), 'content-type': 'application/pdf' }, payload: Buffer.from(S.mat) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().classificationMarks).toEqual([{ page: 1, level: 'MAT', text: 'MẬT' }]);
  });
});
