// Helpers for the B-LT/B-LTA tests: the fixture signers and TSA, and an "archive" TSA of a second
// test root whose certificate outlives the fixtures' (2060), as the TSA of a renewal timestamp
// would: certs-fixtures keeps no CA keys, so it is built here like ocsp-test-pki.ts builds its own.
import { KeyObject, createHash } from 'node:crypto';
import { ensurePkijsEngine } from '../../scripts/lib/pkijs-engine.js';
import { buildCertificate, buildCrl, buildName, generateKeyPair, randomSerial } from '../../scripts/lib/x509-build.js';
import { localTimestamper, type Timestamper } from '../../src/pades/timestamper.js';
import { PdfDict, PdfRef, PdfStream, PdfString } from '../../src/pdf/objects.js';
import { PdfReader } from '../../src/pdf/reader.js';
import { OID } from '../../src/pki/oids.js';
import { readCertificates, readCrls } from '../../src/pki/pem.js';
import { TimestampAuthority } from '../../src/pki/tsa-responder.js';
import { fixture } from '../support/fixtures.js';

export interface ArchiveTsa {
  root: Uint8Array;
  tsa: Uint8Array;
  /** The archive root's (empty) CRL, covering the TSA certificate until 2060. */
  crl: Uint8Array;
  timestamper(clock?: () => Date): Timestamper;
}

export async function makeArchiveTsa(): Promise<ArchiveTsa> {
  ensurePkijsEngine();
  const rootKeys = await generateKeyPair('rsa-2048');
  const rootName = buildName([
    ['CN', 'Archive Root CA - TEST'],
    ['O', 'docaxis tests'],
    ['C', 'VN'],
  ]);
  const root = await buildCertificate({
    subject: rootName,
    issuer: rootName,
    publicKey: rootKeys.publicKey,
    issuerPrivateKey: rootKeys.privateKey,
    issuerKeyId: undefined,
    serial: randomSerial(),
    notBefore: '2019-01-01T00:00:00Z',
    notAfter: '2065-12-31T23:59:59Z',
    ca: { pathLength: null },
    keyUsage: ['keyCertSign', 'cRLSign'],
    extendedKeyUsage: undefined,
  });
  const tsaKeys = await generateKeyPair('rsa-2048');
  const tsa = await buildCertificate({
    subject: buildName([
      ['CN', 'Archive TSA - TEST'],
      ['C', 'VN'],
    ]),
    issuer: rootName,
    publicKey: tsaKeys.publicKey,
    issuerPrivateKey: rootKeys.privateKey,
    issuerKeyId: root.keyId,
    serial: randomSerial(),
    notBefore: '2024-01-01T00:00:00Z',
    notAfter: '2060-12-31T23:59:59Z',
    ca: undefined,
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: [OID.ekuTimeStamping],
  });
  const crl = await buildCrl({ issuer: rootName, issuerPrivateKey: rootKeys.privateKey, issuerKeyId: root.keyId, crlNumber: 1, thisUpdate: '2026-01-01T00:00:00Z', nextUpdate: '2060-12-31T23:59:59Z', revoked: [] });
  const privateKey = KeyObject.from(tsaKeys.privateKey);
  return {
    root: root.der,
    tsa: tsa.der,
    crl,
    timestamper: (clock) => localTimestamper(new TimestampAuthority({ certificate: tsa.der, privateKey, ...(clock ? { clock } : {}) })),
  };
}

export const fixtureAnchors = (): Uint8Array[] => readCertificates(fixture('trust-anchors.pem'));
export const fixtureCrls = (): Uint8Array[] => readCrls(fixture('crls.pem'));

export interface DssView {
  certs: Uint8Array[];
  crls: Uint8Array[];
  ocsps: Uint8Array[];
  certRefs: string[];
  vri: Map<string, { certs: Uint8Array[]; crls: Uint8Array[]; tu: string | undefined }>;
}

/** The latest revision's /DSS as our reader sees it (arrays resolved, streams decoded). */
export function readDssView(pdf: Uint8Array): DssView {
  const reader = PdfReader.open(pdf);
  const dss = reader.resolve(reader.catalog().get('DSS'));
  if (!(dss instanceof PdfDict)) throw new Error('no /DSS');
  const items = (v: unknown): Uint8Array[] => {
    const a = reader.resolve(v as never);
    if (!Array.isArray(a)) return [];
    return a.map((r) => {
      const s = reader.resolve(r);
      if (!(s instanceof PdfStream)) throw new Error('not a stream');
      return reader.decodeStream(s);
    });
  };
  const refs = (v: unknown): string[] => {
    const a = reader.resolve(v as never);
    return Array.isArray(a) ? a.map((r) => (r instanceof PdfRef ? `${r.num} ${r.gen}` : 'direct')) : [];
  };
  const vri = new Map<string, { certs: Uint8Array[]; crls: Uint8Array[]; tu: string | undefined }>();
  const vriDict = reader.resolve(dss.get('VRI'));
  if (vriDict instanceof PdfDict) {
    for (const key of vriDict.keys()) {
      const e = reader.resolve(vriDict.get(key));
      if (!(e instanceof PdfDict)) continue;
      const tu = e.get('TU');
      vri.set(key, { certs: items(e.get('Cert')), crls: items(e.get('CRL')), tu: tu instanceof PdfString ? tu.latin1() : undefined });
    }
  }
  return { certs: items(dss.get('Certs')), crls: items(dss.get('CRLs')), ocsps: items(dss.get('OCSPs')), certRefs: refs(dss.get('Certs')), vri };
}

/** /Contents of every signature dictionary, read from the raw bytes at each /ByteRange gap (no PDF parser). */
export function contentsFromBytes(pdf: Uint8Array): { type: string; contents: Uint8Array }[] {
  const text = Buffer.from(pdf).toString('latin1');
  const out: { type: string; contents: Uint8Array }[] = [];
  for (const m of text.matchAll(/\/Type\s*\/(Sig|DocTimeStamp)\b[^]*?\/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+\d+\s*\]/g)) {
    const b = Number(m[2]);
    const c = Number(m[3]);
    out.push({ type: m[1]!, contents: Buffer.from(text.slice(b + 1, c - 1), 'hex') });
  }
  return out;
}

export function sha1Upper(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex').toUpperCase();
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}
