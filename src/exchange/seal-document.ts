// The clerk (văn thư) applies the agency's signature, the seal, with the agency's key: an HSM key
// through PKCS#11, or in the demo the TEST-ONLY fixture key (seal-keys.ts). Only a clerk of that
// agency may; the log says who, with which key and certificate, the document's SHA-256 before and
// after, and the method. The register flow (outgoing numbers) calls this and sends the result.
import { createHash } from 'node:crypto';
import { DocaxisError } from '../errors.js';
import type { Principal } from '../db/ports.js';
import { sealLines } from '../pades/appearance.js';
import { joinDocument } from '../pades/complete.js';
import type { ExtraWidget, Placement } from '../pades/placement.js';
import { signPdf, type PadesLevel, type SignOptions } from '../pades/sign.js';
import { describeCertificate } from '../pki/certificate.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole, forbidden } from './guard.js';
import type { AgencySealKeys } from './seal-keys.js';

export interface SealDocumentDeps extends ExchangeDeps {
  sealKeys: AgencySealKeys;
}

export interface SealDocumentOptions {
  /** The agency whose seal is applied; default (and the only one allowed): the clerk's own. */
  agencyId?: string;
  /** Where the seal is drawn, e.g. over the signer's field (Decree 30: the left third of the signer's image); none: an invisible seal. */
  placement?: Placement;
  /** The font of the seal's text lines; required with a placement. */
  fontBytes?: Uint8Array;
  /** Default 'VanThu'. */
  fieldName?: string;
  reason?: string;
  location?: string;
  /** B-T needs deps.timestamper. Default B-B. */
  level?: PadesLevel;
  /**
   * Passed to signPdf as they are, after everything above: where the outgoing register plugs in
   * what it adds to the seal's signature (the second widget with the number, "Số: ...", e.g. an
   * `extraWidgets` option once the PAdES layer has it).
   */
  signOptions?: Partial<SignOptions>;
  /** Text widgets of the seal's own field (the register number "Số: ..."); need a placement. */
  extraWidgets?: ExtraWidget[];
}

export interface SealedDocument {
  pdf: Uint8Array;
  /** How the log names the key: `pkcs11:token=...` or `process:fixture:...`. */
  key: string;
  certificateSha256: string;
  sha256Before: string;
  sha256After: string;
  method: string;
}

export async function sealDocument(deps: SealDocumentDeps, p: Principal, pdf: Uint8Array, options: SealDocumentOptions = {}): Promise<SealedDocument> {
  await ensureRole(deps, p, 'seal document', 'clerk');
  const agencyId = options.agencyId ?? p.agency.id;
  if (agencyId !== p.agency.id) return forbidden(deps, p, 'seal document', 'a clerk seals with the seal of their own agency only');
  if (!(pdf instanceof Uint8Array) || pdf.length === 0) throw new DocaxisError('FILE_MISSING');
  const key = await deps.sealKeys.forAgency(agencyId);
  if (!key) throw new DocaxisError('SEAL_KEY_MISSING', p.agency.code);

  const now = deps.clock();
  const cert = describeCertificate(key.signer.certificate);
  if (now < cert.notBefore || now > cert.notAfter) throw new DocaxisError('SIGNER_CERT_INVALID', `${cert.commonName ?? cert.subject.text} is valid from ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}`);
  if (options.placement && !options.fontBytes) throw new DocaxisError('USAGE', 'a visible seal needs the font (fontBytes)');
  const level = options.level ?? 'B-B';
  const name = cert.commonName ?? cert.subject.text;
  const visible =
    options.placement && options.fontBytes
      ? {
          placement: options.placement,
          layout: 'seal' as const,
          lines: sealLines({ signerName: name, time: now, ...(cert.organization ? { agency: cert.organization } : {}), ...(cert.email ? { email: cert.email } : {}) }),
          fontBytes: options.fontBytes,
          ...(key.image ? { image: key.image } : {}),
          ...(options.extraWidgets?.length ? { extraWidgets: options.extraWidgets } : {}),
        }
      : undefined;

  const sha256Before = sha256(pdf);
  const signed = await signPdf(pdf, key.signer, {
    level,
    ...(level === 'B-T' && deps.timestamper ? { timestamper: deps.timestamper } : {}),
    fieldName: options.fieldName ?? 'VanThu',
    reason: options.reason ?? 'Văn thư ký số của cơ quan',
    signingTime: now,
    name,
    ...(options.location ? { location: options.location } : {}),
    ...(visible ? { visible } : {}),
    ...options.signOptions,
  });
  const out = joinDocument(signed);
  const result: SealedDocument = {
    pdf: out,
    key: key.description,
    certificateSha256: cert.fingerprintSha256,
    sha256Before,
    sha256After: sha256(out),
    method: `PAdES ${level} (${options.signOptions?.subFilter ?? 'ETSI.CAdES.detached'}), agency seal`,
  };
  await deps.stores.log.append(
    {
      event: 'document.sealed',
      actorUserId: p.user.id,
      agencyId,
      documentId: null,
      details: { key: result.key, certificateSha256: result.certificateSha256, subject: cert.subject.text, sha256Before, sha256After: result.sha256After, method: result.method, field: options.fieldName ?? 'VanThu' },
    },
    now,
  );
  return result;
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}
