// Revocation is checked with the CRLs at hand: a revoked certificate is always caught, a
// certificate no CRL covers is a warning, or INDETERMINATE/TRY_LATER when revocation is required.
import { beforeAll, describe, expect, it } from 'vitest';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { readCertificates, readCrls } from '../../src/pki/pem.js';
import { parseCrl } from '../../src/pki/revocation.js';
import { fixture, fixtureSigner, sampleLetter } from '../support/fixtures.js';

let pdf: Uint8Array;
const anchors = () => readCertificates(fixture('trust-anchors.pem'));
const intermediateCrlOnly = () => readCrls(fixture('crls.pem')).filter((c) => parseCrl(c).issuerText.includes('CA phục vụ'));

beforeAll(async () => {
  pdf = joinDocument(await signPdf((await sampleLetter()).pdf, fixtureSigner('seal-ubnd-thai-binh')));
});

describe('revocation policy', () => {
  it('with only the intermediate CA CRL: valid, with a warning that the intermediate is not covered', () => {
    expect(intermediateCrlOnly()).toHaveLength(1);
    const r = verifyPdf(pdf, { trustAnchors: anchors(), crls: intermediateCrlOnly() });
    expect(r.document.verdict).toBe('valid');
    expect(r.signatures[0]?.chain.revocation[0]?.status).toBe('good');
    expect(r.signatures[0]?.warnings.join('\n')).toMatch(/revocation status unknown/);
  });

  it('with revocation required, the same gap is INDETERMINATE / TRY_LATER', () => {
    const r = verifyPdf(pdf, { trustAnchors: anchors(), crls: intermediateCrlOnly(), requireRevocation: true });
    expect(r.signatures[0]).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
  });

  it('with both CRLs and revocation required: valid', () => {
    const r = verifyPdf(pdf, { trustAnchors: anchors(), crls: readCrls(fixture('crls.pem')), requireRevocation: true });
    expect(r.document.verdict).toBe('valid');
  });
});
