// CRL parsing and the revocation status of one certificate at one time (RFC 5280 §5, §6.3).
// Only CRLs that name the certificate's issuer AND verify with the issuer's key count; a CRL
// we cannot trust is skipped and mentioned in `detail`, never allowed to decide anything.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { DocaxisError, asDocaxisError } from '../errors.js';
import { type ChainCert, bytesEqual, parseChainCert, rdnDer, readAuthorityKeyId, serialToHex } from './chain-cert.js';
import { verifyTbsSignature } from './crl-signature.js';
import { OID } from './oids.js';

export interface ParsedCrl {
  der: Uint8Array;
  issuerDer: Uint8Array;
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
  source?: 'crl';
  crlThisUpdate?: Date;
  crlNextUpdate?: Date;
  detail?: string;
}

// CRLReason ::= ENUMERATED (RFC 5280 §5.3.1); 7 is unused.
const REASONS: Readonly<Record<number, string>> = {
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
  try {
    return readCrl(der);
  } catch (e) {
    // Whatever PKI.js or asn1js throws (including TypeErrors on odd input) is the same verdict.
    throw asDocaxisError(e, 'CRL_MALFORMED');
  }
}

function readCrl(input: Uint8Array): ParsedCrl {
  const der = new Uint8Array(input); // own copy: the caller's buffer may be reused
  if (der.byteLength === 0) throw new DocaxisError('CRL_MALFORMED', 'empty input');
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) throw new DocaxisError('CRL_MALFORMED', asn1.result.error || 'not BER');
  if (asn1.offset !== der.byteLength) throw new DocaxisError('CRL_MALFORMED', 'trailing bytes after the CRL');
  const crl = new pkijs.CertificateRevocationList({ schema: asn1.result });

  if (crl.signature.algorithmId !== crl.signatureAlgorithm.algorithmId) {
    throw new DocaxisError('CRL_MALFORMED', 'inner and outer signature algorithms differ');
  }
  if (crl.signatureValue.valueBlock.unusedBits !== 0) throw new DocaxisError('CRL_MALFORMED', 'signature BIT STRING has unused bits');

  const revoked = new Map<string, { revokedAt: Date; reason?: string }>();
  let entryProblem: string | undefined;
  for (const entry of crl.revokedCertificates ?? []) {
    const serial = serialToHex(entry.userCertificate.valueBlock.valueHexView);
    let reason: string | undefined;
    for (const ext of entry.crlEntryExtensions?.extensions ?? []) {
      if (ext.extnID === OID.cRLReason) reason = readReason(ext.extnValue.valueBlock.valueHexView);
      else if (ext.critical && !UNDERSTOOD_ENTRY_EXTENSIONS.has(ext.extnID)) entryProblem ??= `unknown critical CRL entry extension ${ext.extnID}`;
      if (ext.extnID === OID.certificateIssuer) entryProblem ??= 'indirect CRL entries (certificateIssuer)';
    }
    if (reason === 'removeFromCRL') continue; // delta-CRL only: "no longer revoked"
    const previous = revoked.get(serial);
    const revokedAt = entry.revocationDate.value;
    // Duplicate entries should not happen; keep the earliest, the conservative choice.
    if (previous === undefined || revokedAt < previous.revokedAt) revoked.set(serial, reason === undefined ? { revokedAt } : { revokedAt, reason });
  }

  let crlNumber: string | undefined;
  let authorityKeyIdentifier: string | undefined;
  let scope: NonNullable<ParsedCrl['scope']> = 'all';
  let unusableReason = entryProblem;
  for (const ext of crl.crlExtensions?.extensions ?? []) {
    const value = ext.extnValue.valueBlock.valueHexView;
    switch (ext.extnID) {
      case OID.cRLNumber:
        crlNumber = readCrlNumber(value);
        break;
      case OID.authorityKeyIdentifier:
        authorityKeyIdentifier = readAuthorityKeyId(value);
        break;
      case OID.deltaCRLIndicator:
        unusableReason ??= 'delta CRL (needs its base CRL)';
        break;
      case OID.issuingDistributionPoint: {
        const idp = readIssuingDistributionPoint(value);
        scope = idp.scope;
        if (idp.problem !== undefined) unusableReason ??= idp.problem;
        break;
      }
      default:
        if (ext.critical && !UNDERSTOOD_CRL_EXTENSIONS.has(ext.extnID)) unusableReason ??= `unknown critical CRL extension ${ext.extnID}`;
    }
  }

  const params = crl.signatureAlgorithm.algorithmParams as asn1js.AsnType | undefined;
  const hasParams = params !== undefined && !(params instanceof asn1js.Null) && params.idBlock.tagNumber !== -1;
  const issuerDer = rdnDer(crl.issuer);
  const nextUpdate = crl.nextUpdate?.value;
  return {
    der,
    issuerDer,
    issuerText: nameToText(crl.issuer),
    thisUpdate: crl.thisUpdate.value,
    ...(nextUpdate !== undefined ? { nextUpdate } : {}),
    ...(crlNumber !== undefined ? { crlNumber } : {}),
    ...(authorityKeyIdentifier !== undefined ? { authorityKeyIdentifier } : {}),
    revoked,
    signatureAlgorithmOid: crl.signatureAlgorithm.algorithmId,
    tbsDer: new Uint8Array(crl.tbsView),
    signatureValue: new Uint8Array(crl.signatureValue.valueBlock.valueHexView),
    ...(hasParams ? { signatureAlgorithmParamsDer: new Uint8Array(params.toBER(false)) } : {}),
    scope,
    ...(unusableReason !== undefined ? { unusableReason } : {}),
  };
}

