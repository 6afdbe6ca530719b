// Duplicate and excess signatures (issue 10, finding 2): the demo letter plus 300 byte-identical
// copies of its seal signature was accepted as "All 302 signature(s) are valid" with a 33 MB
// report. Copies are one signature reported as a replay (document invalid); past a maximum the
// document is refused before any deep verification; the report's lists are bounded.
import { beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/cli/render-report.js';
import { isDocaxisError } from '../../src/errors.js';
import { MAX_LISTED_MODIFICATIONS, REPLAY_KIND } from '../../src/pades/report.js';
import { DEFAULT_MAX_SIGNATURES, verifyPdf } from '../../src/pades/verify.js';
import { trustedOptions } from '../support/fixtures.js';
import { pdfsig, fixtureNssDb, tempDir, writeTemp } from '../support/oracles.js';
import { addSignatureFields, signatureDictOf } from './signature-structure-helpers.js';
import { CHAIRMAN_FIELD, SEAL_FIELD, addAnnotation, signedLetter } from './support-tamper.js';

let sealed: Uint8Array;

beforeAll(async () => {
  sealed = (await signedLetter()).sealed;
});

/** `count` byte-identical copies of the seal's signature dictionary, `perRevision` per incremental update. */
function withReplays(pdf: Uint8Array, count: number, perRevision: number): Uint8Array {
  const { body } = signatureDictOf(pdf, SEAL_FIELD);
  let out = pdf;
  for (let done = 0; done < count; done += perRevision) {
    const batch = Array.from({ length: Math.min(perRevision, count - done) }, (_, i) => ({ name: `VanThu_${done + i + 1}`, sigDict: body }));
    out = addSignatureFields(out, batch);
  }
  return out;
}

function refusal(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a refusal');
}

describe('replayed signature dictionaries', () => {
  it('three copies of the seal signature: one signature, reported as replayed; the document is invalid', () => {
    const pdf = withReplays(sealed, 3, 3);
    const report = verifyPdf(pdf, trustedOptions());
    expect(report.signatures.map((s) => s.fieldName)).toEqual([CHAIRMAN_FIELD, SEAL_FIELD]);
    const seal = report.signatures[1]!;
    expect(seal.indication).toBe('TOTAL_PASSED'); // the genuine signature itself is intact...
    expect(seal.replays.map((r) => r.fieldName)).toEqual(['VanThu_1', 'VanThu_2', 'VanThu_3']);
    expect(seal.modifiedAfterSigning).toBe('disallowed');
    expect(seal.modifications.disallowed.filter((m) => m.kind === REPLAY_KIND)).toHaveLength(3);
    expect(seal.errors.join('\n')).toMatch(/replayed: 3 other signature dictionaries/);
    expect(report.document).toMatchObject({ verdict: 'invalid', indication: 'TOTAL_FAILED' }); // ...but the document is not
    expect(report.document.summary).toMatch(/Signature 2 \(VanThu\) is replayed: 3 copied/);
    expect(renderReport('replayed.pdf', report)).toMatch(/REPLAYED: {2}copied into 3 other field\(s\): VanThu_1, VanThu_2, VanThu_3/);

    // pdfsig counts five signatures and calls every copy valid: it has no notion of a replay.
    const dir = tempDir('docaxis-replay-');
    const p = pdfsig(writeTemp(dir, 'replayed.pdf', pdf), fixtureNssDb());
    expect(p).toHaveLength(5);
  });

  it('the demo letter plus 300 byte-identical seal copies is refused quickly with PDF_TOO_MANY_SIGNATURES', () => {
    const pdf = withReplays(sealed, 300, 10);
    expect(pdf.length).toBeGreaterThan(300 * 10_000);
    const started = performance.now();
    const e = refusal(() => verifyPdf(pdf, trustedOptions()));
    const ms = performance.now() - started;
    expect(isDocaxisError(e, 'PDF_TOO_MANY_SIGNATURES')).toBe(true);
    expect((e as Error).message).toMatch(new RegExp(`more than ${DEFAULT_MAX_SIGNATURES} signatures`));
    expect((e as { category: string }).category).toBe('input');
    console.log(`300 replays: ${pdf.length} bytes, refused in ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(1500);
  });

  it('with a higher maximum the same file gives a small report naming 300 replays', () => {
    const pdf = withReplays(sealed, 300, 10);
    const started = performance.now();
    const report = verifyPdf(pdf, trustedOptions({ maxSignatures: 400 }));
    const ms = performance.now() - started;
    const json = JSON.stringify(report);
    console.log(`300 replays, maxSignatures 400: report ${json.length} bytes in ${ms.toFixed(0)} ms`);
    expect(report.signatures).toHaveLength(2);
    expect(report.signatures[1]!.replays).toHaveLength(300);
    expect(report.signatures[1]!.modifications.disallowed.length).toBeLessThanOrEqual(MAX_LISTED_MODIFICATIONS);
    expect(report.signatures[1]!.modifications.omitted?.disallowed).toBeGreaterThan(0);
    expect(report.document.verdict).toBe('invalid');
    expect(json.length).toBeLessThan(200_000);
  });

  it('maxSignatures is the caller’s: 1 refuses the two-signature letter, 2 accepts it', () => {
    expect(isDocaxisError(refusal(() => verifyPdf(sealed, trustedOptions({ maxSignatures: 1 }))), 'PDF_TOO_MANY_SIGNATURES')).toBe(true);
    expect(verifyPdf(sealed, trustedOptions({ maxSignatures: 2 })).document.verdict).toBe('valid');
  });
});

describe('one dictionary, several fields', () => {
  it('a second field whose /V is the same signature dictionary: one signature with both names, not a replay', () => {
    const { ref } = signatureDictOf(sealed, SEAL_FIELD);
    const pdf = addSignatureFields(sealed, [{ name: 'VanThu_BanSao', existing: ref }]);
    const report = verifyPdf(pdf, trustedOptions());
    expect(report.signatures).toHaveLength(2);
    const seal = report.signatures[1]!;
    expect(seal.fieldName).toBe(SEAL_FIELD);
    expect(seal.fieldNames).toEqual([SEAL_FIELD, 'VanThu_BanSao']);
    expect(seal.replays).toEqual([]);
    expect(seal.indication).toBe('TOTAL_PASSED');
    expect(renderReport('two-fields.pdf', report)).toMatch(/fields: {4}VanThu, VanThu_BanSao \(one signature dictionary\)/);
  });
});

describe('bounded report', () => {
  it('each modification list holds at most MAX_LISTED_MODIFICATIONS entries, and says how many more', () => {
    let pdf = sealed;
    for (let i = 0; i < MAX_LISTED_MODIFICATIONS + 15; i++) pdf = addAnnotation(pdf);
    const report = verifyPdf(pdf, trustedOptions());
    const seal = report.signatures.find((s) => s.fieldName === SEAL_FIELD)!;
    expect(seal.modifiedAfterSigning).toBe('disallowed');
    expect(seal.modifications.disallowed).toHaveLength(MAX_LISTED_MODIFICATIONS);
    expect(seal.modifications.omitted?.disallowed).toBeGreaterThanOrEqual(15);
    expect(renderReport('annotated.pdf', report)).toMatch(/more disallowed and \d+ more allowed change\(s\) not listed/);
  });
});
