// XML-DSig of the envelope with the axis key behind its SignerAdapter: it verifies against the
// trusted certificate, fails on any change, and refuses the wrapping shapes (a second signature,
// a signature moved, a Reference to part of the document, an untrusted key, an expired one).
// Node's own crypto is the independent oracle for the signature value.
import { createVerify, X509Certificate } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { buildEnvelope } from '../../src/edxml/build.js';
import { signEnvelope, verifyEnvelope } from '../../src/edxml/xml-signature.js';
import { DocaxisError } from '../../src/errors.js';
import type { SignerAdapter } from '../../src/pki/signer.js';
import { fixtureSigner } from '../support/fixtures.js';
import { fullEnvelope } from './sample.js';

let axis: SignerAdapter;
let other: SignerAdapter;
let signed: string;
const NOW = new Date();

beforeAll(async () => {
  axis = fixtureSigner('axis');
  other = fixtureSigner('seal-ubnd-thai-binh');
  signed = await signEnvelope(buildEnvelope(fullEnvelope()), axis);
});

function refusal(f: () => unknown): DocaxisError {
  try {
    f();
  } catch (e) {
    if (e instanceof DocaxisError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('edXML XML signature', () => {
  it('signs with RSA-SHA256, exclusive c14n, enveloped, the certificate in KeyInfo, inside edXMLHeader', () => {
    expect(signed).toContain('Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"');
    expect(signed).toContain('<Reference URI="">');
    expect(signed).toContain('http://www.w3.org/2000/09/xmldsig#enveloped-signature');
    expect(signed).toMatch(/<\/edXML:TraceHeaderList><Signature xmlns="http:\/\/www.w3.org\/2000\/09\/xmldsig#">/);
    expect(signed).toContain(`<X509Certificate>${Buffer.from(axis.certificate).toString('base64')}</X509Certificate>`);
  });

  it('verifies, and returns the envelope as signed', () => {
    const v = verifyEnvelope(signed, [other.certificate, axis.certificate], NOW);
    expect(v.envelope).toEqual(fullEnvelope());
    expect(v.signerFingerprint).toBe(new X509Certificate(axis.certificate).fingerprint256.replaceAll(':', '').toLowerCase());
  });

  it('the signature value checks with node crypto over the exclusive-c14n SignedInfo (independent of xml-crypto’s verifier)', () => {
    const doc = new DOMParser().parseFromString(signed, 'text/xml');
    const signedInfo = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'SignedInfo').item(0)!;
    const canon = new ExclusiveCanonicalization().process(signedInfo as never, {}) as unknown as string;
    const value = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'SignatureValue').item(0)!.textContent!.replace(/\s+/g, '');
    const publicKey = new X509Certificate(axis.certificate).publicKey;
    expect(createVerify('RSA-SHA256').update(canon).verify(publicKey, value, 'base64')).toBe(true);
  });

  it('fails on any change to the signed content', () => {
    for (const tampered of [
      signed.replace('<edXML:CodeNumber>7816<', '<edXML:CodeNumber>7817<'),
      signed.replace('<edXML:OrganId>000.00.12.H54<', '<edXML:OrganId>000.00.05.H54<'),
      signed.replace('<edXML:Content>JVBERi0A/wo=</edXML:Content>', '<edXML:Content>JVBERi0A/wA=</edXML:Content>'),
      signed.replace('</edXML:ToPlaces>', '<edXML:Place>added</edXML:Place></edXML:ToPlaces>'),
    ]) {
      expect(tampered).not.toBe(signed);
      expect(refusal(() => verifyEnvelope(tampered, [axis.certificate], NOW)).code).toBe('EDXML_SIGNATURE_INVALID');
    }
  });

  it('refuses a certificate outside the trust set, and outside its validity', () => {
    expect(refusal(() => verifyEnvelope(signed, [other.certificate], NOW)).message).toContain('not among the trusted');
    expect(refusal(() => verifyEnvelope(signed, [axis.certificate], new Date('1990-01-01'))).message).toContain('not valid at this time');
  });

  it('refuses an unsigned package', () => {
    expect(refusal(() => verifyEnvelope(buildEnvelope(fullEnvelope()), [axis.certificate], NOW)).message).toContain('not signed');
  });

  it('refuses signature wrapping: a second signature, a moved signature, a partial reference', () => {
    const sig = /<Signature [\s\S]*<\/Signature>/.exec(signed)![0];
    // A forged header beside the genuine signed one, carrying the genuine signature along.
    const twice = signed.replace('</edXML:edXMLBody>', `${sig}</edXML:edXMLBody>`);
    expect(refusal(() => verifyEnvelope(twice, [axis.certificate], NOW)).message).toContain('more than one');
    const moved = signed.replace(sig, '').replace('</edXML:edXMLBody>', `${sig}</edXML:edXMLBody>`);
    expect(refusal(() => verifyEnvelope(moved, [axis.certificate], NOW)).message).toContain('child of edXMLHeader');
    const partial = signed.replace('<Reference URI="">', '<Reference URI="#part">');
    expect(refusal(() => verifyEnvelope(partial, [axis.certificate], NOW)).message).toContain('URI=""');
  });

  it('refuses a package whose signature is valid but by another key substituted in KeyInfo', async () => {
    const byOther = await signEnvelope(buildEnvelope(fullEnvelope()), other);
    const swapped = byOther.replace(/<X509Certificate>[^<]+<\/X509Certificate>/, `<X509Certificate>${Buffer.from(axis.certificate).toString('base64')}</X509Certificate>`);
    expect(refusal(() => verifyEnvelope(swapped, [axis.certificate], NOW)).code).toBe('EDXML_SIGNATURE_INVALID');
  });
});
