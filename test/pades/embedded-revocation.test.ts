// Revocation data already in the PDF (issue 9): the /DSS (and its /VRI entries) and the CMS's
// adbe-revocationInfoArchival attribute are used like the caller's CRLs, so --require-revocation
// is satisfied by embedded data that covers the signer; and what the store holds is bounded.
// The signer's CA is a throw-away one (test/pki/ocsp-test-pki.ts): certs-fixtures keeps no CA keys.
import { sign } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { completeSignature, dataToSign, joinDocument } from '../../src/pades/complete.js';
import { DSS_LIMITS, readDss } from '../../src/pades/dss-read.js';
import { findSignatures } from '../../src/pades/find-signatures.js';
import { prepareSignature } from '../../src/pades/prepare.js';
import { signPdf } from '../../src/pades/sign.js';
import { type VerifyOptions, verifyPdf } from '../../src/pades/verify.js';
import { PdfDict, PdfRef, PdfString } from '../../src/pdf/objects.js';
import { PdfReader } from '../../src/pdf/reader.js';
import { bytesOf, childrenOf, encodeOid, readRoot, seq, setOf, tlv } from '../../src/pki/asn1-util.js';
import { parseChainCert } from '../../src/pki/chain-cert.js';
import { assembleSignedData } from '../../src/pki/cms-build.js';
import { parseCms } from '../../src/pki/cms-parse.js';
import { createKeySigner } from '../../src/pki/key-signer.js';
import { parseOcspResponse } from '../../src/pki/ocsp.js';
import { OID } from '../../src/pki/oids.js';
import { readCertificates } from '../../src/pki/pem.js';
import { readAttributeRevocationValues } from '../../src/pki/revocation-archival.js';
import { parseCrl } from '../../src/pki/revocation.js';
import type { SignerAdapter } from '../../src/pki/signer.js';
import { fixture, fixtureTimestamper, sampleLetter } from '../support/fixtures.js';
import { type OcspEntry, type OcspPki, buildOcspResponse, crlOf, makeOcspPki } from '../pki/ocsp-test-pki.js';
import { appendRevision, nextObjectNumber } from './support-tamper.js';

let pki: OcspPki;
let signer: SignerAdapter;
let letter: Uint8Array;
/** B-B, no revocation data anywhere. */
let signed: Uint8Array;
const HOUR = 3_600_000;

beforeAll(async () => {
  pki = await makeOcspPki();
  signer = createKeySigner({ privateKey: pki.leaf.privateKey, certificate: pki.leaf.der, chain: [], keyAlgorithm: 'rsa' });
  letter = (await sampleLetter()).pdf;
  signed = joinDocument(await signPdf(letter, signer, { fieldName: 'ChuTich' }));
}, 120_000);

const options = (extra: Partial<VerifyOptions> = {}): VerifyOptions => ({ trustAnchors: [pki.root.der], requireRevocation: true, ...extra });

/** An OCSP response about the signer, by the delegated responder, current now unless told otherwise. */
function ocsp(entry: Partial<OcspEntry> = {}, by: 'responder' | 'rogueResponder' = 'responder'): Uint8Array {
  const now = Date.now();
  return buildOcspResponse({
    signerKey: pki[by].privateKey,
    responderCert: pki[by].der,
    certs: [pki[by].der],
    producedAt: new Date(now - 60_000),
    entries: [{ cert: pki.leaf.der, issuer: pki.root.der, status: 'good', thisUpdate: new Date(now - 60_000), nextUpdate: new Date(now + 7 * 24 * HOUR), ...entry }],
  });
}

interface DssParts {
  certs?: Uint8Array[];
  crls?: Uint8Array[];
  ocsps?: Uint8Array[];
  /** Put the OCSP responses in a /VRI entry only (not in /DSS /OCSPs). */
  ocspsInVriOnly?: boolean;
  compress?: boolean;
}

