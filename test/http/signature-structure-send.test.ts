// The send path refuses what the verifier finds in a signature's structure (issues 9 and 10): a
// forged signature field (a dictionary borrowing the seal's /ByteRange with junk /Contents) and
// replayed copies of the seal and an unsigned field painting over the letter (an overlay) are 422 SIGNATURE_INVALID with the verifier's report; hundreds of
// signatures are 400 PDF_TOO_MANY_SIGNATURES. Before, all three were stored as valid.
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../support/databases.js';
import { WHITE_BOX_AND_AMOUNT, addField } from '../pades/overlay-helpers.js';
import { addSignatureFields, sigDictBody, signatureDictOf } from '../pades/signature-structure-helpers.js';
import { PROVINCE, type Harness, metadata, sealedLetter, sendBody, startHarness } from './harness.js';

let pdf: Uint8Array;
let forged: Uint8Array;
let replayed: Uint8Array;
let crowded: Uint8Array;
let overlaid: Uint8Array;

beforeAll(async () => {
  pdf = await sealedLetter();
  const seal = signatureDictOf(pdf, 'VanThu');
  forged = addSignatureFields(pdf, [{ name: 'VanThu_2', sigDict: sigDictBody(seal.byteRange, '00'.repeat(256), '/Reason (Van thu ky so)') }]);
  replayed = addSignatureFields(pdf, [1, 2, 3].map((i) => ({ name: `VanThu_${i}`, sigDict: seal.body })));
  crowded = addSignatureFields(pdf, Array.from({ length: 25 }, (_, i) => ({ name: `VanThu_${i}`, sigDict: seal.body })));
  // The overlay attack: an unsigned field whose widget paints a white box and a new amount.
  overlaid = addField(pdf, { type: 'Sig', appearance: WHITE_BOX_AND_AMOUNT });
});

forEachDatabase('http send: signature structure', (t) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(t.stores, { uploadLimitBytes: 4 * 1024 * 1024 });
  });

  const send = (bytes: Uint8Array, meta = metadata()) => {
    const body = sendBody(meta, bytes);
    return h.app.inject({ method: 'POST', url: '/api/v1/documents', headers: { ...body.headers, authorization: h.tokens.clerk(PROVINCE) }, payload: body.payload });
  };

  const outboxHas = async (codeNumber: unknown): Promise<boolean> => {
    const out = await h.app.inject({ method: 'GET', url: '/api/v1/outbox?limit=100', headers: { authorization: h.tokens.clerk(PROVINCE) } });
    return out.json().items.some((i: { document: { metadata: { codeNumber: string } } }) => i.document.metadata.codeNumber === codeNumber);
  };

  it('the sealed letter itself is accepted (the control)', async () => {
    const res = await send(pdf);
    expect(res.statusCode, res.body).toBe(201);
  });

  it('a forged signature field: 422 SIGNATURE_INVALID with the report naming the forged field, nothing stored', async () => {
    const meta = metadata();
    const res = await send(forged, meta);
    expect(res.statusCode, res.body).toBe(422);
    const { error } = res.json();
    expect(error.code).toBe('SIGNATURE_INVALID');
    expect(error.message).toMatch(/VanThu_2/);
    const report = error.details.report;
    expect(report.document.verdict).toBe('invalid');
    const fake = report.signatures.find((s: { fieldName: string }) => s.fieldName === 'VanThu_2');
    expect(fake).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE' });
    expect(fake.errors.join('\n')).toMatch(/own \/Contents/);
    expect(await outboxHas(meta.codeNumber)).toBe(false);
  });

  it('three replayed copies of the seal: 422 SIGNATURE_INVALID saying it is replayed', async () => {
    const meta = metadata();
    const res = await send(replayed, meta);
    expect(res.statusCode, res.body).toBe(422);
    const { error } = res.json();
    expect(error.code).toBe('SIGNATURE_INVALID');
    expect(error.message).toMatch(/replayed/);
    expect(error.details.report.signatures).toHaveLength(2);
    expect(error.details.report.signatures[1].replays).toHaveLength(3);
    expect(await outboxHas(meta.codeNumber)).toBe(false);
  });

  it('an unsigned field painting over the signed letter (overlay): 422 SIGNATURE_INVALID naming the change, nothing stored', async () => {
    const meta = metadata();
    const res = await send(overlaid, meta);
    expect(res.statusCode, res.body).toBe(422);
    const { error } = res.json();
    expect(error.code).toBe('SIGNATURE_INVALID');
    const kinds = error.details.report.signatures.flatMap((s: { modifications: { disallowed: { kind: string }[] } }) => s.modifications.disallowed.map((m) => m.kind));
    expect(kinds).toContain('unsigned-field-appearance');
    expect(await outboxHas(meta.codeNumber)).toBe(false);
  });

  it('more signatures than the maximum: 400 PDF_TOO_MANY_SIGNATURES before any verification', async () => {
    const meta = metadata();
    const res = await send(crowded, meta);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('PDF_TOO_MANY_SIGNATURES');
    expect(await outboxHas(meta.codeNumber)).toBe(false);
  });
});
