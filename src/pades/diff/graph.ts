// Small helpers for difference analysis: object-shape predicates, reference collection, field
// names, and a lazily built index of what a revision's page tree points at. Only the index walks
// the page tree, and only when a change cannot be explained any cheaper way.

import type { PdfReader } from '../../pdf/reader.js';
import { pageRefs } from '../../pdf/pages.js';
import { PdfDict, PdfRef, PdfStream, PdfString, nameValue, numberValue } from '../../pdf/objects.js';
import type { PdfObject } from '../../pdf/objects.js';

/** The dictionary of a dictionary or of a stream. */
export function dictOf(o: PdfObject | undefined): PdfDict | undefined {
  if (o instanceof PdfDict) return o;
  if (o instanceof PdfStream) return o.dict;
  return undefined;
}

export function typeName(o: PdfObject | undefined): string | undefined {
  return nameValue(dictOf(o)?.get('Type'));
}

/** A signature value dictionary (/Sig, /DocTimeStamp, or anything shaped like one). */
export function isSignatureDict(o: PdfObject | undefined): boolean {
  if (!(o instanceof PdfDict)) return false;
  const t = nameValue(o.get('Type'));
  if (t === 'Sig' || t === 'DocTimeStamp') return true;
  return o.has('ByteRange') && o.has('Contents') && o.has('Filter');
}

export function isDocTimeStamp(o: PdfObject | undefined): boolean {
  return o instanceof PdfDict && (nameValue(o.get('Type')) === 'DocTimeStamp' || nameValue(o.get('SubFilter')) === 'ETSI.RFC3161');
}

export function isWidget(o: PdfObject | undefined): boolean {
  return o instanceof PdfDict && nameValue(o.get('Subtype')) === 'Widget';
}

/** An annotation dictionary: has /Subtype and /Rect (the /Type /Annot key is optional). */
export function isAnnotation(o: PdfObject | undefined): boolean {
  return o instanceof PdfDict && (nameValue(o.get('Type')) === 'Annot' || (o.has('Subtype') && o.has('Rect')));
}

/** A form field dictionary (terminal or not, with /FT or a partial name /T); merged widgets count. */
export function isField(o: PdfObject | undefined): boolean {
  if (!(o instanceof PdfDict)) return false;
  const t = nameValue(o.get('Type'));
  return t !== 'Page' && t !== 'Pages' && (o.has('FT') || o.has('T'));
}

/** Every indirect reference in an object's direct content (a stream's dictionary, not its bytes). */
export function refsIn(o: PdfObject | undefined, out: PdfRef[] = []): PdfRef[] {
  if (o instanceof PdfRef) out.push(o);
  else if (Array.isArray(o)) for (const x of o) refsIn(x, out);
  else if (o instanceof PdfDict) for (const v of o.map.values()) refsIn(v, out);
  else if (o instanceof PdfStream) refsIn(o.dict, out);
  return out;
}

/** Inherited field attribute (/FT, /Ff) following /Parent at a revision, with a depth bound. */
export function fieldAttr(reader: PdfReader, d: PdfDict, key: string, at: number): PdfObject | undefined {
  let cur: PdfDict | undefined = d;
  for (let depth = 0; cur && depth < 32; depth++) {
    const v = cur.get(key);
    if (v !== undefined) return reader.resolve(v, at);
    cur = dictOf(reader.resolve(cur.get('Parent'), at));
  }
  return undefined;
}

export function fieldType(reader: PdfReader, d: PdfDict, at: number): string | undefined {
  return nameValue(fieldAttr(reader, d, 'FT', at));
}

/** The fully qualified field name (partial /T names joined by dots up the /Parent chain). */
export function fullFieldName(reader: PdfReader, d: PdfDict, at: number): string | undefined {
  const parts: string[] = [];
  let cur: PdfDict | undefined = d;
  for (let depth = 0; cur && depth < 32; depth++) {
    const t = cur.get('T');
    if (t instanceof PdfString) parts.unshift(t.text());
    try {
      cur = dictOf(reader.resolve(cur.get('Parent'), at));
    } catch {
      break;
    }
  }
  return parts.length > 0 ? parts.join('.') : undefined;
}

