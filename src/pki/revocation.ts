// CRL parsing and the revocation status of one certificate at one time (RFC 5280 §5, §6.3).
// Only CRLs that name the certificate's issuer AND verify with the issuer's key count; a CRL
// we cannot trust is skipped and mentioned in `detail`, never allowed to decide anything.
import { DocaxisError, asDocaxisError } from '../errors.js';
import { type ChainCert, parseChainCert } from './chain-cert.js';
import { readRoot } from './asn1-util.js';
import { verifyTbsSignature } from './crl-signature.js';
import { OID } from './oids.js';
import {
  type ParsedCertificateList,
  type X509Name,
  bytesEqual,
  decodeAuthorityKeyId,
  decodeCrlNumber,
  decodeCrlReason,
  decodeIssuingDistributionPoint,
  namesEqual as x509NamesEqual,
  parseCertificateList,
  parseName,
  nameToText,
} from './x509.js';

export interface ParsedCrl {
  der: Uint8Array;
  issuerDer: Uint8Array;
  /** The issuer Name as parsed (for RFC 5280 §7.1 comparison when the DER differs). */
  issuerName?: X509Name;
  issuerText: string;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** Decimal. */
  crlNumber?: string;
  /** Hex, lowercase. */
  authorityKeyIdentifier?: string;
  /** Key: serial hex lowercase, leading zero bytes stripped (X509Certificate.serialNumber, lowercased). */
  revoked: Map<string, { revokedAt: Date; reason?: string }>;
  signatureAlgorithmOid: string;
  tbsDer: Uint8Array;
  signatureValue: Uint8Array;
  /** DER of the signature AlgorithmIdentifier parameters, when present (RSASSA-PSS needs them). */
  signatureAlgorithmParamsDer?: Uint8Array;
  /** Which certificates the CRL speaks for (issuingDistributionPoint); 'all' when absent. */
  scope?: 'all' | 'user-certs' | 'ca-certs' | 'attribute-certs';
  /** Set when the CRL must not be used to decide status (delta, indirect, partial reasons, unknown critical extension). */
  unusableReason?: string;
}

export interface RevocationStatus {
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: Date;
  reason?: string;
  /** What decided: a CRL or an OCSP response (absent when nothing did). */
  source?: 'crl' | 'ocsp';
  /** Where that evidence came from: the document (/DSS, the CMS) or the caller. */
  origin?: 'embedded' | 'given';
  crlThisUpdate?: Date;
  crlNextUpdate?: Date;
  ocspThisUpdate?: Date;
  ocspNextUpdate?: Date;
  detail?: string;
}

// CRLReason ::= ENUMERATED (RFC 5280 §5.3.1); 7 is unused. OCSP's RevokedInfo uses the same.
export const CRL_REASONS: Readonly<Record<number, string>> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

// CRL extensions we understand; any other critical one makes the CRL unusable (RFC 5280 §5.2).
const UNDERSTOOD_CRL_EXTENSIONS: ReadonlySet<string> = new Set([OID.cRLNumber, OID.authorityKeyIdentifier, OID.issuingDistributionPoint, OID.deltaCRLIndicator, OID.issuerAltName, OID.freshestCRL, OID.authorityInfoAccess]);
const UNDERSTOOD_ENTRY_EXTENSIONS: ReadonlySet<string> = new Set([OID.cRLReason, OID.invalidityDate, OID.certificateIssuer]);

/**
 * CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm AlgorithmIdentifier,
 *                                signatureValue BIT STRING }
 * @throws DocaxisError CRL_MALFORMED for anything that is not one well-formed CRL.
 */
export function parseCrl(der: Uint8Array): ParsedCrl {
  if (der.byteLength === 0) throw new DocaxisError('CRL_MALFORMED', 'empty input');
  let list: ParsedCertificateList;
  try {
    list = parseCertificateList(Uint8Array.prototype.slice.call(der)); // own copy: the caller's buffer may be reused
  } catch (e) {
    throw asDocaxisError(e, 'CRL_MALFORMED');
  }
  return parsedCrlOf(list);
}

/** ParsedCrl over an existing parse (its `der` must be owned by the caller: it is not copied). */
export function parsedCrlOf(list: ParsedCertificateList): ParsedCrl {
  try {
    return readCrl(list);
  } catch (e) {
    // A malformed extension inside an otherwise parseable CRL is the same verdict.
    throw asDocaxisError(e, 'CRL_MALFORMED');
  }
}

