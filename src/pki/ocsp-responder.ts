// TEST-ONLY OCSP responder (RFC 6960), the OCSP sibling of tsa-responder.ts: for tests and for
// `docaxis ocsp`. It answers good / revoked / unknown for the certificates of the issuers it is
// given, from their CRLs or from a status map, signed by a delegated responder certificate
// (id-kp-OCSPSigning, id-pkix-ocsp-nocheck) or by the issuer itself. It can be told to misbehave
// (stale, wrong responder, bad nonce, tryLater, slow) so that the client's refusals are tested
// against real bytes. PKI.js builds every structure; node:crypto signs the DER tbsResponseData.
//
//   BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm AlgorithmIdentifier,
//                                    signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
//   ResponseData ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, responderID ResponderID,
//                               producedAt GeneralizedTime, responses SEQUENCE OF SingleResponse,
//                               responseExtensions [1] EXPLICIT Extensions OPTIONAL }
import { type KeyObject, createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { DocaxisError } from '../errors.js';
import { type OcspCertId } from './ocsp.js';
import { certIdHashName, nonceExtension, parseOcspRequest } from './ocsp-request.js';
import { OID } from './oids.js';
import { CRL_REASONS, type ParsedCrl } from './revocation.js';

/** OCSPResponseStatus (RFC 6960 §4.2.1). 4 is not used. */
export const OCSP_RESPONSE_STATUS = { successful: 0, malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6 } as const;
export type OcspResponseStatusName = keyof typeof OCSP_RESPONSE_STATUS;

export interface CertStatusEntry {
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: Date;
  /** A CRLReason name as in CRL_REASONS (e.g. "keyCompromise"). */
  reason?: string;
}

/** How the responder misbehaves, for tests. Mutable: a test flips it between requests. */
export interface OcspMisbehaviour {
  /** thisUpdate/nextUpdate this far in the past (nextUpdate already passed). */
  stale?: boolean;
  /** thisUpdate this far in the future. */
  futureThisUpdate?: boolean;
  /** Omit nextUpdate (the client's maximum age then applies). */
  noNextUpdate?: boolean;
  /** Sign with a key the issuer never certified. */
  wrongResponder?: boolean;
  /** Echo a different nonce than the request's. */
  badNonce?: boolean;
  /** Echo no nonce at all. */
  dropNonce?: boolean;
  /** Answer with this non-successful status instead. */
  status?: Exclude<OcspResponseStatusName, 'successful'>;
  /** Wait this long before answering (the HTTP server honours it). */
  delayMs?: number;
}

export interface OcspResponderOptions {
  /** The CAs whose certificates it answers for (DER). */
  issuers: readonly Uint8Array[];
  /** The certificate that signs (a delegated responder, or one of the issuers) and its key. */
  signerCertificate: Uint8Array;
  signerKey: KeyObject;
  /** Revocation data per issuer: a certificate listed is revoked, others of a known issuer are good. */
  crls?: readonly ParsedCrl[];
  /** Overrides by serial (lowercase hex, leading zeros stripped): wins over the CRLs. */
  statuses?: ReadonlyMap<string, CertStatusEntry>;
  clock?: () => Date;
  /** nextUpdate - thisUpdate. Default one hour. */
  validitySeconds?: number;
  misbehave?: OcspMisbehaviour;
}

interface KnownIssuer {
  der: Uint8Array;
  nameDer: Uint8Array;
  keyBits: Uint8Array;
  crl?: ParsedCrl;
}

const REASON_CODES: ReadonlyMap<string, number> = new Map(Object.entries(CRL_REASONS).map(([code, name]) => [name, Number(code)]));
const DAY_MS = 24 * 3600 * 1000;

export class OcspResponder {
  misbehave: OcspMisbehaviour;
  /** Requests answered (tests count them to prove a cache hit). */
  requestCount = 0;
  private readonly issuers: KnownIssuer[];
  private readonly signer: pkijs.Certificate;
  private readonly clock: () => Date;

  constructor(private readonly opts: OcspResponderOptions) {
    if (opts.issuers.length === 0) throw new DocaxisError('USAGE', 'an OCSP responder needs at least one issuer');
    this.issuers = opts.issuers.map((der) => {
      const c = certificate(der, 'issuer');
      const nameDer = new Uint8Array(c.subject.valueBeforeDecode);
      const crl = opts.crls?.find((l) => Buffer.from(l.issuerDer).equals(nameDer));
      return { der, nameDer, keyBits: new Uint8Array(c.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView), ...(crl ? { crl } : {}) };
    });
    this.signer = certificate(opts.signerCertificate, 'responder');
    this.clock = opts.clock ?? (() => new Date());
    this.misbehave = { ...opts.misbehave };
  }

  /** The DER OCSPResponse for a DER OCSPRequest. Never throws: errors become an error status. */
  respond(requestDer: Uint8Array): Uint8Array {
    this.requestCount++;
    if (this.misbehave.status !== undefined) return errorResponse(this.misbehave.status);
    let request;
    try {
      request = parseOcspRequest(requestDer);
    } catch {
      return errorResponse('malformedRequest');
    }
    if (request.badNonce) return errorResponse('malformedRequest');
    try {
      return this.sign(request.certIds, request.nonce);
    } catch {
      return errorResponse('internalError');
    }
  }

  private statusOf(id: OcspCertId): CertStatusEntry {
    const hash = certIdHashName(id.hashAlgorithmOid);
    if (hash === undefined) return { status: 'unknown' };
    const digest = (b: Uint8Array) => createHash(hash).update(b).digest();
    const issuer = this.issuers.find((i) => digest(i.nameDer).equals(id.issuerNameHash) && digest(i.keyBits).equals(id.issuerKeyHash));
    if (issuer === undefined) return { status: 'unknown' };
    const given = this.opts.statuses?.get(id.serialHex);
    if (given !== undefined) return given;
    const revoked = issuer.crl?.revoked.get(id.serialHex);
    if (revoked !== undefined) return { status: 'revoked', revokedAt: revoked.revokedAt, ...(revoked.reason !== undefined ? { reason: revoked.reason } : {}) };
    return { status: 'good' };
  }

  private sign(ids: readonly (OcspCertId & { serialDer: Uint8Array })[], nonce: Uint8Array | undefined): Uint8Array {
    const m = this.misbehave;
    const now = this.clock();
    const thisUpdate = new Date(now.getTime() + (m.stale ? -7 * DAY_MS : m.futureThisUpdate ? DAY_MS : 0));
    const nextUpdate = new Date(thisUpdate.getTime() + (this.opts.validitySeconds ?? 3600) * 1000);
    let signerCert = this.signer;
    let signerKey = this.opts.signerKey;
    if (m.wrongResponder) {
      // A self-made key the CA never certified, named by key hash, its certificate not sent.
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      signerKey = pair.privateKey;
      signerCert = certificate(new Uint8Array(), 'none', pair.publicKey.export({ type: 'spki', format: 'der' }));
    }
    const echoed = m.dropNonce || nonce === undefined ? undefined : m.badNonce ? new Uint8Array(randomBytes(nonce.length)) : nonce;
    const data = new pkijs.ResponseData({
      responderID: new asn1js.OctetString({ valueHex: createHash('sha1').update(signerCert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest() }),
      producedAt: now,
      responses: ids.map((id) => singleResponse(id, this.statusOf(id), thisUpdate, m.noNextUpdate ? undefined : nextUpdate)),
      ...(echoed !== undefined ? { responseExtensions: [nonceExtension(echoed)] } : {}),
    });
    const tbs = new Uint8Array(data.toSchema(true).toBER(false));
    data.tbsView = tbs;
    const ec = signerKey.asymmetricKeyType === 'ec';
    const basic = new pkijs.BasicOCSPResponse({
      tbsResponseData: data,
      signatureAlgorithm: ec
        ? new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSHA256 })
        : new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRSAEncryption, algorithmParams: new asn1js.Null() }),
      signature: new asn1js.BitString({ valueHex: sign('sha256', tbs, signerKey) }),
      // The responder's certificate, so the client can check the delegation (RFC 6960 §4.2.2.2).
      ...(m.wrongResponder ? {} : { certs: [this.signer] }),
    });
    const response = new pkijs.OCSPResponse({
      responseStatus: new asn1js.Enumerated({ value: OCSP_RESPONSE_STATUS.successful }),
      responseBytes: new pkijs.ResponseBytes({ responseType: OID.ocspBasic, response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }) }),
    });
    return new Uint8Array(response.toSchema().toBER(false));
  }
}

