// A reference that the signed revision makes to an object it does not define means nothing (null)
// when signed; a later revision that defines that number changes what the signed revision points
// at without touching a signed object. Built by hand: a signed revision with such a reference,
// then an update that fills it.
import { beforeAll, describe, expect, it } from 'vitest';
import { PdfReader } from '../../src/pdf/reader.js';
import { analyseModifications } from '../../src/pades/diff/index.js';
import type { DiffResult } from '../../src/pades/diff/index.js';
import { appendUpdate, layout, makeBase, ref, stream, withKeys } from './diff-helpers.js';

let base: Uint8Array;
beforeAll(async () => {
  base = await makeBase();
});

function analyse(bytes: Uint8Array): DiffResult {
  return analyseModifications(PdfReader.open(bytes), 1);
}

const kinds = (r: DiffResult): string[] => [...new Set(r.disallowed.map((m) => m.kind))].sort();

/** Revision 1 (the signed one): the catalog gets `key` pointing at the next, undefined, number. */
function signedWithDanglingCatalogKey(key: string): { bytes: Uint8Array; n: number } {
  const l = layout(base);
  const n = l.next + 5; // a number nothing defines
  return { bytes: appendUpdate(base, [{ num: l.root.num, body: withKeys(l.catalog, { [key]: ref(n) }) }]), n };
}

describe('a later revision defines an object the signed revision referred to', () => {
  it('flags a name tree with JavaScript that fills the catalog\'s dangling /Names (nothing signed was rewritten)', () => {
    const { bytes, n } = signedWithDanglingCatalogKey('Names');
    const js = n + 1;
    const filled = appendUpdate(bytes, [
      { num: n, body: `<< /JavaScript << /Names [(a) ${js} 0 R] >> >>` },
      { num: js, body: '<< /S /JavaScript /JS (app.alert\\(1\\)) >>' },
    ]);
    const r = analyse(filled);
    expect(r.level).toBe('disallowed');
    expect(kinds(r)).toContain('reference-filled');
    const m = r.disallowed.find((x) => x.kind === 'reference-filled')!;
    expect(m.object).toBe(n);
    expect(m.description).toMatch(/\/Catalog dictionary \/Names/);
  });

  it('allows a /DSS that fills the catalog\'s dangling /DSS where it stands (the DSS rule judges that place)', () => {
    const { bytes, n } = signedWithDanglingCatalogKey('DSS');
    const cert = n + 1;
    const filled = appendUpdate(bytes, [
      { num: n, body: `<< /Certs [${cert} 0 R] >>` },
      { num: cert, body: stream('', '0\x82\x00\x00') },
    ]);
    const r = analyse(filled);
    expect(r.disallowed).toEqual([]);
    expect(r.level).toBe('allowed');
  });

  describe('a producer\'s trailer key naming the next free number (LibreOffice hybrid /AdditionalStreams)', () => {
    function signedWithTrailerKey(): { bytes: Uint8Array; n: number } {
      const l = layout(base);
      const n = l.next;
      return { bytes: appendUpdate(base, [{ num: l.root.num, body: l.catalog }], { trailer: { AdditionalStreams: `[/x ${n} 0 R]` } }), n };
    }

    it('allows a /DSS given that number: no reader reads the key, the DSS is judged as a DSS', () => {
      const { bytes, n } = signedWithTrailerKey();
      const l = layout(bytes);
      const filled = appendUpdate(bytes, [
        { num: n, body: `<< /Certs [${n + 1} 0 R] >>` },
        { num: n + 1, body: stream('', '0\x82\x00\x00') },
        { num: l.root.num, body: withKeys(l.catalog, { DSS: ref(n) }) },
      ]);
      const r = analyse(filled);
      expect(r.disallowed).toEqual([]);
      expect(r.allowed.map((m) => m.kind)).toContain('dss-added');
    });

    it('flags an object that only that key names (no rule explains it)', () => {
      const { bytes, n } = signedWithTrailerKey();
      const filled = appendUpdate(bytes, [{ num: n, body: stream('/Type /EmbeddedFile', 'payload') }]);
      const r = analyse(filled);
      expect(kinds(r)).toEqual(['reference-filled']);
      expect(r.disallowed[0]!.description).toMatch(/trailer \/AdditionalStreams\[1\]/);
    });
  });

  it('an object nothing referred to before is still an unused addition, allowed', () => {
    const l = layout(base);
    const r = analyseModifications(PdfReader.open(appendUpdate(appendUpdate(base, [{ num: l.root.num, body: l.catalog }]), [{ num: l.next, body: '<< /Unused true >>' }])), 1);
    expect(r.disallowed).toEqual([]);
    expect(r.allowed.map((m) => m.kind)).toEqual(['object-added-unreferenced']);
  });
});
