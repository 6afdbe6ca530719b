// A /Prev chain that cannot be followed to its end: the revisions a signature signed are unknown,
// so its verdict is INDETERMINATE (not a failure the lost revisions might explain, nor a pass),
// while a signature whose own bytes fail is still a cryptographic failure.
import { describe, expect, it } from 'vitest';
import { joinDocument } from '../../src/pades/complete.js';
import { signPdf } from '../../src/pades/sign.js';
import { verifyPdf } from '../../src/pades/verify.js';
import { PdfRef } from '../../src/pdf/objects.js';
import { PdfReader } from '../../src/pdf/reader.js';
import { fixtureSigner, sampleLetter, trustedOptions } from '../support/fixtures.js';

/** Appends an empty update whose /Prev points at the file's first bytes (no xref there). */
function withBrokenPrev(pdf: Uint8Array): Uint8Array {
  const trailer = PdfReader.open(pdf).trailer;
  const root = trailer.get('Root');
  const size = trailer.get('Size');
  if (!(root instanceof PdfRef) || typeof size !== 'number') throw new Error('unexpected trailer');
  const xrefAt = pdf.length + 1;
  const update = `\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size ${size} /Root ${root.num} ${root.gen} R /Prev 9 >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(update, 'latin1')]);
}

describe('a broken /Prev chain', () => {
  it('makes every signature INDETERMINATE, and the document indeterminate, where it was invalid', async () => {
    const signed = joinDocument(await signPdf((await sampleLetter()).pdf, fixtureSigner('signer-nguyen-van-an')));
    const sealed = joinDocument(await signPdf(signed, fixtureSigner('seal-ubnd-thai-binh')));
    expect(verifyPdf(sealed, trustedOptions()).document.verdict).toBe('valid');

    const broken = withBrokenPrev(sealed);
    expect(PdfReader.open(broken).brokenPrevChain).toBe(true);
    const report = verifyPdf(broken, trustedOptions());
    expect(report.signatures.length).toBeGreaterThan(0);
    for (const s of report.signatures) {
      expect([s.indication, s.subIndication]).toEqual(['INDETERMINATE', 'FORMAT_FAILURE']);
      expect(s.errors.join(' ')).toMatch(/\/Prev\) is broken/);
    }
    expect(report.document.verdict).toBe('indeterminate');
  });

  it('keeps a signature whose signed bytes were altered a HASH_FAILURE', async () => {
    const signed = joinDocument(await signPdf((await sampleLetter()).pdf, fixtureSigner('signer-nguyen-van-an')));
    const tampered = Uint8Array.from(signed);
    const at = Math.floor(tampered.length / 4); // inside the signed range, before the gap
    tampered[at] = tampered[at]! ^ 0x01;
    const report = verifyPdf(withBrokenPrev(tampered), trustedOptions());
    expect(report.signatures.map((s) => [s.indication, s.subIndication])).toContainEqual(['TOTAL_FAILED', 'HASH_FAILURE']);
    expect(report.document.verdict).toBe('invalid');
  });
});
