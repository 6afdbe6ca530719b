// Gathers the validation data a PAdES B-LT store needs (ETSI EN 319 142-1 §5.4): for every
// signature and document timestamp of a PDF, the certificate chain of its signer (and of its
// signature timestamp's TSA) up to a trust anchor, and for each certificate below the anchor the
// CRLs and OCSP responses that speak for it. Evidence comes from the caller (given CRLs and OCSP
// responses) and then from a RevocationFetcher for what is still uncovered; the default fetcher
// fetches nothing, so signing stays offline unless an entry point injects a network fetcher.
// An item is kept only when it verifies for the certificate (issuer's key or delegated
// responder): a junk or foreign CRL never lands in the document.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PdfString } from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';
import { CertificateCache } from '../pki/certificate-cache.js';
import { validateChain } from '../pki/chain.js';
import type { ChainCert } from '../pki/chain-cert.js';
import { parseCms } from '../pki/cms-parse.js';
import { checkOcspRevocationOf, parseOcspResponse, type ParsedOcspResponse } from '../pki/ocsp.js';
import { OID } from '../pki/oids.js';
import { checkRevocationOf, type ParsedCrl } from '../pki/revocation.js';
import { inspectTimestampToken } from '../pki/timestamp.js';
import { findSignatures } from './find-signatures.js';
import type { VriAddition } from './dss-write.js';

/** Where missing revocation data may come from; a network implementation is injected by entry points. */
export interface RevocationFetcher {
  /** DER CRL at `url` (from a CRL distribution point), or undefined. */
  crl(url: string): Promise<Uint8Array | undefined>;
  /** DER OCSPResponse for `cert` issued by `issuer`, or undefined. */
  ocsp(cert: Uint8Array, issuer: Uint8Array): Promise<Uint8Array | undefined>;
}

/** Fetches nothing: B-LT is built from what the caller gave. */
export const NULL_FETCHER: RevocationFetcher = {
  crl: async () => undefined,
  ocsp: async () => undefined,
};

export interface CollectOptions {
  /** Where chains end; without them the longest path found is stored (and a warning given). */
  trustAnchors?: readonly Uint8Array[];
  intermediates?: readonly Uint8Array[];
  crls?: readonly Uint8Array[];
  ocspResponses?: readonly Uint8Array[];
  fetcher?: RevocationFetcher;
  /** Time the evidence must be valid at; default now. */
  at?: Date;
  /** Only these /Contents values (default: every signature and document timestamp). */
  only?: (contents: Uint8Array) => boolean;
}

export interface CollectedValidationData {
  vri: VriAddition[];
  /** Certificates without covering revocation data, chains without an anchor. */
  warnings: string[];
}

export async function collectValidationData(reader: PdfReader, options: CollectOptions = {}): Promise<CollectedValidationData> {
  const cache = new CertificateCache();
  const at = options.at ?? new Date();
  const fetcher = options.fetcher ?? NULL_FETCHER;
  const crls: ParsedCrl[] = [];
  for (const der of options.crls ?? []) crls.push(cache.crl(der));
  // The store keeps the OCSPResponse (ISO 32000-2 §12.8.4.3), not the BasicOCSPResponse the parser keeps.
  const ocsp: GivenOcsp[] = (options.ocspResponses ?? []).map((der) => ({ parsed: parseOcspResponse(der), stored: asOcspResponse(der) }));
  const warnings: string[] = [];
  const vri: VriAddition[] = [];
  const covered = new Map<string, { crls: Uint8Array[]; ocspResponses: Uint8Array[] }>();

  for (const found of findSignatures(reader)) {
    const contentsValue = found.dict.get('Contents');
    if (!(contentsValue instanceof PdfString)) continue;
    const contents = contentsValue.bytes;
    if (options.only && !options.only(contents)) continue;
    const leaves = signersOf(contents, found.type);
    const entry = { contents, certificates: [] as Uint8Array[], crls: [] as Uint8Array[], ocspResponses: [] as Uint8Array[] };
    for (const leaf of leaves) {
      const leafCert = cache.tryChainCert(leaf.der);
      if (!leafCert) {
        warnings.push(`${found.fieldName}: a signing certificate could not be parsed; nothing was stored for it`);
        continue;
      }
      const chain = validateChain({
        leaf: leaf.der,
        candidates: [...leaf.candidates, ...(options.intermediates ?? [])],
        trustAnchors: options.trustAnchors ?? [],
        at,
        purpose: 'any',
        checkRevocation: false,
        cache,
      });
      if (!chain.trustAnchor) warnings.push(`${found.fieldName}: the chain of ${leafCert.label} does not reach a trust anchor; the certificates found are stored`);
      for (const der of chain.path) addUnique(entry.certificates, der);
      const certs = chain.path.map((der) => cache.chainCert(der));
      const below = chain.trustAnchor ? certs.slice(0, -1) : certs;
      for (let i = 0; i < below.length; i++) {
        const cert = below[i]!;
        const issuer = certs[i + 1];
        if (!issuer) continue;
        let evidence = covered.get(cert.fingerprint);
        if (!evidence) {
          evidence = await evidenceFor(cert, issuer, { crls, ocsp, at, fetcher, cache, candidates: certs });
          covered.set(cert.fingerprint, evidence);
          if (evidence.crls.length === 0 && evidence.ocspResponses.length === 0) warnings.push(`${found.fieldName}: no CRL or OCSP response covers ${cert.label}`);
        }
        for (const der of evidence.crls) addUnique(entry.crls, der);
        for (const der of evidence.ocspResponses) addUnique(entry.ocspResponses, der);
      }
    }
    vri.push(entry);
  }
  return { vri, warnings: [...new Set(warnings)] };
}