function parseOne(value: Uint8Array): asn1js.AsnType {
  const asn1 = asn1js.fromBER(value);
  if (asn1.offset !== value.byteLength) throw new DocaxisError('CRL_MALFORMED', 'extension value is not one DER element');
  return asn1.result;
}

function readReason(value: Uint8Array): string {
  const node = parseOne(value);
  if (!(node instanceof asn1js.Enumerated)) throw new DocaxisError('CRL_MALFORMED', 'reasonCode is not ENUMERATED');
  const code = node.valueBlock.valueDec;
  return REASONS[code] ?? `reason ${code}`;
}

// CRLNumber ::= INTEGER (0..MAX)   -- may be up to 20 octets, so BigInt
function readCrlNumber(value: Uint8Array): string {
  const node = parseOne(value);
  if (!(node instanceof asn1js.Integer)) throw new DocaxisError('CRL_MALFORMED', 'cRLNumber is not an INTEGER');
  const hex = Buffer.from(node.valueBlock.valueHexView).toString('hex');
  return BigInt(`0x${hex || '0'}`).toString(10);
}

// IssuingDistributionPoint ::= SEQUENCE {
//   distributionPoint          [0] DistributionPointName OPTIONAL,
//   onlyContainsUserCerts      [1] BOOLEAN DEFAULT FALSE,
//   onlyContainsCACerts        [2] BOOLEAN DEFAULT FALSE,
//   onlySomeReasons            [3] ReasonFlags OPTIONAL,
//   indirectCRL                [4] BOOLEAN DEFAULT FALSE,
//   onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }
function readIssuingDistributionPoint(value: Uint8Array): { scope: NonNullable<ParsedCrl['scope']>; problem?: string } {
  const node = parseOne(value);
  if (!(node instanceof asn1js.Sequence)) throw new DocaxisError('CRL_MALFORMED', 'issuingDistributionPoint is not a SEQUENCE');
  let scope: NonNullable<ParsedCrl['scope']> = 'all';
  let problem: string | undefined;
  for (const item of node.valueBlock.value) {
    if (item.idBlock.tagClass !== 3) continue;
    const flag = () => {
      const bytes = (item as asn1js.Primitive).valueBlock.valueHexView;
      return bytes.length > 0 && bytes[0] !== 0;
    };
    switch (item.idBlock.tagNumber) {
      case 1:
        if (flag()) scope = 'user-certs';
        break;
      case 2:
        if (flag()) scope = 'ca-certs';
        break;
      case 3:
        problem ??= 'CRL covers only some revocation reasons';
        break;
      case 4:
        if (flag()) problem ??= 'indirect CRL';
        break;
      case 5:
        if (flag()) scope = 'attribute-certs';
        break;
    }
  }
  return problem === undefined ? { scope } : { scope, problem };
}

const SHORT_NAMES: Readonly<Record<string, string>> = {
  [OID.commonName]: 'CN',
  [OID.surname]: 'SN',
  [OID.serialNumber]: 'serialNumber',
  [OID.countryName]: 'C',
  [OID.localityName]: 'L',
  [OID.stateOrProvinceName]: 'ST',
  [OID.organizationName]: 'O',
  [OID.organizationalUnitName]: 'OU',
  [OID.title]: 'T',
  [OID.givenName]: 'GN',
  [OID.emailAddress]: 'E',
  [OID.userId]: 'UID',
};

/** "C=VN, O=..., CN=..." in encoding order, for messages and logs (not for comparison). */
export function nameToText(rdn: pkijs.RelativeDistinguishedNames): string {
  return rdn.typesAndValues
    .map((tv) => {
      const value: unknown = tv.value.valueBlock.value;
      return `${SHORT_NAMES[tv.type] ?? tv.type}=${typeof value === 'string' ? value : '#'}`;
    })
    .join(', ');
}

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
  if (!namesEqual(crl.issuerDer, issuer)) return 'other issuer';
  if (crl.unusableReason !== undefined) return crl.unusableReason;
  if (issuer.keyUsage !== undefined && !issuer.keyUsage.has('cRLSign')) return `issuer ${issuer.label} may not sign CRLs (no cRLSign)`;
  // A re-keyed CA keeps its name: the key identifier tells its CRLs apart before any arithmetic.
  if (crl.authorityKeyIdentifier !== undefined && issuer.subjectKeyId !== undefined && crl.authorityKeyIdentifier !== issuer.subjectKeyId) return 'signed by another key of the issuer';
  let params: asn1js.AsnType | undefined;
  if (crl.signatureAlgorithmParamsDer !== undefined) {
    const asn1 = asn1js.fromBER(crl.signatureAlgorithmParamsDer);
    params = asn1.offset === -1 ? undefined : asn1.result;
  }
  const check = verifyTbsSignature(crl.signatureAlgorithmOid, params, crl.tbsDer, crl.signatureValue, issuer.x509.publicKey);
  return check.ok ? undefined : `signature: ${check.reason}`;
}

function namesEqual(crlIssuerDer: Uint8Array, issuer: ChainCert): boolean {
  if (bytesEqual(crlIssuerDer, issuer.subjectDer)) return true;
  try {
    const asn1 = asn1js.fromBER(crlIssuerDer);
    if (asn1.offset === -1) return false;
    return new pkijs.RelativeDistinguishedNames({ schema: asn1.result }).isEqual(issuer.subjectRdn);
  } catch {
    return false;
  }
}
