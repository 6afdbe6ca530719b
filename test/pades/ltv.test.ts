// PAdES B-LT and B-LTA made from the fixtures: the /DSS and its VRI keys read back independently of
// our PDF parser, pdfsig and qpdf as oracles, our verifier now and after the signer's certificate
// has expired (past-time validation from the embedded data only), merging, and tampering.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { joinDocument } from '../../src/pades/complete.js';
import { extendToLt, extendToLta } from '../../src/pades/ltv.js';
import { signPdf } from '../../src/pades/sign.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { PdfDict, PdfRef, PdfStream } from '../../src/pdf/objects.js';
import { pageDict } from '../../src/pdf/pages.js';
import { PdfReader } from '../../src/pdf/reader.js';
import { IncrementalWriter, concatUpdate } from '../../src/pdf/writer.js';
import { fixtureSigner, fixtureTimestamper, sampleLetter } from '../support/fixtures.js';
import { fixtureNssDb, hasTool, pdfsig, qpdfCheck, tempDir, writeTemp } from '../support/oracles.js';
import { type ArchiveTsa, contentsFromBytes, fixtureAnchors, fixtureCrls, makeArchiveTsa, readDssView, sameBytes, sha1Upper } from './ltv-support.js';

const SIGNER = 'signer-nguyen-van-an';
/** After every fixture end entity (signer and TSA: 2045-12-31) has expired. */
const AFTER_EXPIRY = new Date('2046-06-01T00:00:00Z');

let letter: Uint8Array;
let bT: Uint8Array;
let bLt: Uint8Array;
let bLta: Uint8Array;
let archive: ArchiveTsa;

beforeAll(async () => {
  letter = (await sampleLetter()).pdf;
  const signer = fixtureSigner(SIGNER);
  const ltv = { trustAnchors: fixtureAnchors(), crls: fixtureCrls() };
  bT = joinDocument(await signPdf(letter, signer, { level: 'B-T', timestamper: fixtureTimestamper() }));
  bLt = joinDocument(await signPdf(letter, signer, { level: 'B-LT', timestamper: fixtureTimestamper(), ltv }));
  bLta = joinDocument(await signPdf(letter, signer, { level: 'B-LTA', timestamper: fixtureTimestamper(), ltv }));
  archive = await makeArchiveTsa();
}, 60_000);

const onlyAnchors = (extra: Uint8Array[] = []) => ({ trustAnchors: [...fixtureAnchors(), ...extra] });

describe('B-LT', () => {
  it('adds a /DSS whose VRI key is the SHA-1 of the signature /Contents, with the chain and both CRLs', () => {
    const dss = readDssView(bLt);
    const [sig] = contentsFromBytes(bLt);
    expect(sig?.type).toBe('Sig');
    expect([...dss.vri.keys()]).toEqual([sha1Upper(sig!.contents)]);
    const entry = dss.vri.get(sha1Upper(sig!.contents))!;
    const signer = fixtureSigner(SIGNER);
    // signer, intermediate, root (anchor), and the TSA's chain
    for (const c of [signer.certificate, ...signer.chain, ...fixtureAnchors()]) expect(entry.certs.some((x) => sameBytes(x, c))).toBe(true);
    for (const crl of fixtureCrls()) expect(dss.crls.some((x) => sameBytes(x, crl))).toBe(true);
    expect(entry.crls).toHaveLength(2);
    expect(entry.tu).toMatch(/^D:\d{14}/);
  });

  it('verifies with the embedded revocation data only, even when revocation is required', () => {
    const report = verifyPdf(bLt, { ...onlyAnchors(), requireRevocation: true });
    expect(report.document.verdict).toBe('valid');
    const [sig] = report.signatures;
    expect(sig?.indication).toBe('TOTAL_PASSED');
    expect(sig?.chain.revocation.map((r) => [r.status, r.origin])).toEqual([
      ['good', 'embedded'],
      ['good', 'embedded'],
    ]);
    expect(sig?.modifications.allowed.some((m) => m.kind === 'dss-added')).toBe(true);
    // The same signature without its DSS revision: revocation cannot be established.
    expect(verifyPdf(bT, { ...onlyAnchors(), requireRevocation: true }).signatures[0]?.subIndication).toBe('TRY_LATER');
  });

  it('extending twice merges into one store without duplicates', async () => {
    const once = joinDocument(await extendToLt(bT, { trustAnchors: fixtureAnchors(), crls: fixtureCrls() }));
    const twice = joinDocument(await extendToLt(once, { trustAnchors: fixtureAnchors(), crls: fixtureCrls() }));
    const a = readDssView(once);
    const b = readDssView(twice);
    expect(b.certs).toHaveLength(a.certs.length);
    expect(b.crls).toHaveLength(2);
    expect(b.certRefs).toEqual(a.certRefs); // the existing streams are referenced again, not rewritten
    expect(b.vri.size).toBe(1);
    const distinct = new Set(b.certs.map((c) => Buffer.from(c).toString('hex')));
    expect(distinct.size).toBe(b.certs.length);
    expect(verifyPdf(twice, { ...onlyAnchors(), requireRevocation: true }).document.verdict).toBe('valid');
  });

  it('refuses a document without signatures', async () => {
    await expect(extendToLt(letter, { trustAnchors: fixtureAnchors() })).rejects.toMatchObject({ code: 'LTV_NO_SIGNATURE' });
  });
});