function readCrl(crl: ParsedCertificateList): ParsedCrl {
  if (crl.tbsSignatureAlgorithm.oid !== crl.signatureAlgorithm.oid) {
    throw new DocaxisError('CRL_MALFORMED', 'inner and outer signature algorithms differ');
  }

  const revoked = new Map<string, { revokedAt: Date; reason?: string }>();
  let entryProblem: string | undefined;
  for (const entry of crl.entries) {
    let reason: string | undefined;
    for (const ext of entry.extensions) {
      if (ext.oid === OID.cRLReason) {
        const code = decodeCrlReason(ext.value);
        reason = CRL_REASONS[code] ?? `reason ${code}`;
      } else if (ext.critical && !UNDERSTOOD_ENTRY_EXTENSIONS.has(ext.oid)) entryProblem ??= `unknown critical CRL entry extension ${ext.oid}`;
      if (ext.oid === OID.certificateIssuer) entryProblem ??= 'indirect CRL entries (certificateIssuer)';
    }
    if (reason === 'removeFromCRL') continue; // delta-CRL only: "no longer revoked"
    const previous = revoked.get(entry.serialHex);
    const revokedAt = entry.revocationDate;
    // Duplicate entries should not happen; keep the earliest, the conservative choice.
    if (previous === undefined || revokedAt < previous.revokedAt) revoked.set(entry.serialHex, reason === undefined ? { revokedAt } : { revokedAt, reason });
  }

  let crlNumber: string | undefined;
  let authorityKeyIdentifier: string | undefined;
  let scope: NonNullable<ParsedCrl['scope']> = 'all';
  let unusableReason = entryProblem;
  for (const ext of crl.extensions) {
    switch (ext.oid) {
      case OID.cRLNumber:
        crlNumber = decodeCrlNumber(ext.value);
        break;
      case OID.authorityKeyIdentifier:
        authorityKeyIdentifier = decodeAuthorityKeyId(ext.value);
        break;
      case OID.deltaCRLIndicator:
        unusableReason ??= 'delta CRL (needs its base CRL)';
        break;
      case OID.issuingDistributionPoint: {
        const idp = decodeIssuingDistributionPoint(ext.value);
        if (idp.onlyUserCerts) scope = 'user-certs';
        if (idp.onlyCaCerts) scope = 'ca-certs';
        if (idp.onlyAttributeCerts) scope = 'attribute-certs';
        if (idp.onlySomeReasons) unusableReason ??= 'CRL covers only some revocation reasons';
        else if (idp.indirectCrl) unusableReason ??= 'indirect CRL';
        break;
      }
      default:
        if (ext.critical && !UNDERSTOOD_CRL_EXTENSIONS.has(ext.oid)) unusableReason ??= `unknown critical CRL extension ${ext.oid}`;
    }
  }

  const params = crl.signatureAlgorithm.paramsDer;
  return {
    der: crl.der,
    issuerDer: crl.issuer.der,
    issuerName: crl.issuer,
    issuerText: nameToText(crl.issuer),
    thisUpdate: crl.thisUpdate,
    ...(crl.nextUpdate !== undefined ? { nextUpdate: crl.nextUpdate } : {}),
    ...(crlNumber !== undefined ? { crlNumber } : {}),
    ...(authorityKeyIdentifier !== undefined ? { authorityKeyIdentifier } : {}),
    revoked,
    signatureAlgorithmOid: crl.signatureAlgorithm.oid,
    tbsDer: crl.tbs,
    signatureValue: crl.signatureValue,
    ...(params !== undefined ? { signatureAlgorithmParamsDer: params } : {}),
    scope,
    ...(unusableReason !== undefined ? { unusableReason } : {}),
  };
}

export { nameToText };

/**
 * Revocation status of `cert` (issued by `issuer`) at time `at`, from the CRLs given.
 * @throws DocaxisError CERT_MALFORMED when cert or issuer cannot be parsed.
 */
export function checkRevocation(cert: Uint8Array, issuer: Uint8Array, crls: readonly ParsedCrl[], at: Date): RevocationStatus {
  return checkRevocationOf(parseChainCert(cert), parseChainCert(issuer), crls, at);
}

/**
 * Remembers, per CRL and issuer, whether the CRL was usable (undefined) or why not, so that the
 * signature of a CRL is checked once per validation however many paths are tried. Create one per
 * validation; never share it module-wide.
 */
export type CrlTrustCache = WeakMap<ParsedCrl, Map<string, string | undefined>>;

