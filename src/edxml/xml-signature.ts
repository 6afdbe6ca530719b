// XML-DSig of an edXML envelope: enveloped signature over the whole document (Reference URI=""),
// exclusive c14n, RSA-SHA256, the X.509 certificate in KeyInfo. Library: xml-crypto, because its
// signature algorithm is pluggable with an asynchronous callback, so the key stays behind our
// SignerAdapter (a PKCS#12 in this process today, an HSM or token tomorrow); xmldsigjs would want
// a WebCrypto CryptoKey. xml-crypto parses with its own @xmldom/xmldom 0.8: it only ever sees text
// that safe-xml.ts has already scanned (no DTD, bounded size and depth).
//
// Verification refuses signature wrapping: exactly one ds:Signature, a child of edXMLHeader, with
// exactly one Reference, URI="" (the document element), the two transforms and SHA-256; the
// certificate in KeyInfo must be one of the trusted ones (byte for byte: peers are pinned by the
// admin); and the caller gets the envelope read from what was signed (xml-crypto's
// getSignedReferences), never from the original tree.
import { X509Certificate, createHash } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import type { Element } from '@xmldom/xmldom';
import { DocaxisError } from '../errors.js';
import type { SignerAdapter } from '../pki/signer.js';
import { EDXML_NS, XMLDSIG_NS, type Envelope } from './model.js';
import { readEnvelope } from './parse.js';
import { childElements, DEFAULT_XML_LIMITS, parseSafeXml, type XmlLimits } from './safe-xml.js';

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

function pem(der: Uint8Array): string {
  return `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`.replace('\n\n', '\n');
}

/** Signs `xml` (an unsigned envelope from build.ts) with the axis's key; returns the signed text. */
export async function signEnvelope(xml: string, signer: SignerAdapter): Promise<string> {
  if (signer.keyAlgorithm !== 'rsa') throw new DocaxisError('EDXML_SIGNER_MISSING', 'the axis key must be RSA for RSA-SHA256 XML signatures');
  const certB64 = Buffer.from(signer.certificate).toString('base64');
  const sig = new SignedXml({
    // xml-crypto needs a key value to proceed; the adapter below never reads it.
    privateKey: 'held by the SignerAdapter',
    canonicalizationAlgorithm: EXC_C14N,
    signatureAlgorithm: RSA_SHA256,
    getKeyInfoContent: () => `<X509Data><X509Certificate>${certB64}</X509Certificate></X509Data>`,
  });
  sig.SignatureAlgorithms[RSA_SHA256] = class {
    getAlgorithmName() {
      return RSA_SHA256;
    }
    getSignature(signedInfo: string | Uint8Array, _key: unknown, callback?: (err: Error | null, value?: string) => void): string {
      const data = typeof signedInfo === 'string' ? new TextEncoder().encode(signedInfo) : signedInfo;
      signer.sign(data, 'sha256').then(
        (value) => callback?.(null, Buffer.from(value).toString('base64')),
        (e: unknown) => callback?.(e instanceof Error ? e : new Error(String(e))),
      );
      return '';
    }
    verifySignature(): boolean {
      throw new Error('signing only');
    }
  } as never;
  sig.addReference({ xpath: '/*', uri: '', isEmptyUri: true, transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: SHA256 });
  await new Promise<void>((resolve, reject) => {
    sig.computeSignature(xml, { location: { reference: `//*[local-name(.)='edXMLHeader' and namespace-uri(.)='${EDXML_NS}']`, action: 'append' } }, (err) => (err ? reject(err) : resolve()));
  });
  return sig.getSignedXml();
}

export interface VerifiedEnvelope {
  envelope: Envelope;
  /** SHA-256 of the signing certificate (DER), hex. */
  signerFingerprint: string;
}

function bad(reason: string): DocaxisError {
  return new DocaxisError('EDXML_SIGNATURE_INVALID', reason, { details: { reason } });
}