/** A later revision adding a /DSS to the catalog, its streams written by hand. */
function withDss(pdf: Uint8Array, parts: DssParts): Uint8Array {
  const reader = PdfReader.open(pdf);
  let n = nextObjectNumber(reader);
  const objects: { num: number; body: Uint8Array | PdfDict }[] = [];
  const streams = (list: Uint8Array[] = []): PdfRef[] =>
    list.map((bytes) => {
      const num = n++;
      const data = parts.compress ? zlib.deflateSync(bytes) : Buffer.from(bytes);
      const dict = `<< /Length ${data.length}${parts.compress ? ' /Filter /FlateDecode' : ''} >>\nstream\n`;
      objects.push({ num, body: Buffer.concat([Buffer.from(dict, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]) });
      return new PdfRef(num, 0);
    });
  const dss = new PdfDict().set('Certs', streams(parts.certs)).set('CRLs', streams(parts.crls));
  const ocspRefs = streams(parts.ocsps);
  if (parts.ocspsInVriOnly) {
    // The key is the SHA-1 of the signature's /Contents; the reader takes every entry anyway.
    dss.set('VRI', new PdfDict().set('0123456789ABCDEF0123456789ABCDEF01234567', new PdfDict().set('OCSP', ocspRefs)));
  } else {
    dss.set('OCSPs', ocspRefs);
  }
  const dssNum = n++;
  objects.push({ num: dssNum, body: dss });
  const rootRef = reader.trailer.get('Root') as PdfRef;
  objects.push({ num: rootRef.num, body: reader.catalog().clone().set('DSS', new PdfRef(dssNum, 0)) });
  return appendRevision(pdf, objects);
}

describe('revocation data in the /DSS', () => {
  it('without it, revocation required: INDETERMINATE / TRY_LATER', () => {
    const r = verifyPdf(signed, options());
    expect(r.signatures[0]).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
  });

  it('a CRL in the /DSS that covers the signer: TOTAL_PASSED, the status from an embedded CRL', async () => {
    const r = verifyPdf(withDss(signed, { crls: [await crlOf(pki.root, [])] }), options());
    expect(r.signatures[0]).toMatchObject({ indication: 'TOTAL_PASSED', subIndication: null });
    expect(r.signatures[0]?.chain.revocation).toEqual([expect.objectContaining({ status: 'good', source: 'crl', origin: 'embedded' })]);
  });

  it('an OCSP response in a /VRI entry, Flate-compressed: TOTAL_PASSED from an embedded OCSP response', () => {
    const r = verifyPdf(withDss(signed, { ocsps: [ocsp()], ocspsInVriOnly: true, compress: true }), options());
    expect(r.signatures[0]).toMatchObject({ indication: 'TOTAL_PASSED' });
    expect(r.signatures[0]?.chain.revocation[0]).toMatchObject({ status: 'good', source: 'ocsp', origin: 'embedded' });
  });

  it("the caller's CRL and the document's are told apart in the report", async () => {
    const r = verifyPdf(signed, options({ crls: [await crlOf(pki.root, [])] }));
    expect(r.signatures[0]?.chain.revocation[0]).toMatchObject({ status: 'good', source: 'crl', origin: 'given' });
  });

  it('a "good" from a responder the CA did not delegate to proves nothing: still TRY_LATER', () => {
    const r = verifyPdf(withDss(signed, { ocsps: [ocsp({}, 'rogueResponder')] }), options());
    expect(r.signatures[0]).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
    expect(r.signatures[0]?.errors.join('\n')).toMatch(/not authorised/);
  });

  it('a stale OCSP response (nextUpdate passed) does not satisfy --require-revocation', () => {
    const old = ocsp({ thisUpdate: new Date(Date.now() - 30 * 24 * HOUR), nextUpdate: new Date(Date.now() - 23 * 24 * HOUR) });
    expect(verifyPdf(withDss(signed, { ocsps: [old] }), options()).signatures[0]).toMatchObject({ subIndication: 'TRY_LATER' });
  });

  it("a 'revoked' OCSP response dated before the signing time (proven by a timestamp): TOTAL_FAILED / REVOKED", async () => {
    const timestamped = joinDocument(await signPdf(letter, signer, { fieldName: 'ChuTich', level: 'B-T', timestamper: fixtureTimestamper() }));
    const revoked = ocsp({ status: 'revoked', revokedAt: new Date(Date.now() - HOUR), reason: 1 });
    const anchors = [pki.root.der, ...readCertificates(fixture('trust-anchors.pem'))];
    const r = verifyPdf(withDss(timestamped, { ocsps: [revoked] }), { trustAnchors: anchors, intermediates: readCertificates(fixture('intermediates.pem')) });
    expect(r.signatures[0]?.timestamp?.valid).toBe(true);
    expect(r.signatures[0]).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'REVOKED' });
    expect(r.signatures[0]?.chain.revocation[0]).toMatchObject({ status: 'revoked', reason: 'keyCompromise', source: 'ocsp', origin: 'embedded' });
    expect(r.document.verdict).toBe('invalid');
  }, 60_000);
});

