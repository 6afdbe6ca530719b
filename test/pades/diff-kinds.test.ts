// Every change kind the analysis can emit has a Vietnamese and an English label on the web page,
// and no description carries an object number (those belong in `object`). The real-world corpus
// (../shared/corpus/dss-pades, read in place) is the widest source of kinds and descriptions.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MODIFICATION_KINDS, analyseModifications } from '../../src/pades/diff/index.js';
import { PdfReader } from '../../src/pdf/reader.js';
import { CHANGE_KINDS, changeLabel } from '../../src/web/change-labels.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/dss-pades/files/', import.meta.url));
/** "object 12", "12 0 R", "obj 12": how an object number would leak into words. */
const OBJECT_NUMBER = /\bobj(?:ect)?s? \d|\b\d+ \d+ R\b/i;

describe('change kinds', () => {
  it('each kind has a Vietnamese and an English label, and every label is a kind', () => {
    for (const kind of MODIFICATION_KINDS) {
      expect(changeLabel(kind, 'vi'), kind).toBeTruthy();
      expect(changeLabel(kind, 'en'), kind).toBeTruthy();
      expect(changeLabel(kind, 'vi')).not.toBe(changeLabel(kind, 'en'));
    }
    expect(Object.keys(CHANGE_KINDS).sort()).toEqual([...MODIFICATION_KINDS].sort());
    // The two the verifier adds outside the analysis are kinds too.
    expect(MODIFICATION_KINDS).toEqual(expect.arrayContaining(['trailing-bytes', 'signature-removed', 'signature-dictionary-misplaced', 'signature-replayed']));
  });

  it.skipIf(!existsSync(CORPUS))('over the real-world corpus: known kinds, no object numbers in the words', () => {
    let seen = 0;
    for (const file of readdirSync(CORPUS).filter((f) => f.endsWith('.pdf'))) {
      let reader: PdfReader;
      try {
        reader = PdfReader.open(readFileSync(CORPUS + file));
      } catch {
        continue; // unreadable files are the reader's tests' business
      }
      const r = analyseModifications(reader, 0);
      for (const m of [...r.allowed, ...r.disallowed]) {
        seen++;
        expect(MODIFICATION_KINDS as readonly string[], `${file}: ${m.kind}`).toContain(m.kind);
        expect(m.description, `${file}: ${m.kind}`).not.toMatch(OBJECT_NUMBER);
      }
    }
    expect(seen).toBeGreaterThan(100);
  });
});

if (!existsSync(CORPUS)) console.log(`[diff-kinds] corpus test skipped: ${CORPUS} is absent`);
