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
import type { LtOptions } from './ltv.js';

export type PadesLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

export interface SignOptions extends Omit<PrepareOptions, 'contentsCapacity'> {
  level?: PadesLevel;
  /** Required for B-T and above. */
  timestamper?: Timestamper;
  /** B-LT and B-LTA: where chains end and the revocation data to embed (ltv.ts). */
  ltv?: LtOptions;
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
  const timestamped = level !== 'B-B';
  if (timestamped && !options.timestamper) throw new DocaxisError('USAGE', `PAdES ${level} needs a timestamp authority (--tsa URL)`);
  const subFilter: SubFilter = options.subFilter ?? 'ETSI.CAdES.detached';
  const capacity =
    options.contentsCapacity ??
    estimateCmsSize({
      signerCertificate: signer.certificate,
      certificates: signer.chain,
      keyAlgorithm: signer.keyAlgorithm,
      digest,
      ...(timestamped ? { timestampTokenSize: TIMESTAMP_RESERVE } : {}),
    }) + MARGIN;

  const { document, record, warnings } = await prepareSignature(pdf, { ...options, digest, subFilter, contentsCapacity: capacity });
  const signedAttributes = buildSignedAttributes({
    contentDigest: fromHex(record.documentDigest),
    digest,
    signerCertificate: signer.certificate,
  });
  const signatureValue = await signer.sign(signedAttributes, digest);
  // B-T: the token's imprint covers the signature value (ETSI EN 319 142-1, signature timestamp).
  const timestampToken = timestamped && options.timestamper ? await options.timestamper(signatureValue, digest) : undefined;
  const cms = assembleSignedData({
    signedAttributes,
    signatureValue,
    signerCertificate: signer.certificate,
    certificates: signer.chain,
    digest,
    keyAlgorithm: signer.keyAlgorithm,
    ...(timestampToken ? { timestampToken } : {}),
  });
  const signed = completeSignature(document, record, cms);
  // B-LT/B-LTA: the validation data (and document timestamp) in revisions of their own after it.
  // Loaded only then: B-B and B-T signing do not pay for pkijs.
  if (level === 'B-LT') return withWarnings(await (await import('./ltv.js')).extendToLt(signed, options.ltv), warnings);
  if (level === 'B-LTA' && options.timestamper) {
    return withWarnings(await (await import('./ltv.js')).extendToLta(signed, { ...options.ltv, timestamper: options.timestamper, digest }), warnings);
  }
  return { ...signed, warnings };
}

function withWarnings(doc: SignedDocument, before: string[]): SignedDocument {
  return { ...doc, warnings: [...before, ...doc.warnings] };
}