//   SingleResponse ::= SEQUENCE { certID CertID, certStatus CertStatus, thisUpdate GeneralizedTime,
//                                 nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL, ... }
function singleResponse(id: OcspCertId & { serialDer: Uint8Array }, entry: CertStatusEntry, thisUpdate: Date, nextUpdate: Date | undefined): pkijs.SingleResponse {
  const certID = new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: id.hashAlgorithmOid, algorithmParams: new asn1js.Null() }),
    issuerNameHash: new asn1js.OctetString({ valueHex: id.issuerNameHash }),
    issuerKeyHash: new asn1js.OctetString({ valueHex: id.issuerKeyHash }),
    serialNumber: new asn1js.Integer({ valueHex: id.serialDer }),
  });
  return new pkijs.SingleResponse({ certID, certStatus: certStatus(entry), thisUpdate, ...(nextUpdate ? { nextUpdate } : {}) });
}

//   CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT UnknownInfo }
function certStatus(e: CertStatusEntry): asn1js.BaseBlock {
  if (e.status === 'good') return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
  if (e.status === 'unknown') return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
  const code = e.reason !== undefined ? REASON_CODES.get(e.reason) : undefined;
  return new asn1js.Constructed({
    idBlock: { tagClass: 3, tagNumber: 1 },
    value: [
      new asn1js.GeneralizedTime({ valueDate: e.revokedAt ?? new Date(0) }),
      ...(code !== undefined ? [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Enumerated({ value: code })] })] : []),
    ],
  });
}

/** An OCSPResponse with a non-successful status and no responseBytes (RFC 6960 §4.2.1). */
export function errorResponse(status: Exclude<OcspResponseStatusName, 'successful'>): Uint8Array {
  return new Uint8Array(new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: OCSP_RESPONSE_STATUS[status] }) }).toSchema().toBER(false));
}

/** A parsed certificate; with `spki`, a stand-in holding only that public key (the wrong responder). */
function certificate(der: Uint8Array, what: string, spki?: Uint8Array): pkijs.Certificate {
  try {
    if (spki !== undefined) {
      const c = new pkijs.Certificate();
      c.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(spki);
      return c;
    }
    return pkijs.Certificate.fromBER(der);
  } catch (e) {
    throw new DocaxisError('CERT_MALFORMED', `${what} certificate: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
