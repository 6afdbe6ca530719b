// Our signatures checked by independent tools: poppler's pdfsig (signature and trust via NSS) and
// qpdf --check (structure), across producers, key types, levels and repeated signing.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { isDocaxisError } from '../../src/errors.js';
import { PdfDict, PdfRef } from '../../src/pdf/objects.js';
import { pageDict } from '../../src/pdf/pages.js';
import { PdfReader } from '../../src/pdf/reader.js';
import { cmsFromRawSignature, completeSignature, dataToSign, joinDocument } from '../../src/pades/complete.js';
import { prepareSignature, type PreparedSignatureRecord } from '../../src/pades/prepare.js';
import { signPdf } from '../../src/pades/sign.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { sealLines } from '../../src/pades/appearance.js';
import { readCertificates } from '../../src/pki/pem.js';
import { fixture, fixtureSigner, fixtureTimestamper, fontBytes, image, sampleLetter, trustedOptions } from '../support/fixtures.js';
import { fixtureNssDb, pdfsig, qpdfCheck, tempDir, writeTemp } from '../support/oracles.js';

let nss: string;
let dir: string;
let letter: Awaited<ReturnType<typeof sampleLetter>>;

beforeAll(async () => {
  nss = fixtureNssDb();
  dir = tempDir();
  letter = await sampleLetter();
});

function expectAllValid(bytes: Uint8Array, name: string, count: number): void {
  const file = writeTemp(dir, name, bytes);
  const poppler = pdfsig(file, nss);
  expect(poppler).toHaveLength(count);
  for (const s of poppler) {
    expect(s, `pdfsig on ${name}: ${s.field}`).toMatchObject({ signatureValid: true, certificateTrusted: true });
  }
  expect(poppler[count - 1]?.totalDocumentSigned).toBe(true);
  const q = qpdfCheck(file);
  expect(q.ok, q.output).toBe(true);
  const report = verifyPdf(bytes, trustedOptions());
  expect(report.document.verdict, JSON.stringify(report.signatures.map((s) => [s.indication, s.subIndication, s.errors]))).toBe('valid');
  expect(report.signatures).toHaveLength(count);
}

function expectPrefix(original: Uint8Array, signed: Uint8Array): void {
  expect(signed.length).toBeGreaterThan(original.length);
  expect(Buffer.compare(Buffer.from(signed.subarray(0, original.length)), Buffer.from(original))).toBe(0);
}

async function producers(): Promise<Array<[string, Uint8Array]>> {
  const base = letter.pdf;
  const src = writeTemp(dir, 'producer-base.pdf', base);
  const qpdfOut = (name: string, args: string[]) => {
    const out = `${dir}/${name}`;
    execFileSync('qpdf', [...args, src, out]);
    return readFileSync(out);
  };
  const withAnnot = await PDFDocument.load(base);
  const page = withAnnot.getPage(0);
  const link = withAnnot.context.obj({ Type: 'Annot', Subtype: 'Link', Rect: [60, 700, 200, 720], Border: [0, 0, 0], A: { S: 'URI', URI: PDFString.of('https://example.test') } });
  page.node.set(PDFName.of('Annots'), withAnnot.context.obj([withAnnot.context.register(link)]));
  return [
    ['pdf-lib, classic xref table', base],
    ['pdf-lib, object streams', (await sampleLetter({ useObjectStreams: true })).pdf],
    ['qpdf, xref stream + object streams', qpdfOut('qpdf-objstm.pdf', ['--object-streams=generate'])],
    ['qpdf, linearized', qpdfOut('qpdf-linear.pdf', ['--linearize'])],
    ['page with an existing annotation', await withAnnot.save({ useObjectStreams: false })],
  ];
}