describe('revocation data in the CMS (adbe-revocationInfoArchival)', () => {
  it('an OCSP response in the signed archival attribute satisfies --require-revocation', async () => {
    const { document, record } = await prepareSignature(letter, { contentsCapacity: 16_384, fieldName: 'ChuTich', subFilter: 'adbe.pkcs7.detached' });
    const { signedAttributes } = dataToSign(record, pki.leaf.der);
    const existing = childrenOf(signedAttributes, readRoot(signedAttributes, false)).map((node) => bytesOf(signedAttributes, node));
    //   RevocationInfoArchival ::= SEQUENCE { crl [0] EXPLICIT ..., ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse, ... }
    const archival = seq(encodeOid(OID.adbeRevocationInfoArchival), setOf([seq(tlv(0xa1, seq(ocsp())))]));
    const attributes = setOf([...existing, archival]);
    const cms = assembleSignedData({
      signedAttributes: attributes,
      signatureValue: new Uint8Array(sign('sha256', attributes, pki.leaf.privateKey)),
      signerCertificate: pki.leaf.der,
      certificates: [],
      digest: 'sha256',
      keyAlgorithm: 'rsa',
    });
    const pdf = joinDocument(completeSignature(document, record, cms));
    const r = verifyPdf(pdf, options());
    expect(r.signatures[0]).toMatchObject({ indication: 'TOTAL_PASSED' });
    expect(r.signatures[0]?.chain.revocation[0]).toMatchObject({ status: 'good', source: 'ocsp', origin: 'embedded' });
  });
});