interface Leaf {
  der: Uint8Array;
  candidates: Uint8Array[];
}

/** The signer and, for a signature with a signature timestamp, the TSA; a document timestamp's TSA. */
function signersOf(contents: Uint8Array, type: 'signature' | 'document-timestamp'): Leaf[] {
  const out: Leaf[] = [];
  try {
    if (type === 'document-timestamp') {
      const info = inspectTimestampToken(untilEnd(contents));
      if (info.tsaCertificate) out.push({ der: info.tsaCertificate, candidates: info.certificates });
      return out;
    }
    const cms = parseCms(contents, { allowTrailingData: true });
    if (cms.signerCertificate) out.push({ der: cms.signerCertificate, candidates: cms.certificates });
    if (cms.timestampToken) {
      const info = inspectTimestampToken(cms.timestampToken);
      if (info.tsaCertificate) out.push({ der: info.tsaCertificate, candidates: info.certificates });
    }
  } catch {
    // A signature we cannot read gets no validation data; the verifier reports it.
  }
  return out;
}

/** The DER value at the start of a zero-padded /Contents. */
function untilEnd(contents: Uint8Array): Uint8Array {
  let end = contents.length;
  while (end > 0 && contents[end - 1] === 0) end--;
  return contents.subarray(0, end);
}

async function evidenceFor(
  cert: ChainCert,
  issuer: ChainCert,
  p: { crls: readonly ParsedCrl[]; ocsp: readonly GivenOcsp[]; at: Date; fetcher: RevocationFetcher; cache: CertificateCache; candidates: readonly ChainCert[] },
): Promise<{ crls: Uint8Array[]; ocspResponses: Uint8Array[] }> {
  const crls = p.crls.filter((crl) => checkRevocationOf(cert, issuer, [crl], p.at).source === 'crl').map((crl) => crl.der);
  const ocspOf = (r: ParsedOcspResponse) => checkOcspRevocationOf(cert, issuer, [r], p.at, { responderCandidates: p.candidates }).source === 'ocsp';
  const ocspResponses = p.ocsp.filter((r) => ocspOf(r.parsed)).map((r) => r.stored);
  if (crls.length > 0 || ocspResponses.length > 0) return { crls, ocspResponses };

  const fetched = await p.fetcher.ocsp(cert.der, issuer.der);
  if (fetched) {
    try {
      const parsed = parseOcspResponse(fetched);
      if (ocspOf(parsed)) ocspResponses.push(asOcspResponse(fetched));
    } catch {
      // An unusable answer is as good as none.
    }
  }
  if (ocspResponses.length > 0) return { crls, ocspResponses };
  for (const url of crlDistributionUrls(cert.der)) {
    const der = await p.fetcher.crl(url);
    if (!der) continue;
    try {
      const crl = p.cache.crl(der);
      if (checkRevocationOf(cert, issuer, [crl], p.at).source === 'crl') {
        crls.push(crl.der);
        break;
      }
    } catch {
      // Not a CRL: try the next distribution point.
    }
  }
  return { crls, ocspResponses };
}

interface GivenOcsp {
  parsed: ParsedOcspResponse;
  stored: Uint8Array;
}

//   OCSPResponse ::= SEQUENCE { responseStatus OCSPResponseStatus (ENUMERATED), responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }
//   ResponseBytes ::= SEQUENCE { responseType OBJECT IDENTIFIER, response OCTET STRING }
/** `der` as an OCSPResponse: kept when it is one, a bare BasicOCSPResponse wrapped as successful. */
export function asOcspResponse(der: Uint8Array): Uint8Array {
  const outer = asn1js.fromBER(der);
  const first = outer.offset === -1 ? undefined : (outer.result as asn1js.Sequence).valueBlock.value?.[0];
  if (first instanceof asn1js.Enumerated) return der;
  const wrapped = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: 0 }),
    responseBytes: new pkijs.ResponseBytes({ responseType: OID.ocspBasic, response: new asn1js.OctetString({ valueHex: der }) }),
  });
  return new Uint8Array(wrapped.toSchema().toBER(false));
}

/** The http(s) URLs of the certificate's CRL distribution points (RFC 5280 §4.2.1.13). */
export function crlDistributionUrls(der: Uint8Array): string[] {
  try {
    const cert = pkijs.Certificate.fromBER(der);
    const ext = cert.extensions?.find((e) => e.extnID === OID.cRLDistributionPoints);
    const parsed = ext?.parsedValue as pkijs.CRLDistributionPoints | undefined;
    const urls: string[] = [];
    for (const dp of parsed?.distributionPoints ?? []) {
      const names = Array.isArray(dp.distributionPoint) ? dp.distributionPoint : [];
      for (const name of names) {
        // GeneralName uniformResourceIdentifier [6] IA5String
        if (name.type === 6 && typeof name.value === 'string' && /^https?:\/\//i.test(name.value)) urls.push(name.value);
      }
    }
    return urls;
  } catch {
    return [];
  }
}

function addUnique(list: Uint8Array[], der: Uint8Array): void {
  if (!list.some((x) => Buffer.compare(Buffer.from(x), Buffer.from(der)) === 0)) list.push(der);
}