/** The streams an annotation's /AP shows: /N, /R and /D, each a stream or a dictionary of states. */
export function appearanceStreamRefs(reader: PdfReader, annot: PdfDict, at: number): PdfRef[] {
  const out: PdfRef[] = [];
  const ap = dictOf(reader.resolve(annot.get('AP'), at));
  for (const key of ['N', 'R', 'D']) {
    const v = ap?.get(key);
    if (v instanceof PdfRef) {
      const o = reader.resolve(v, at);
      if (o instanceof PdfStream) out.push(v);
      else if (o instanceof PdfDict) for (const s of o.map.values()) if (s instanceof PdfRef) out.push(s);
    } else if (v instanceof PdfDict) {
      for (const s of v.map.values()) if (s instanceof PdfRef) out.push(s);
    }
  }
  return out;
}

export function isReadOnlyField(reader: PdfReader, d: PdfDict, at: number): boolean {
  return ((numberValue(fieldAttr(reader, d, 'Ff', at)) ?? 0) & 1) === 1;
}

/** The keys whose values differ between two dictionaries (either side may lack the key). */
export function changedKeys(a: PdfDict | undefined, b: PdfDict | undefined, eq: (x: PdfObject | undefined, y: PdfObject | undefined) => boolean): string[] {
  const keys = new Set<string>([...(a?.keys() ?? []), ...(b?.keys() ?? [])]);
  return [...keys].filter((k) => !eq(a?.get(k), b?.get(k)));
}

/** What one revision's page tree points at: built on demand, O(pages). */
export interface StructureIndex {
  /** page object number -> page number (1-based) */
  pages: Map<number, number>;
  /** content stream (or indirect /Contents array) object number -> page number */
  contents: Map<number, number>;
  /** indirect /Annots array object number -> page object number */
  annotsArrays: Map<number, number>;
  /** annotation object number -> page number */
  annots: Map<number, number>;
  /** objects referenced from page /Resources (two levels deep) -> page number */
  resources: Map<number, number>;
  /** appearance stream object number -> how many page annotations show it */
  appearanceUsers: Map<number, number>;
}

export function buildStructureIndex(reader: PdfReader, at: number): StructureIndex {
  const idx: StructureIndex = { pages: new Map(), contents: new Map(), annotsArrays: new Map(), annots: new Map(), resources: new Map(), appearanceUsers: new Map() };
  let refs: PdfRef[];
  try {
    refs = pageRefs(reader, at);
  } catch {
    return idx;
  }
  refs.forEach((ref, i) => {
    const pageNo = i + 1;
    idx.pages.set(ref.num, pageNo);
    const page = dictOf(reader.getObject(ref, at));
    if (!page) return;
    const contents = page.get('Contents');
    if (contents instanceof PdfRef) idx.contents.set(contents.num, pageNo);
    const contentsArr = reader.resolve(contents, at);
    if (Array.isArray(contentsArr)) for (const c of refsIn(contentsArr)) idx.contents.set(c.num, pageNo);
    const annots = page.get('Annots');
    if (annots instanceof PdfRef) idx.annotsArrays.set(annots.num, ref.num);
    const annotsArr = reader.resolve(annots, at);
    if (Array.isArray(annotsArr)) {
      for (const a of annotsArr) {
        if (!(a instanceof PdfRef)) continue;
        idx.annots.set(a.num, pageNo);
        const annot = dictOf(safeResolve(reader, a, at));
        if (!annot) continue;
        for (const s of safeAppearanceRefs(reader, annot, at)) idx.appearanceUsers.set(s.num, (idx.appearanceUsers.get(s.num) ?? 0) + 1);
      }
    }
    const res = page.get('Resources');
    if (res instanceof PdfRef) idx.resources.set(res.num, pageNo);
    const resDict = dictOf(reader.resolve(res, at));
    for (const v of resDict?.map.values() ?? []) {
      if (v instanceof PdfRef) idx.resources.set(v.num, pageNo);
      for (const r of refsIn(dictOf(reader.resolve(v, at)) ?? null)) idx.resources.set(r.num, pageNo);
    }
  });
  return idx;
}