/** Same as checkRevocation for already-parsed certificates (validateChain parses each once). */
export function checkRevocationOf(cert: ChainCert, issuer: ChainCert, crls: readonly ParsedCrl[], at: Date, cache?: CrlTrustCache): RevocationStatus {
  const skipped: string[] = [];
  const usable: ParsedCrl[] = [];
  for (const crl of crls) {
    const why = cachedWhyUnusable(crl, cert, issuer, cache);
    if (why === undefined) usable.push(crl);
    else if (why !== 'other issuer') skipped.push(`CRL${crl.crlNumber !== undefined ? ` #${crl.crlNumber}` : ''} of ${crl.issuerText} (${crl.thisUpdate.toISOString()}): ${why}`);
  }
  if (usable.length === 0) {
    const detail = skipped.length > 0 ? `no usable CRL: ${skipped.join('; ')}` : `no CRL from the issuer (${issuer.label})`;
    return { status: 'unknown', detail };
  }

  // A listing in any trusted CRL counts, stale or not: a revocation is never undone
  // (certificateHold aside, which we report as revoked like most validators do).
  let listed: { crl: ParsedCrl; revokedAt: Date; reason?: string } | undefined;
  for (const crl of usable) {
    const entry = crl.revoked.get(cert.serialHex);
    if (entry !== undefined && (listed === undefined || entry.revokedAt < listed.revokedAt)) listed = { crl, ...entry };
  }
  if (listed !== undefined) {
    const base = {
      revokedAt: listed.revokedAt,
      ...(listed.reason !== undefined ? { reason: listed.reason } : {}),
      source: 'crl' as const,
      crlThisUpdate: listed.crl.thisUpdate,
      ...(listed.crl.nextUpdate !== undefined ? { crlNextUpdate: listed.crl.nextUpdate } : {}),
    };
    if (listed.revokedAt <= at) return { status: 'revoked', ...base };
    return { status: 'good', ...base, detail: `revoked at ${listed.revokedAt.toISOString()}, after the validation time` };
  }

  // Not listed: "good" only from a CRL whose validity covers `at`, i.e. issued at or after `at`
  // or still current at `at`. An older, expired CRL says nothing about the time after it.
  const covering = usable.filter((crl) => crl.thisUpdate >= at || crl.nextUpdate === undefined || at <= crl.nextUpdate);
  const best = latest(covering.length > 0 ? covering : usable);
  const window = { source: 'crl' as const, crlThisUpdate: best.thisUpdate, ...(best.nextUpdate !== undefined ? { crlNextUpdate: best.nextUpdate } : {}) };
  if (covering.length > 0) return { status: 'good', ...window };
  return { status: 'unknown', ...window, detail: `latest CRL expired at ${best.nextUpdate?.toISOString() ?? '?'}, before the validation time` };
}

function latest(crls: readonly ParsedCrl[]): ParsedCrl {
  return crls.reduce((a, b) => (b.thisUpdate > a.thisUpdate ? b : a));
}

function cachedWhyUnusable(crl: ParsedCrl, cert: ChainCert, issuer: ChainCert, cache: CrlTrustCache | undefined): string | undefined {
  // Scope depends on the certificate; trust in the CRL only on the issuer.
  const isCa = cert.basicConstraints?.cA === true;
  if (crl.scope === 'attribute-certs') return 'covers attribute certificates only';
  if (crl.scope === 'user-certs' && isCa) return 'covers end-entity certificates only';
  if (crl.scope === 'ca-certs' && !isCa) return 'covers CA certificates only';
  if (cache === undefined) return whyUntrusted(crl, issuer);
  let byIssuer = cache.get(crl);
  if (byIssuer === undefined) cache.set(crl, (byIssuer = new Map()));
  if (!byIssuer.has(issuer.fingerprint)) byIssuer.set(issuer.fingerprint, whyUntrusted(crl, issuer));
  return byIssuer.get(issuer.fingerprint);
}

function whyUntrusted(crl: ParsedCrl, issuer: ChainCert): string | undefined {
  if (!namesEqual(crl, issuer)) return 'other issuer';
  if (crl.unusableReason !== undefined) return crl.unusableReason;
  if (issuer.keyUsage !== undefined && !issuer.keyUsage.has('cRLSign')) return `issuer ${issuer.label} may not sign CRLs (no cRLSign)`;
  // A re-keyed CA keeps its name: the key identifier tells its CRLs apart before any arithmetic.
  if (crl.authorityKeyIdentifier !== undefined && issuer.subjectKeyId !== undefined && crl.authorityKeyIdentifier !== issuer.subjectKeyId) return 'signed by another key of the issuer';
  const check = verifyTbsSignature(crl.signatureAlgorithmOid, crl.signatureAlgorithmParamsDer, crl.tbsDer, crl.signatureValue, issuer.publicKey);
  return check.ok ? undefined : `signature: ${check.reason}`;
}

function namesEqual(crl: ParsedCrl, issuer: ChainCert): boolean {
  if (bytesEqual(crl.issuerDer, issuer.subjectDer)) return true;
  try {
    // A ParsedCrl built by hand may lack the parsed name: read it from its DER.
    const name = crl.issuerName ?? parseName(crl.issuerDer, readRoot(crl.issuerDer, false));
    return x509NamesEqual(name, issuer.subjectName);
  } catch {
    return false;
  }
}