describe('a hostile /DSS is bounded', () => {
  it('a Flate bomb, 100,000 references and 5,000 /VRI entries: skipped with warnings, quickly', () => {
    const reader = PdfReader.open(signed);
    let n = nextObjectNumber(reader);
    const bombNum = n++;
    const bomb = zlib.deflateSync(Buffer.alloc(200 * 1024 * 1024)); // 200 MB of zeros, ~200 KB deflated
    const refs = Array.from({ length: 100_000 }, (_, i) => new PdfRef(100_000 + i, 0));
    const vri = new PdfDict();
    for (let i = 0; i < 5000; i++) vri.set(`K${i}`, new PdfDict().set('CRL', [new PdfRef(bombNum, 0)]).set('Cert', [new PdfString(Buffer.from('junk'))]));
    const dssNum = n++;
    const rootRef = reader.trailer.get('Root') as PdfRef;
    const pdf = appendRevision(signed, [
      { num: bombNum, body: Buffer.concat([Buffer.from(`<< /Length ${bomb.length} /Filter /FlateDecode >>\nstream\n`), bomb, Buffer.from('\nendstream')]) },
      { num: dssNum, body: new PdfDict().set('Certs', refs).set('CRLs', [new PdfRef(bombNum, 0)]).set('VRI', vri) },
      { num: rootRef.num, body: reader.catalog().clone().set('DSS', new PdfRef(dssNum, 0)) },
    ]);
    const started = performance.now();
    const dss = readDss(PdfReader.open(pdf));
    expect(dss.crls).toEqual([]);
    expect(dss.certificates).toEqual([]);
    expect(dss.vriEntries).toBe(DSS_LIMITS.maxVri);
    const warnings = dss.warnings.join('\n');
    expect(warnings).toMatch(/CRL of \/DSS \/CRLs was ignored: more than/);
    expect(warnings).toMatch(/more than 200 certificates/);
    expect(warnings).toMatch(/first 1000 were read/);
    const r = verifyPdf(pdf, options());
    expect(r.signatures[0]).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 30_000);

  it('keeps at most 200 of each kind', async () => {
    const crl = await crlOf(pki.root, []);
    const dss = readDss(PdfReader.open(withDss(signed, { crls: Array.from({ length: 230 }, () => crl) })));
    expect(dss.crls).toHaveLength(200);
    expect(dss.warnings.join('\n')).toMatch(/more than 200 CRLs; 30 were ignored/);
  });
});

// ---------------------------------------------------------------------------------------------
// Real-world files (EU DSS test resources): every embedded CRL and OCSP response is read.

const CORPUS = new URL('../../../shared/corpus/dss-pades/files/', import.meta.url).pathname;
const corpusPresent = existsSync(CORPUS);
if (!corpusPresent) console.log(`embedded-revocation: corpus tests skipped: ${CORPUS} is absent`);

describe.skipIf(!corpusPresent)('the real-world corpus', () => {
  it('every /DSS and every archival attribute parses: each CRL and OCSP response, no crash', () => {
    const totals = { files: 0, crls: 0, ocsps: 0, certs: 0 };
    const failures: string[] = [];
    for (const file of readdirSync(CORPUS).filter((f) => f.endsWith('.pdf'))) {
      let reader: PdfReader;
      try {
        reader = PdfReader.open(readFileSync(CORPUS + file));
      } catch {
        continue; // unreadable files are the reader's tests' business
      }
      const dss = readDss(reader);
      const crls = [...dss.crls];
      const ocsps = [...dss.ocspResponses];
      let signatures: ReturnType<typeof findSignatures> = [];
      try {
        signatures = findSignatures(reader);
      } catch {
        // idem
      }
      for (const s of signatures) {
        const contents = s.dict.get('Contents');
        if (!(contents instanceof PdfString)) continue;
        let cms;
        try {
          cms = parseCms(contents.bytes);
        } catch {
          continue;
        }
        crls.push(...cms.crls);
        ocsps.push(...cms.ocspResponses);
        if (cms.unsignedAttributesDer) {
          const values = readAttributeRevocationValues(cms.unsignedAttributesDer);
          crls.push(...values.crls);
          ocsps.push(...values.ocspResponses);
        }
      }
      if (crls.length + ocsps.length + dss.certificates.length === 0) continue;
      totals.files++;
      totals.crls += crls.length;
      totals.ocsps += ocsps.length;
      totals.certs += dss.certificates.length;
      for (const der of crls) {
        try {
          parseCrl(der);
        } catch (e) {
          failures.push(`${file}: CRL: ${String(e)}`);
        }
      }
      for (const der of ocsps) {
        try {
          parseOcspResponse(der);
        } catch (e) {
          failures.push(`${file}: OCSP: ${String(e)}`);
        }
      }
      for (const der of dss.certificates) {
        try {
          parseChainCert(der);
        } catch (e) {
          failures.push(`${file}: certificate: ${String(e)}`);
        }
      }
      expect(dss.warnings, file).toEqual([]);
    }
    console.log(`embedded-revocation corpus: ${totals.files} files, ${totals.crls} CRLs, ${totals.ocsps} OCSP responses, ${totals.certs} /DSS certificates`);
    expect(failures).toEqual([]);
    // Measured on the 70 files: 31 files with revocation data, 57 CRLs, 44 OCSP responses.
    expect(totals.files).toBeGreaterThanOrEqual(30);
    expect(totals.ocsps).toBeGreaterThanOrEqual(40);
    expect(totals.crls).toBeGreaterThanOrEqual(50);
  });

  // Delegated responders of national CAs, checked at the time of their response with the file's
  // own self-signed roots as anchors: the signer's status comes from the embedded OCSP response.
  it.each(['dss__pades-ocsp-sign-cert.pdf', 'dss__belgian_pki_multiple_ocsps.pdf', 'dss__Signature-P-HU_MIC-1.pdf'])('%s: the signer is "good" by an embedded OCSP response', (file) => {
    const bytes = readFileSync(CORPUS + file);
    const reader = PdfReader.open(bytes);
    const dss = readDss(reader);
    const first = findSignatures(reader)[0];
    const cms = parseCms((first?.dict.get('Contents') as PdfString).bytes);
    const anchors = [...cms.certificates, ...dss.certificates].filter((der) => {
      const c = parseChainCert(der);
      return c.selfIssued;
    });
    const response = parseOcspResponse([...dss.ocspResponses, ...cms.ocspResponses][0] as Uint8Array);
    const at = new Date((response.responses[0]?.thisUpdate as Date).getTime() - 1000);
    const r = verifyPdf(bytes, { trustAnchors: anchors, at, requireRevocation: true });
    expect(r.signatures[0]).toMatchObject({ indication: 'TOTAL_PASSED' });
    expect(r.signatures[0]?.chain.revocation[0]).toMatchObject({ status: 'good', source: 'ocsp', origin: 'embedded' });
  });
});
