// Certificates naming their revocation servers (AIA id-ad-ocsp, CRL distribution points), for
// the OCSP client and fetcher tests: an end entity of the throw-away OCSP PKI re-issued with the
// URLs a test chose (its responder's port is known only once it listens).
import { KeyObject, sign } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from '../../src/pki/oids.js';
import type { TestCa } from './ocsp-test-pki.js';

export interface RevocationUrls {
  ocsp?: readonly string[];
  crl?: readonly string[];
}

/** A copy of `der` (issued by `issuer`) with AIA/CRLDP extensions for `urls`, re-signed by the issuer, with a fresh serial. */
export function withRevocationUrls(der: Uint8Array, issuer: TestCa, urls: RevocationUrls, serial: number): Uint8Array {
  const cert = pkijs.Certificate.fromBER(der);
  const uri = (value: string) => new pkijs.GeneralName({ type: 6, value });
  const extensions = [...(cert.extensions ?? [])];
  if (urls.ocsp !== undefined) {
    const aia = new pkijs.InfoAccess({ accessDescriptions: urls.ocsp.map((u) => new pkijs.AccessDescription({ accessMethod: pkijs.id_ad_ocsp, accessLocation: uri(u) })) });
    extensions.push(new pkijs.Extension({ extnID: OID.authorityInfoAccess, critical: false, extnValue: aia.toSchema().toBER(false) }));
  }
  if (urls.crl !== undefined) {
    const dps = new pkijs.CRLDistributionPoints({ distributionPoints: urls.crl.map((u) => new pkijs.DistributionPoint({ distributionPoint: [uri(u)] })) });
    extensions.push(new pkijs.Extension({ extnID: pkijs.id_CRLDistributionPoints, critical: false, extnValue: dps.toSchema().toBER(false) }));
  }
  cert.extensions = extensions;
  cert.serialNumber = new asn1js.Integer({ value: serial });
  const algorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRSAEncryption, algorithmParams: new asn1js.Null() });
  cert.signature = algorithm;
  cert.signatureAlgorithm = algorithm;
  const tbs = new Uint8Array((cert as unknown as { encodeTBS(): asn1js.Sequence }).encodeTBS().toBER(false));
  cert.tbsView = tbs;
  cert.signatureValue = new asn1js.BitString({ valueHex: sign('sha256', tbs, KeyObject.from(issuer.keys.privateKey)) });
  return new Uint8Array(cert.toSchema(false).toBER(false));
}
