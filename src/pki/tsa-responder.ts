// Our own RFC 3161 time-stamp authority: for tests (a dummy TSA, as pyHanko has) and for
// `docaxis tsa`. Every request gets a TimeStampResp; bad requests get a rejection with a
// PKIFailureInfo, never an exception. No state is shared between calls: serial numbers are
// 16 random bytes, so two instances (or restarts) cannot collide in practice.
import { type KeyObject, createHash, randomBytes, sign } from 'node:crypto';
import { DocaxisError } from '../errors.js';
import {
  TAG,
  type Tlv,
  bytesOf,
  certificateIdentity,
  childrenWithTag,
  contentOf,
  ctx,
  decodeOid,
  encodeGeneralizedTime,
  encodeNamedBits,
  encodeOid,
  encodeSmallInteger,
  encodeUnsignedInteger,
  encodeUtf8String,
  expectTag,
  integerValue,
  readRoot,
  seq,
} from './asn1-util.js';
import { algorithmOid } from './cms-parse.js';
import { assembleSignedDataFor, buildSignedAttributesFor, checkDigest } from './cms-build.js';
import { type DigestAlgorithm, OID, digestNameForOid } from './oids.js';
import type { KeyAlgorithm } from './signer.js';
import { FAILURE_INFO, type FailureInfo } from './timestamp.js';

export interface TsaOptions {
  certificate: Uint8Array;
  privateKey: KeyObject;
  chain?: Uint8Array[];
  /** Default OID.docaxisTestTsaPolicy. */
  policy?: string;
  clock?: () => Date;
  /** Digest for the token's SignerInfo (not the imprint, which is the requester's choice). Default sha256. */
  digest?: DigestAlgorithm;
  accuracySeconds?: number;
}

/** A request the responder refuses, with the RFC 3161 failure reason. */
class Refusal {
  constructor(
    readonly failure: FailureInfo,
    readonly text: string,
  ) {}
}

interface TimestampRequest {
  messageImprint: Uint8Array; // DER, echoed verbatim into the TSTInfo (RFC 3161 2.4.2)
  nonce?: Uint8Array; // DER INTEGER, echoed verbatim
  certReq: boolean;
}

export class TimestampAuthority {
  private readonly opts: Required<Pick<TsaOptions, 'policy' | 'clock' | 'digest'>> & TsaOptions;
  private readonly keyAlgorithm: KeyAlgorithm;

  constructor(opts: TsaOptions) {
    const digest = opts.digest ?? 'sha256';
    checkDigest(digest);
    const type = opts.privateKey.asymmetricKeyType;
    if (opts.privateKey.type !== 'private' || (type !== 'rsa' && type !== 'ec')) throw new DocaxisError('KEY_UNSUPPORTED', `TSA key type ${String(type)}`);
    try {
      certificateIdentity(opts.certificate);
    } catch (e) {
      throw new DocaxisError('CERT_MALFORMED', 'TSA certificate', { cause: e });
    }
    this.keyAlgorithm = type;
    this.opts = { ...opts, digest, policy: opts.policy ?? OID.docaxisTestTsaPolicy, clock: opts.clock ?? (() => new Date()) };
  }

  respond(requestDer: Uint8Array): Promise<Uint8Array> {
    let request: TimestampRequest;
    try {
      request = this.readRequest(requestDer);
    } catch (e) {
      if (e instanceof Refusal) return Promise.resolve(rejection(e.failure, e.text));
      return Promise.resolve(rejection('badDataFormat', `malformed TimeStampReq: ${e instanceof Error ? e.message : String(e)}`));
    }
    try {
      return Promise.resolve(seq(seq(encodeSmallInteger(0)), this.issueToken(request)));
    } catch {
      return Promise.resolve(rejection('systemFailure', 'the TSA could not sign'));
    }
  }