describe('B-LTA', () => {
  it('adds an ETSI.RFC3161 document timestamp and a VRI entry for it', () => {
    const found = contentsFromBytes(bLta);
    expect(found.map((f) => f.type)).toEqual(['Sig', 'DocTimeStamp']);
    expect(Buffer.from(bLta).toString('latin1')).toMatch(/\/Type \/DocTimeStamp\/Filter \/Adobe\.PPKLite\/SubFilter \/ETSI\.RFC3161/);
    const dss = readDssView(bLta);
    expect([...dss.vri.keys()].sort()).toEqual(found.map((f) => sha1Upper(f.contents)).sort());
    const report = verifyPdf(bLta, { ...onlyAnchors(), requireRevocation: true });
    expect(report.signatures.map((s) => [s.type, s.indication])).toEqual([
      ['signature', 'TOTAL_PASSED'],
      ['document-timestamp', 'TOTAL_PASSED'],
    ]);
    expect(report.document.verdict).toBe('valid');
  });

  it.runIf(hasTool('qpdf'))('qpdf --check finds nothing wrong with B-LT and B-LTA', () => {
    const dir = tempDir();
    for (const [name, pdf] of [['lt.pdf', bLt], ['lta.pdf', bLta]] as const) {
      const r = qpdfCheck(writeTemp(dir, name, pdf));
      expect(r.ok, r.output).toBe(true);
    }
  });

  it.runIf(hasTool('pdfsig'))('pdfsig: the signature stays valid and trusted after the DSS and document timestamp revisions', () => {
    const dir = tempDir();
    const sigs = pdfsig(writeTemp(dir, 'lta.pdf', bLta), fixtureNssDb());
    expect(sigs.map((s) => s.field)).toEqual(['Signature1', 'DocTimeStamp1']);
    expect(sigs[0]).toMatchObject({ signatureValid: true, certificateTrusted: true, totalDocumentSigned: false });
    // poppler does not validate RFC 3161 document timestamps (it says so) and does not read the DSS.
    expect(sigs[1]?.signatureValid).toBe(false);
  });

  it.runIf(hasTool('openssl'))('openssl ts -verify accepts the document timestamp over its byte ranges', () => {
    const dir = tempDir();
    const ts = contentsFromBytes(bLta).find((f) => f.type === 'DocTimeStamp')!;
    const text = Buffer.from(bLta).toString('latin1');
    const m = /\/ByteRange \[0 (\d+) (\d+) (\d+)\s*\]\/Contents <[0-9a-f]+>\)?/.exec(text.slice(text.indexOf('/DocTimeStamp')))!;
    const [b, c, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const data = Buffer.concat([bLta.subarray(0, b), bLta.subarray(c, c + d)]);
    let end = ts.contents.length;
    while (end > 0 && ts.contents[end - 1] === 0) end--;
    const r = spawnSync('openssl', [
      'ts', '-verify', '-data', writeTemp(dir, 'data.bin', data), '-in', writeTemp(dir, 'token.der', ts.contents.subarray(0, end)), '-token_in',
      '-CAfile', `${process.cwd()}/certs-fixtures/root-ca.cert.pem`, '-untrusted', `${process.cwd()}/certs-fixtures/intermediate-ca.cert.pem`,
    ], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toMatch(/Verification: OK/);
  });

  it('a page changed in a revision dressed as a DSS update after the document timestamp is a disallowed change', () => {
    const reader = PdfReader.open(bLta);
    const writer = new IncrementalWriter(reader);
    const page = pageDict(reader, 0);
    const raw = page.dict.get('Contents');
    const contentsRef = Array.isArray(raw) ? raw[0] : raw;
    expect(contentsRef).toBeInstanceOf(PdfRef);
    writer.set(contentsRef as PdfRef, new PdfStream(new PdfDict(), Buffer.from('BT /F1 24 Tf 72 72 Td (FORGED) Tj ET')));
    const dss = reader.resolve(reader.catalog().get('DSS')) as PdfDict;
    const forged = dss.clone();
    forged.set('Certs', [...((reader.resolve(dss.get('Certs')) as PdfRef[]) ?? []), contentsRef as PdfRef]);
    const dssRef = writer.allocateRef();
    writer.set(dssRef, forged);
    const catalog = reader.catalog().clone();
    catalog.set('DSS', dssRef);
    writer.set(reader.trailer.get('Root') as PdfRef, catalog);
    const tampered = concatUpdate(writer.write());
    const report = verifyPdf(tampered, onlyAnchors());
    expect(report.document.verdict).not.toBe('valid');
    for (const s of report.signatures) expect(s.modifiedAfterSigning, s.type).toBe('disallowed');
  });
});

describe('past-time validation after the signer certificate expired (no CRLs given, nothing fetched)', () => {
  it('B-T: INDETERMINATE, the expired TSA proves nothing', () => {
    const [sig] = verifyPdf(bT, { ...onlyAnchors(), at: AFTER_EXPIRY }).signatures;
    expect([sig?.indication, sig?.subIndication]).toEqual(['INDETERMINATE', 'OUT_OF_BOUNDS_NO_POE']);
    expect(sig?.timestamp?.valid).toBe(false);
  });

  it('B-LTA renewed by a TSA that outlives the signer: VALID from the embedded data', async () => {
    const lta = joinDocument(await extendToLta(bLt, { trustAnchors: onlyAnchors([archive.root]).trustAnchors, crls: [...fixtureCrls(), archive.crl], timestamper: archive.timestamper() }));
    const report = verifyPdf(lta, { ...onlyAnchors([archive.root]), at: AFTER_EXPIRY });
    expect(report.signatures.map((s) => [s.type, s.indication, s.subIndication])).toEqual([
      ['signature', 'TOTAL_PASSED', null],
      ['document-timestamp', 'TOTAL_PASSED', null],
    ]);
    const [sig] = report.signatures;
    expect(sig?.timestamp?.valid).toBe(true);
    expect(sig?.warnings.some((w) => /proven by a later document timestamp/.test(w))).toBe(true);
    expect(sig?.chain.revocation.every((r) => r.status === 'good' && r.origin === 'embedded')).toBe(true);
    expect(report.document.verdict).toBe('valid');
  });

  it('a chain of document timestamps: the first (expired TSA) is covered by the renewal', async () => {
    const renewed = joinDocument(await extendToLta(bLta, { trustAnchors: onlyAnchors([archive.root]).trustAnchors, crls: [archive.crl], timestamper: archive.timestamper() }));
    const report = verifyPdf(renewed, { ...onlyAnchors([archive.root]), at: AFTER_EXPIRY });
    expect(report.signatures.map((s) => [s.type, s.indication])).toEqual([
      ['signature', 'TOTAL_PASSED'],
      ['document-timestamp', 'TOTAL_PASSED'],
      ['document-timestamp', 'TOTAL_PASSED'],
    ]);
    // Without the renewal, the last timestamp's TSA has expired too: nothing is proven.
    const stale = verifyPdf(bLta, { ...onlyAnchors(), at: AFTER_EXPIRY });
    expect(stale.signatures.map((s) => s.indication)).toEqual(['INDETERMINATE', 'INDETERMINATE']);
  });

  it('without revocation data in the DSS, the proven time is not enough (not weakened)', async () => {
    const bare = joinDocument(await extendToLta(bT, { trustAnchors: onlyAnchors([archive.root]).trustAnchors, crls: [archive.crl], timestamper: archive.timestamper() }));
    const report = verifyPdf(bare, { ...onlyAnchors([archive.root]), at: AFTER_EXPIRY });
    expect(report.signatures[1]?.indication).toBe('TOTAL_PASSED');
    expect(report.signatures[0]?.indication).toBe('INDETERMINATE');
  });

  it('a signature made after its certificate expired stays failed, whatever the archive', async () => {
    // The signature timestamp says 2046: after notAfter, so EXPIRED (not INDETERMINATE).
    const late = fixtureTimestamper(() => new Date('2046-02-01T00:00:00Z'));
    const signed = joinDocument(await signPdf(letter, fixtureSigner(SIGNER), { level: 'B-T', timestamper: late }));
    const lta = joinDocument(await extendToLta(signed, { trustAnchors: onlyAnchors([archive.root]).trustAnchors, crls: [...fixtureCrls(), archive.crl], timestamper: archive.timestamper(() => new Date('2046-03-01T00:00:00Z')) }));
    const [sig] = verifyPdf(lta, { ...onlyAnchors([archive.root]), at: AFTER_EXPIRY }).signatures;
    expect(sig?.indication).not.toBe('TOTAL_PASSED');
  });
});
