// The signature cards' "what changed after this signature": one plain line per kind of change,
// built from a real verification report of the two-signature letter (the chairman's signature is
// followed by the seal's incremental update), and from synthetic lists for the edge cases.
import { expect, it } from 'vitest';
import { MODIFICATION_KINDS } from '../../src/pades/diff/kinds.js';
import { sendDocument } from '../../src/exchange/send-document.js';
import { changeLines, type ChangeLike } from '../../src/web/change-summary.js';
import { CHANGE_KINDS } from '../../src/web/change-labels.js';
import { makeLetters, makeWorld, metadata } from '../exchange/world.js';

it('a real report: the first signature lists each kind once, in Vietnamese, with counts that add up', async () => {
  const w = await makeWorld();
  const sent = await sendDocument(w.deps, w.clerk.province, { metadata: metadata(), pdf: (await makeLetters()).valid });
  const report = sent.document.verification as unknown as { signatures: Array<{ modifiedAfterSigning: string; modifications: { allowed: ChangeLike[]; disallowed: ChangeLike[] } }> };
  const first = report.signatures[0]!;
  expect(first.modifiedAfterSigning).toBe('allowed');
  const lines = changeLines(first.modifications, 'vi');
  const kinds = lines.map((l) => l.kind);
  expect(new Set(kinds).size).toBe(kinds.length);
  expect(kinds).toContain('signature-added');
  expect(lines.reduce((n, l) => n + l.count, 0)).toBe(first.modifications.allowed.length);
  for (const l of lines) {
    expect(l.text).toBe(CHANGE_KINDS[l.kind]![0]);
    expect(l.text).not.toMatch(/\bobj(ect)?\s*\d/i); // no object numbers in the plain line
    expect(l.disallowed).toBe(false);
  }
  // The last signature: nothing after it.
  expect(changeLines(report.signatures.at(-1)!.modifications, 'vi')).toEqual([]);
});

it('disallowed kinds come first and are marked; unknown kinds fall back to the description; English on request', () => {
  const m = (kind: string, object: number): ChangeLike => ({ kind, object, revision: 2, description: `${kind} in object ${object}` });
  const lines = changeLines({ allowed: [m('dss-added', 5), m('dss-added', 6), m('signature-added', 7)], disallowed: [m('page-content-changed', 3), m('page-content-changed', 4), m('future-kind', 9)] }, 'vi');
  expect(lines.map((l) => [l.kind, l.count, l.disallowed])).toEqual([
    ['page-content-changed', 2, true],
    ['future-kind', 1, true],
    ['dss-added', 2, false],
    ['signature-added', 1, false],
  ]);
  expect(lines[0]!.text).toBe('Nội dung trang bị sửa');
  expect(lines[1]!.text).toBe('future-kind in object 9');
  expect(changeLines({ allowed: [m('signature-added', 1)], disallowed: [] }, 'en')[0]!.text).toBe('A signature was added');
  // Every kind the analyser can report has a plain label in both languages.
  for (const kind of MODIFICATION_KINDS) expect(changeLines({ allowed: [m(kind, 1)], disallowed: [] }, 'vi')[0]!.text).toBe(CHANGE_KINDS[kind]![0]);
});
