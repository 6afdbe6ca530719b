// PrepareOptions.inputHash (the CLI hashes the input while reading it): the signed file must be
// byte for byte the one signed without it, and a state that does not fit is ignored.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { fixtureSigner, sampleLetter, trustedOptions } from '../support/fixtures.js';

describe('signPdf with the input hash state', () => {
  it('writes the same bytes as without it, for each digest; ignores a state of another length or algorithm', async () => {
    const { pdf } = await sampleLetter();
    const signer = fixtureSigner('seal-ubnd-thai-binh');
    const signingTime = new Date('2025-03-05T02:00:00Z');
    for (const digest of ['sha256', 'sha384'] as const) {
      const plain = joinDocument(await signPdf(pdf, signer, { digest, signingTime, fieldName: 'VanThu' }));
      const state = createHash(digest).update(pdf);
      const fast = joinDocument(await signPdf(pdf, signer, { digest, signingTime, fieldName: 'VanThu', inputHash: { algorithm: digest, length: pdf.length, state } }));
      expect(Buffer.from(fast).equals(Buffer.from(plain))).toBe(true);
      expect(verifyPdf(fast, trustedOptions()).document.verdict).toBe('valid');
      // The state is copied, not consumed: still the digest of the input.
      expect(state.copy().digest('hex')).toBe(createHash(digest).update(pdf).digest('hex'));
    }
    // A state over other bytes but with the wrong length or algorithm is not used.
    const wrong = createHash('sha256').update('something else');
    for (const inputHash of [
      { algorithm: 'sha256' as const, length: pdf.length + 1, state: wrong },
      { algorithm: 'sha384' as const, length: pdf.length, state: wrong },
    ]) {
      const signed = joinDocument(await signPdf(pdf, signer, { signingTime, fieldName: 'VanThu', inputHash }));
      expect(verifyPdf(signed, trustedOptions()).document.verdict).toBe('valid');
    }
  });
});