  //   TimeStampReq ::= SEQUENCE { version INTEGER { v1(1) }, messageImprint MessageImprint,
  //     reqPolicy TSAPolicyId OPTIONAL, nonce INTEGER OPTIONAL, certReq BOOLEAN DEFAULT FALSE,
  //     extensions [0] IMPLICIT Extensions OPTIONAL }
  private readRequest(der: Uint8Array): TimestampRequest {
    const root = readRoot(der, false);
    const f = childrenWithTag(der, root, TAG.sequence, 'TimeStampReq');
    if (integerValue(der, expectTag(f[0], TAG.integer, 'version')) !== 1) throw new Refusal('badRequest', 'unsupported TimeStampReq version');
    const imprintNode = expectTag(f[1], TAG.sequence, 'messageImprint');
    const [alg, hashed] = childrenWithTag(der, imprintNode, TAG.sequence, 'messageImprint');
    const hashName = digestNameForOid(algorithmOid(der, alg, 'hashAlgorithm'));
    if (!hashName || hashName === 'sha1') throw new Refusal('badAlg', 'unsupported imprint hash algorithm (SHA-256/384/512 only)');
    const imprint = contentOf(der, expectTag(hashed, TAG.octetString, 'hashedMessage'));
    if (imprint.length !== createHash(hashName).digest().length) throw new Refusal('badDataFormat', 'the imprint length does not fit its hash algorithm');
    let nonce: Uint8Array | undefined;
    let certReq = false;
    for (const node of f.slice(2)) {
      if (node.tag === TAG.oid) {
        if (decodeOid(der, node) !== this.opts.policy) throw new Refusal('unacceptedPolicy', 'the requested policy is not offered');
      } else if (node.tag === TAG.integer) {
        nonce = bytesOf(der, node);
      } else if (node.tag === TAG.boolean) {
        certReq = booleanOf(der, node);
      } else if (node.tag === ctx(0)) {
        throw new Refusal('unacceptedExtension', 'request extensions are not supported');
      } else {
        throw new Refusal('badDataFormat', 'unexpected field in TimeStampReq');
      }
    }
    return { messageImprint: bytesOf(der, imprintNode), ...(nonce ? { nonce } : {}), certReq };
  }

  //   TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber, genTime, accuracy OPTIONAL,
  //     ordering BOOLEAN DEFAULT FALSE, nonce INTEGER OPTIONAL, tsa [0] OPTIONAL, extensions [1] OPTIONAL }
  //   Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] INTEGER OPTIONAL, micros [1] INTEGER OPTIONAL }
  private issueToken(req: TimestampRequest): Uint8Array {
    const { digest, certificate, privateKey } = this.opts;
    const accuracy = this.opts.accuracySeconds !== undefined && this.opts.accuracySeconds > 0 ? [seq(encodeSmallInteger(Math.ceil(this.opts.accuracySeconds)))] : [];
    const tstInfo = seq(
      encodeSmallInteger(1),
      encodeOid(this.opts.policy),
      req.messageImprint,
      encodeUnsignedInteger(randomBytes(16)),
      encodeGeneralizedTime(this.opts.clock()),
      ...accuracy,
      ...(req.nonce ? [req.nonce] : []),
    );
    const signedAttributes = buildSignedAttributesFor({
      contentTypeOid: OID.tstInfo,
      contentDigest: createHash(digest).update(tstInfo).digest(),
      digest,
      signerCertificate: certificate,
    });
    return assembleSignedDataFor({
      eContentType: OID.tstInfo,
      eContent: tstInfo,
      signedAttributes,
      // crypto.sign gives PKCS#1 v1.5 for RSA and a DER Ecdsa-Sig-Value for EC, as CMS wants.
      signatureValue: sign(digest, signedAttributes, privateKey),
      signerCertificate: certificate,
      certificates: this.opts.chain ?? [],
      digest,
      keyAlgorithm: this.keyAlgorithm,
      includeCertificates: req.certReq,
    });
  }
}

function booleanOf(der: Uint8Array, node: Tlv): boolean {
  const c = contentOf(der, node);
  if (c.length !== 1) throw new Refusal('badDataFormat', 'malformed BOOLEAN');
  return c[0] !== 0;
}

//   PKIStatusInfo ::= SEQUENCE { status PKIStatus, statusString PKIFreeText OPTIONAL, failInfo PKIFailureInfo OPTIONAL }
function rejection(failure: FailureInfo, text: string): Uint8Array {
  return seq(seq(encodeSmallInteger(2), seq(encodeUtf8String(text)), encodeNamedBits([FAILURE_INFO[failure]])));
}