/**
 * Verifies the package's signature against `trusted` (certificates, DER) and returns the envelope
 * as signed. `at`: the certificate must be within its validity then.
 */
export function verifyEnvelope(xml: Uint8Array | string, trusted: readonly Uint8Array[], at: Date, limits: XmlLimits = DEFAULT_XML_LIMITS): VerifiedEnvelope {
  const doc = parseSafeXml(xml, limits);
  const text = typeof xml === 'string' ? xml : new TextDecoder().decode(xml);
  const all = doc.getElementsByTagNameNS(XMLDSIG_NS, 'Signature');
  if (all.length === 0) throw bad('the package is not signed');
  if (all.length > 1) throw bad('more than one ds:Signature');
  const signature = all.item(0)!;
  const parent = signature.parentNode as Element | null;
  if (!parent || parent.namespaceURI !== EDXML_NS || parent.localName !== 'edXMLHeader' || parent.parentNode !== doc.documentElement) throw bad('the signature must be a child of edXMLHeader');
  const signedInfo = childElements(signature).find((e) => e.localName === 'SignedInfo' && e.namespaceURI === XMLDSIG_NS);
  const refs = signedInfo ? childElements(signedInfo).filter((e) => e.localName === 'Reference' && e.namespaceURI === XMLDSIG_NS) : [];
  if (refs.length !== 1) throw bad('exactly one Reference is accepted');
  const ref = refs[0]!;
  if (ref.getAttribute('URI') !== '') throw bad('the Reference must be URI="" (the whole envelope)');
  const method = (local: string): string | null => {
    const found = signedInfo ? childElements(signedInfo).find((e) => e.localName === local) : undefined;
    return found?.getAttribute('Algorithm') ?? null;
  };
  if (method('SignatureMethod') !== RSA_SHA256) throw bad('the signature method must be RSA-SHA256');
  if (method('CanonicalizationMethod') !== EXC_C14N) throw bad('the canonicalization must be exclusive c14n');
  const transforms = childElements(ref).find((e) => e.localName === 'Transforms');
  const algs = transforms ? childElements(transforms).map((t) => t.getAttribute('Algorithm')) : [];
  if (algs.length !== 2 || algs[0] !== ENVELOPED || algs[1] !== EXC_C14N) throw bad('the transforms must be enveloped-signature then exclusive c14n');
  const digest = childElements(ref).find((e) => e.localName === 'DigestMethod')?.getAttribute('Algorithm');
  if (digest !== SHA256) throw bad('the digest must be SHA-256');

  const certEls = signature.getElementsByTagNameNS(XMLDSIG_NS, 'X509Certificate');
  if (certEls.length !== 1) throw bad('KeyInfo must carry exactly one X509Certificate');
  const der = Buffer.from((certEls.item(0)!.textContent ?? '').replace(/\s+/g, ''), 'base64');
  const match = trusted.find((t) => Buffer.compare(Buffer.from(t), der) === 0);
  if (!match) throw bad('the signing certificate is not among the trusted ones');
  const cert = new X509Certificate(der);
  if (at < new Date(cert.validFrom) || at > new Date(cert.validTo)) throw bad('the signing certificate is not valid at this time');

  const verifier = new SignedXml({ publicCert: pem(der), getCertFromKeyInfo: () => null });
  // As text: xml-crypto has its own xmldom (0.8); no DOM node crosses between the two versions.
  verifier.loadSignature(signature.toString());
  let ok = false;
  try {
    ok = verifier.checkSignature(text);
  } catch (e) {
    throw bad(e instanceof Error ? e.message.split('\n', 1)[0]! : String(e));
  }
  const signed = verifier.getSignedReferences();
  if (!ok || signed.length !== 1) throw bad('the signature value or the digest does not match');
  // What was signed, re-read (it is canonical XML of the whole envelope minus the signature).
  const envelope = readEnvelope(parseSafeXml(signed[0]!, limits));
  return { envelope, signerFingerprint: createHash('sha256').update(der).digest('hex') };
}