function safeResolve(reader: PdfReader, o: PdfObject | undefined, at: number): PdfObject | undefined {
  try {
    return reader.resolve(o, at);
  } catch {
    return undefined;
  }
}

function safeAppearanceRefs(reader: PdfReader, annot: PdfDict, at: number): PdfRef[] {
  try {
    return appearanceStreamRefs(reader, annot, at);
  } catch {
    return [];
  }
}

/** Where a revision refers to an object it does not define: the holding object (or the trailer) and the path in it. */
export interface DanglingUse {
  holder: number | 'trailer';
  path: ReadonlyArray<string | number>;
}

const danglingCache = new WeakMap<PdfReader, Map<number, Map<number, DanglingUse[]>>>();

/**
 * The references that a revision's object graph makes to objects the revision does not define
 * (free or never written), by object number: a later revision that defines such an object changes
 * what the earlier one pointed at. The graph is everything reachable from the trailer except the
 * page tree and the structure tree: those hold nearly all of a long document's objects (26,000 in
 * a 1,000-page report with links), so walking them would cost every verification ~10 ms per
 * thousand objects; the page tree's own dangling references are the page index's job
 * (structure.ts, wasDangling). Pages reached from elsewhere (a widget's /P, a destination) are
 * not entered, nor are /Parent keys (pyHanko's reference index skips those too). Each object is
 * read once; the result is kept per reader and revision.
 */
export function danglingReferences(reader: PdfReader, at: number): Map<number, DanglingUse[]> {
  let byRev = danglingCache.get(reader);
  if (!byRev) danglingCache.set(reader, (byRev = new Map()));
  const hit = byRev.get(at);
  if (hit) return hit;
  const out = new Map<number, DanglingUse[]>();
  const visited = new Set<number>();
  const queue: Array<{ holder: number | 'trailer'; obj: PdfObject }> = [{ holder: 'trailer', obj: reader.revisions[at]!.trailer }];
  const walk = (holder: number | 'trailer', o: PdfObject | undefined, path: Array<string | number>): void => {
    if (o instanceof PdfRef) {
      const e = reader.entry(o.num, at);
      if (!e || e.entry.type === 'free') {
        const uses = out.get(o.num) ?? [];
        uses.push({ holder, path: [...path] });
        out.set(o.num, uses);
        return;
      }
      if (visited.has(o.num)) return;
      visited.add(o.num);
      let target: PdfObject;
      try {
        target = reader.getObject(o, at);
      } catch {
        return; // an unreadable object is judged where it is used
      }
      const t = typeName(target);
      if (t !== 'Page' && t !== 'Pages') queue.push({ holder: o.num, obj: target });
      return;
    }
    if (Array.isArray(o)) {
      o.forEach((x, i) => {
        path.push(i);
        walk(holder, x, path);
        path.pop();
      });
      return;
    }
    const d = dictOf(o);
    if (!d) return;
    for (const [k, v] of d.map) {
      if (k === 'Parent' || k === 'StructTreeRoot' || (k === 'Pages' && holder !== 'trailer' && typeName(o) === 'Catalog')) continue;
      path.push(k);
      walk(holder, v, path);
      path.pop();
    }
  };
  while (queue.length > 0) {
    const { holder, obj } = queue.pop()!;
    walk(holder, obj, []);
  }
  byRev.set(at, out);
  return out;
}
