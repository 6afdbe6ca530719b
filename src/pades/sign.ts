// One-call signing on top of the two stages: prepare -> sign the signed attributes with the
// adapter's key -> (B-T) timestamp the signature value -> complete.
import { DocaxisError } from '../errors.js';
import { assembleSignedData, buildSignedAttributes, estimateCmsSize } from '../pki/cms-build.js';
import type { DigestAlgorithm } from '../pki/oids.js';
import type { SignerAdapter } from '../pki/signer.js';
import { completeSignature } from './complete.js';
import { fromHex } from './placeholder.js';
import { prepareSignature, type PrepareOptions, type PreparedDocument, type SubFilter } from './prepare.js';
import type { Timestamper } from './timestamper.js';
import type { PdfReader } from '../pdf/reader.js';

export type PadesLevel = 'B-B' | 'B-T';

export interface SignOptions extends Omit<PrepareOptions, 'contentsCapacity'> {
  level?: PadesLevel;
  /** Required for B-T. */
  timestamper?: Timestamper;
  /** Override the dry-run estimate of the CMS size. */
  contentsCapacity?: number;
}

/** Room for an RFC 3161 token with a two-certificate RSA chain, measured at ~4.5 KB, doubled. */
const TIMESTAMP_RESERVE = 9_000;
const MARGIN = 1_024;

/** The signed document, and what the signer should be told (see `Prepared.warnings`). */
export interface SignedDocument extends PreparedDocument {
  warnings: string[];
}

export async function signPdf(pdf: Uint8Array | PdfReader, signer: SignerAdapter, options: SignOptions = {}): Promise<SignedDocument> {
  const level = options.level ?? 'B-B';
  const digest: DigestAlgorithm = options.digest ?? 'sha256';
  if (level === 'B-T' && !options.timestamper) throw new DocaxisError('USAGE', 'PAdES B-T needs a timestamp authority (--tsa URL)');
  const subFilter: SubFilter = options.subFilter ?? 'ETSI.CAdES.detached';
  const capacity =
    options.contentsCapacity ??
    estimateCmsSize({
      signerCertificate: signer.certificate,
      certificates: signer.chain,
      keyAlgorithm: signer.keyAlgorithm,
      digest,
      ...(level === 'B-T' ? { timestampTokenSize: TIMESTAMP_RESERVE } : {}),
    }) + MARGIN;

  const { document, record, warnings } = await prepareSignature(pdf, { ...options, digest, subFilter, contentsCapacity: capacity });
  const signedAttributes = buildSignedAttributes({
    contentDigest: fromHex(record.documentDigest),
    digest,
    signerCertificate: signer.certificate,
  });
  const signatureValue = await signer.sign(signedAttributes, digest);
  // B-T: the token's imprint covers the signature value (ETSI EN 319 142-1, signature timestamp).
  const timestampToken = level === 'B-T' && options.timestamper ? await options.timestamper(signatureValue, digest) : undefined;
  const cms = assembleSignedData({
    signedAttributes,
    signatureValue,
    signerCertificate: signer.certificate,
    certificates: signer.chain,
    digest,
    keyAlgorithm: signer.keyAlgorithm,
    ...(timestampToken ? { timestampToken } : {}),
  });
  return { ...completeSignature(document, record, cms), warnings };
}
