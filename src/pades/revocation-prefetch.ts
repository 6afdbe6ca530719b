// Revocation data fetched for a PDF's signers before it is verified (`docaxis verify
// --fetch-revocation`): verification itself is synchronous and offline, so the network comes
// first. The certificates are the signatures' CMS certificates, the /DSS's and the caller's; for
// each signer, its path is followed upwards by name and signature, and for each (certificate,
// issuer) pair the injected fetcher is asked for an OCSP response and the CRLs of the
// certificate's distribution points. What is fetched is then handed to verifyPdf as the caller's
// data; a fetch that fails adds nothing (the certificate stays INDETERMINATE, never good).
import { PdfReader } from '../pdf/reader.js';
import { type ChainCert, certificateSignedBy, sameName, tryParseChainCert } from '../pki/chain-cert.js';
import { parseCms } from '../pki/cms-parse.js';
import { type RevocationFetcher, crlUrlsOf } from '../pki/revocation-fetcher.js';
import { checkByteRange } from './byte-range.js';
import { readDss } from './dss-read.js';
import { findSignatures } from './find-signatures.js';

const MAX_PATH = 6;
/** Certificate pairs asked about per document: a hostile PDF cannot make us fetch without end. */
const MAX_PAIRS = 20;

export interface PrefetchedRevocation {
  crls: Uint8Array[];
  ocspResponses: Uint8Array[];
}

export async function prefetchRevocation(
  pdf: Uint8Array,
  fetcher: RevocationFetcher,
  extra: { intermediates?: readonly Uint8Array[]; trustAnchors?: readonly Uint8Array[]; maxSignatures?: number; maxBytes?: number } = {},
): Promise<PrefetchedRevocation> {
  const reader = PdfReader.open(pdf, extra.maxBytes !== undefined ? { maxBytes: extra.maxBytes } : undefined);
  const signers: ChainCert[] = [];
  const pool: ChainCert[] = [];
  const add = (list: ChainCert[], der: Uint8Array | undefined) => {
    const c = der !== undefined ? tryParseChainCert(der) : undefined;
    if (c !== undefined && !list.some((x) => x.fingerprint === c.fingerprint)) list.push(c);
  };
  for (const found of findSignatures(reader, { maxSignatures: extra.maxSignatures ?? 20 })) {
    if (found.type !== 'signature') continue;
    const range = checkByteRange(reader, found);
    if (!range.contents) continue;
    try {
      const cms = parseCms(range.contents, { allowTrailingData: true });
      add(signers, cms.signerCertificate);
      for (const der of cms.certificates) add(pool, der);
    } catch {
      // verifyPdf reports the broken CMS
    }
  }
  for (const der of [...readDss(reader).certificates, ...(extra.intermediates ?? []), ...(extra.trustAnchors ?? [])]) add(pool, der);

  const pairs: [ChainCert, ChainCert][] = [];
  for (const signer of signers) {
    let cert = signer;
    for (let depth = 0; depth < MAX_PATH && pairs.length < MAX_PAIRS; depth++) {
      if (sameName(cert.subjectName, cert.issuerName)) break; // a root: nobody answers for it
      const issuer = pool.find((c) => c.fingerprint !== cert.fingerprint && sameName(c.subjectName, cert.issuerName) && certificateSignedBy(cert, c));
      if (issuer === undefined) break;
      if (!pairs.some(([a, b]) => a.fingerprint === cert.fingerprint && b.fingerprint === issuer.fingerprint)) pairs.push([cert, issuer]);
      cert = issuer;
    }
  }

  const out: PrefetchedRevocation = { crls: [], ocspResponses: [] };
  const crlUrls = new Set<string>();
  for (const [cert, issuer] of pairs) {
    const ocsp = await fetcher.ocsp(cert.der, issuer.der);
    if (ocsp !== undefined) out.ocspResponses.push(ocsp);
    for (const url of crlUrlsOf(cert.der)) crlUrls.add(url);
  }
  for (const url of crlUrls) {
    const crl = await fetcher.crl(url);
    if (crl !== undefined) out.crls.push(crl);
  }
  return out;
}
