// Stage 2 of signing: put the CMS into the reserved /Contents placeholder. The CMS may come
// whole (from a remote service) or be assembled here from a raw signature value and the chain
// (from a token or HSM that only signs the digest of the signed attributes).
import { createHash } from 'node:crypto';
import { DocaxisError } from '../errors.js';
import { assembleSignedData, buildSignedAttributes } from '../pki/cms-build.js';
import type { KeyAlgorithm } from '../pki/signer.js';
import { fromHex } from './placeholder.js';
import type { PreparedDocument, PreparedSignatureRecord } from './prepare.js';

/** The bytes an external key must sign (DER SET OF signed attributes), and their digest. */
export function dataToSign(record: PreparedSignatureRecord, signerCertificate: Uint8Array): { signedAttributes: Uint8Array; digest: Uint8Array } {
  const signedAttributes = buildSignedAttributes({
    contentDigest: fromHex(record.documentDigest),
    digest: record.digestAlgorithm,
    signerCertificate,
  });
  return { signedAttributes, digest: createHash(record.digestAlgorithm).update(signedAttributes).digest() };
}

export interface RawSignature {
  signatureValue: Uint8Array;
  signerCertificate: Uint8Array;
  chain: readonly Uint8Array[];
  keyAlgorithm: KeyAlgorithm;
  /** RFC 3161 token over the signature value, for PAdES B-T. */
  timestampToken?: Uint8Array;
}

/** Assembles the CMS around a raw signature value made over `dataToSign(record, cert)`. */
export function cmsFromRawSignature(record: PreparedSignatureRecord, raw: RawSignature): Uint8Array {
  const { signedAttributes } = dataToSign(record, raw.signerCertificate);
  return assembleSignedData({
    signedAttributes,
    signatureValue: raw.signatureValue,
    signerCertificate: raw.signerCertificate,
    certificates: raw.chain,
    digest: record.digestAlgorithm,
    keyAlgorithm: raw.keyAlgorithm,
    ...(raw.timestampToken ? { timestampToken: raw.timestampToken } : {}),
  });
}

/** Embeds a DER CMS; returns the signed document (the input's update is not modified). */
export function completeSignature(doc: PreparedDocument, record: PreparedSignatureRecord, cms: Uint8Array): PreparedDocument {
  checkMatches(doc, record);
  if (cms.length > record.contentsCapacity) {
    throw new DocaxisError(
      'SIG_PLACEHOLDER_TOO_SMALL',
      `the CMS needs ${cms.length} bytes but the placeholder holds ${record.contentsCapacity}; prepare again with a larger capacity`,
      { details: { needed: cms.length, capacity: record.contentsCapacity } },
    );
  }
  const update = Uint8Array.from(doc.update);
  const hexStart = record.byteRange[1] + 1 - record.originalLength; // after '<'
  update.set(Buffer.from(Buffer.from(cms.buffer, cms.byteOffset, cms.byteLength).toString('hex'), 'latin1'), hexStart);
  return { original: doc.original, update };
}

/** Cheap structural checks that the bytes are the ones the record was made for. */
function checkMatches(doc: PreparedDocument, r: PreparedSignatureRecord): void {
  const total = doc.original.length + doc.update.length;
  const [, a, b, c] = r.byteRange;
  const start = a - r.originalLength;
  const end = b - r.originalLength;
  const ok =
    r.version === 1 &&
    doc.original.length === r.originalLength &&
    total === r.totalLength &&
    b + c === total &&
    start >= 0 &&
    end <= doc.update.length &&
    end - start === 2 + r.contentsCapacity * 2 &&
    doc.update[start] === 0x3c && // '<'
    doc.update[end - 1] === 0x3e && // '>'
    isZeroHex(doc.update, start + 1, end - 1);
  if (!ok) throw new DocaxisError('SIG_PREPARED_MISMATCH', 'the document bytes are not the ones this signature was prepared for');
}

function isZeroHex(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0x30) return false;
  return true;
}

export function joinDocument(doc: PreparedDocument): Uint8Array {
  const out = new Uint8Array(doc.original.length + doc.update.length);
  out.set(doc.original, 0);
  out.set(doc.update, doc.original.length);
  return out;
}
