// OCSP requests (RFC 6960 §4.1, profiled by RFC 5019): one Request per certificate, its CertID
// hashing the issuer's name (as it stands in the certificate) and the issuer's subjectPublicKey
// BIT STRING value, and an optional nonce (RFC 8954: 32 random octets). PKI.js builds and reads
// every structure; node:crypto computes the hashes (synchronously: PKI.js's createForCertificate
// is async over a WebCrypto engine the verifier does not install).
//
//   OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest, optionalSignature [0] EXPLICIT Signature OPTIONAL }
//   TBSRequest  ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, requestorName [1] EXPLICIT GeneralName OPTIONAL,
//                              requestList SEQUENCE OF Request, requestExtensions [2] EXPLICIT Extensions OPTIONAL }
//   Request     ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
//   CertID      ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
//                              issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber }
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { DocaxisError } from '../errors.js';
import type { OcspCertId } from './ocsp.js';
import { OID, digestNameForOid } from './oids.js';
import { serialToHex } from './x509.js';

/** RFC 8954 §2.1: a responder must accept 1 to 32 octets; 32 is the recommended length. */
export const OCSP_NONCE_BYTES = 32;
/** Requests read by the test responder: a real one is ~100 bytes per certificate. */
export const MAX_OCSP_REQUEST_BYTES = 16 * 1024;
const MAX_REQUESTS = 20;

export type CertIdHash = 'sha1' | 'sha256';
const HASH_OIDS: Record<CertIdHash, string> = { sha1: OID.sha1, sha256: OID.sha256 };

export interface BuiltOcspRequest {
  der: Uint8Array;
  certId: OcspCertId;
  /** The nonce octets sent (the extension's inner OCTET STRING value), if any. */
  nonce?: Uint8Array;
}

export interface OcspRequestOptions {
  /** CertID hash: SHA-1 is what RFC 5019 responders must accept, hence the default. */
  hash?: CertIdHash;
  /** true: 32 random octets; bytes: exactly these (tests); false/absent: no nonce. */
  nonce?: boolean | Uint8Array;
}

/** The CertID of `certDer` issued by `issuerDer`, as RFC 6960 §4.1.1 defines it. */
export function certIdOf(certDer: Uint8Array, issuerDer: Uint8Array, hash: CertIdHash = 'sha1'): OcspCertId {
  return certIdOfParsed(parseCertificate(certDer, 'certificate'), parseCertificate(issuerDer, 'issuer certificate'), hash);
}

function certIdOfParsed(cert: pkijs.Certificate, issuer: pkijs.Certificate, hash: CertIdHash): OcspCertId {
  const digest = (data: ArrayBuffer | Uint8Array) => new Uint8Array(createHash(hash).update(new Uint8Array(data)).digest());
  return {
    hashAlgorithmOid: HASH_OIDS[hash],
    issuerNameHash: digest(cert.issuer.valueBeforeDecode),
    issuerKeyHash: digest(issuer.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView),
    serialHex: serialToHex(new Uint8Array(cert.serialNumber.valueBlock.valueHexView)).toLowerCase(),
  };
}

export function buildOcspRequest(certDer: Uint8Array, issuerDer: Uint8Array, options: OcspRequestOptions = {}): BuiltOcspRequest {
  const hash = options.hash ?? 'sha1';
  const cert = parseCertificate(certDer, 'certificate');
  const certId = certIdOfParsed(cert, parseCertificate(issuerDer, 'issuer certificate'), hash);
  const serial = cert.serialNumber;
  const nonce = options.nonce === true ? new Uint8Array(randomBytes(OCSP_NONCE_BYTES)) : options.nonce instanceof Uint8Array ? options.nonce : undefined;
  const tbs = new pkijs.TBSRequest({
    requestList: [
      new pkijs.Request({
        reqCert: new pkijs.CertID({
          // RFC 5019 §2.1.1 and common practice: the hash's parameters are NULL.
          hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: HASH_OIDS[hash], algorithmParams: new asn1js.Null() }),
          issuerNameHash: new asn1js.OctetString({ valueHex: certId.issuerNameHash }),
          issuerKeyHash: new asn1js.OctetString({ valueHex: certId.issuerKeyHash }),
          serialNumber: new asn1js.Integer({ valueHex: serial.valueBlock.valueHexView }),
        }),
      }),
    ],
    ...(nonce !== undefined ? { requestExtensions: [nonceExtension(nonce)] } : {}),
  });
  const request = new pkijs.OCSPRequest({ tbsRequest: tbs });
  const der = new Uint8Array(request.toSchema(true).toBER(false));
  return { der, certId, ...(nonce !== undefined ? { nonce } : {}) };
}