describe('signing, checked by pdfsig and qpdf', () => {
  it('signs inputs from several producers, keeping the input as a byte-exact prefix', async () => {
    const signer = fixtureSigner('signer-nguyen-van-an');
    for (const [name, pdf] of await producers()) {
      const signed = joinDocument(await signPdf(pdf, signer, { fieldName: 'ChuTich' }));
      expectPrefix(pdf, signed);
      expectAllValid(signed, `${name.replace(/\W+/g, '-')}.pdf`, 1);
      const before = PdfReader.open(pdf);
      const after = PdfReader.open(signed);
      expect(after.revisions).toHaveLength(before.revisions.length + 1);
      expect(after.xrefKind === 'table' || after.xrefKind === 'hybrid').toBe(before.xrefKind === 'table' || before.xrefKind === 'hybrid');
    }
  });

  it('keeps existing annotations when it adds the widget', async () => {
    const [, withAnnot] = (await producers())[4]!;
    const signed = joinDocument(await signPdf(withAnnot, fixtureSigner('signer-nguyen-van-an')));
    const before = PdfReader.open(withAnnot);
    const after = PdfReader.open(signed);
    const annots = (r: PdfReader) => r.resolve(pageDict(r, 0).dict.get('Annots')) as PdfRef[];
    expect(annots(after)).toHaveLength(annots(before).length + 1);
    expect(annots(after)[0]?.equals(annots(before)[0])).toBe(true);
  });

  it('signer then agency seal then a third signature: all stay valid (Decree 30 order)', async () => {
    const fonts = await fontBytes();
    const timestamper = fixtureTimestamper();
    const one = joinDocument(
      await signPdf(letter.pdf, fixtureSigner('signer-nguyen-van-an'), {
        level: 'B-T',
        timestamper,
        fieldName: 'ChuTich',
        visible: { placement: { kind: 'rect', ...letter.signerBox }, layout: 'signer', lines: [], image: image('handwritten-nguyen-van-an'), fontBytes: fonts },
      }),
    );
    expectAllValid(one, 'seq-1.pdf', 1);
    const two = joinDocument(
      await signPdf(one, fixtureSigner('seal-ubnd-thai-binh'), {
        level: 'B-T',
        timestamper,
        fieldName: 'VanThu',
        visible: {
          placement: { kind: 'over', field: 'ChuTich' },
          layout: 'seal',
          lines: sealLines({ signerName: 'Ủy ban nhân dân tỉnh Thái Bình', time: new Date() }),
          image: image('seal-ubnd-thai-binh'),
          fontBytes: fonts,
        },
      }),
    );
    expectPrefix(one, two);
    expectAllValid(two, 'seq-2.pdf', 2);
    const three = joinDocument(await signPdf(two, fixtureSigner('signer-tran-thi-binh'), { level: 'B-T', timestamper, digest: 'sha384', fieldName: 'NguoiKy3' }));
    expectPrefix(two, three);
    expectAllValid(three, 'seq-3.pdf', 3);

    const report = verifyPdf(three, trustedOptions());
    const [first, second, third] = report.signatures;
    expect(first?.modifiedAfterSigning).toBe('allowed');
    expect(first?.modifications.allowed.map((m) => m.kind)).toContain('signature-added');
    expect(second?.coverage.kind).toBe('entire-revision');
    expect(third?.coverage.kind).toBe('entire-file');
    expect(report.signatures.every((s) => s.times.proven !== null && s.timestamp?.valid === true)).toBe(true);
    expect(first?.signer?.personalId).toBe('CCCD:034075000101');
    expect(second?.signer?.agencyCode).toBe('000.00.00.H54');
    expect(third?.digestAlgorithm).toBe('sha384');
  });

  it('writes printable widgets with an appearance for visible signatures', async () => {
    const signed = joinDocument(
      await signPdf(letter.pdf, fixtureSigner('signer-nguyen-van-an'), {
        fieldName: 'Visible',
        visible: { placement: { kind: 'rect', page: 1, x: 330, y: 305, width: 200, height: 100 }, layout: 'signer', lines: ['Chủ tịch', 'Nguyễn Văn An'], image: image('handwritten-nguyen-van-an'), fontBytes: await fontBytes() },
      }),
    );
    const r = PdfReader.open(signed);
    const annots = r.resolve(pageDict(r, 0).dict.get('Annots')) as PdfRef[];
    const widget = r.getObject(annots[annots.length - 1]!) as PdfDict;
    expect((widget.get('F') as number) & 4).toBe(4);
    expect(widget.get('Rect')).toEqual([330, 305, 530, 405]);
    expect((widget.get('AP') as PdfDict).get('N')).toBeInstanceOf(PdfRef);
    const fonts = execFileSync('pdffonts', [writeTemp(dir, 'visible.pdf', signed)], { encoding: 'utf8' });
    expect(fonts).toMatch(/DejaVuSans/);
  });

  it('signs with ECDSA P-256 (B-T, SHA-512) and with adbe.pkcs7.detached', async () => {
    const ec = joinDocument(await signPdf(letter.pdf, fixtureSigner('signer-tran-thi-binh'), { level: 'B-T', timestamper: fixtureTimestamper(), digest: 'sha512' }));
    expectAllValid(ec, 'ecdsa.pdf', 1);
    const adbe = joinDocument(await signPdf(letter.pdf, fixtureSigner('seal-vpcp'), { subFilter: 'adbe.pkcs7.detached' }));
    expectAllValid(adbe, 'adbe.pdf', 1);
    expect(verifyPdf(adbe, trustedOptions()).signatures[0]?.subFilter).toBe('adbe.pkcs7.detached');
  });
});

describe('staged signing for keys docaxis does not hold', () => {
  it('prepare -> serialised record -> external raw signature -> complete', async () => {
    const certificate = readCertificates(fixture('seal-syt-thai-binh.cert.pem'))[0]!;
    const chain = readCertificates(fixture('intermediates.pem'));
    const { document, record } = await prepareSignature(letter.pdf, { contentsCapacity: 8192, fieldName: 'Remote' });
    // The record crosses a process boundary (a token, an HSM, a remote service) as JSON.
    const wire = JSON.parse(JSON.stringify(record)) as PreparedSignatureRecord;
    const { signedAttributes } = dataToSign(wire, certificate);
    const key = createPrivateKey(readFileSync(new URL('../../certs-fixtures/seal-syt-thai-binh.key.pem', import.meta.url)));
    const signatureValue = cryptoSign('sha256', signedAttributes, { key, dsaEncoding: 'der' });
    const cms = cmsFromRawSignature(wire, { signatureValue, signerCertificate: certificate, chain, keyAlgorithm: 'ec' });
    expectAllValid(joinDocument(completeSignature(document, wire, cms)), 'staged.pdf', 1);
  });

  it('says clearly when the CMS does not fit, and when the bytes are not the prepared ones', async () => {
    const signer = fixtureSigner('signer-nguyen-van-an');
    const { document, record } = await prepareSignature(letter.pdf, { contentsCapacity: 300 });
    const cms = new Uint8Array(1200).fill(1);
    const tooSmall = (() => {
      try {
        completeSignature(document, record, cms);
      } catch (e) {
        return e;
      }
    })();
    expect(isDocaxisError(tooSmall, 'SIG_PLACEHOLDER_TOO_SMALL')).toBe(true);
    expect(String((tooSmall as Error).message)).toMatch(/needs 1200 bytes but the placeholder holds 300/);
    const altered = { original: document.original, update: Uint8Array.from(document.update) };
    altered.update[record.byteRange[1] - record.originalLength + 5] = 0x41;
    expect(() => completeSignature(altered, record, new Uint8Array(10))).toThrow(/not the ones this signature was prepared for/);
    expect(signer.certificate.length).toBeGreaterThan(0);
  });
});