/** RFC 8954 §2.1: extnValue is the DER of an OCTET STRING holding the nonce octets. */
export function nonceExtension(nonce: Uint8Array): pkijs.Extension {
  return new pkijs.Extension({ extnID: OID.ocspNonce, critical: false, extnValue: new asn1js.OctetString({ valueHex: nonce }).toBER(false) });
}

/** The nonce octets of a nonce extension's extnValue, or undefined when it is not an OCTET STRING. */
export function nonceValueOf(extnValue: Uint8Array): Uint8Array | undefined {
  const parsed = asn1js.fromBER(extnValue);
  if (parsed.offset !== extnValue.byteLength || !(parsed.result instanceof asn1js.OctetString)) return undefined;
  return new Uint8Array(parsed.result.valueBlock.valueHexView);
}

/**
 * RFC 6960 Appendix A.1: GET {url}/{url-encoding of base64 encoding of the DER OCSPRequest}.
 * (Standard base64, then percent-encoded: '+', '/' and '=' become %2B, %2F, %3D.)
 */
export function ocspGetUrl(baseUrl: string, der: Uint8Array): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return base + encodeURIComponent(Buffer.from(der).toString('base64'));
}

export interface ReadOcspRequest {
  certIds: (OcspCertId & { serialDer: Uint8Array })[];
  nonce?: Uint8Array;
  /** The nonce extension was present but did not hold an OCTET STRING. */
  badNonce?: boolean;
}

/** Reads an OCSPRequest (the test responder's input). @throws DocaxisError OCSP_MALFORMED */
export function parseOcspRequest(der: Uint8Array): ReadOcspRequest {
  if (der.byteLength === 0 || der.byteLength > MAX_OCSP_REQUEST_BYTES) throw new DocaxisError('OCSP_MALFORMED', `an OCSP request of ${der.byteLength} bytes`);
  let request: pkijs.OCSPRequest;
  try {
    const parsed = asn1js.fromBER(der);
    if (parsed.offset !== der.byteLength) throw new Error('not one DER value');
    request = new pkijs.OCSPRequest({ schema: parsed.result });
  } catch (e) {
    throw new DocaxisError('OCSP_MALFORMED', `not an OCSPRequest: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const list = request.tbsRequest.requestList;
  if (list.length === 0 || list.length > MAX_REQUESTS) throw new DocaxisError('OCSP_MALFORMED', `${list.length} requests in one OCSPRequest`);
  const certIds = list.map(({ reqCert: id }) => {
    const serial = new Uint8Array(id.serialNumber.valueBlock.valueHexView);
    return {
      hashAlgorithmOid: id.hashAlgorithm.algorithmId,
      issuerNameHash: new Uint8Array(id.issuerNameHash.valueBlock.valueHexView),
      issuerKeyHash: new Uint8Array(id.issuerKeyHash.valueBlock.valueHexView),
      serialHex: serialToHex(serial).toLowerCase(),
      serialDer: serial,
    };
  });
  const ext = request.tbsRequest.requestExtensions?.find((e) => e.extnID === OID.ocspNonce);
  if (ext === undefined) return { certIds };
  const nonce = nonceValueOf(new Uint8Array(ext.extnValue.valueBlock.valueHexView));
  return nonce === undefined ? { certIds, badNonce: true } : { certIds, nonce };
}

/** The hash named by a CertID, when we can compute it (SHA-1, SHA-2). */
export function certIdHashName(oid: string): CertIdHash | 'sha384' | 'sha512' | undefined {
  return digestNameForOid(oid);
}

function parseCertificate(der: Uint8Array, what: string): pkijs.Certificate {
  try {
    return pkijs.Certificate.fromBER(der);
  } catch (e) {
    throw new DocaxisError('CERT_MALFORMED', `${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
