// File structure rules: the trailer, the catalog's own keys, xref and object-stream containers,
// and the default deny at the end: whatever no rule explained, new objects that fill a dangling
// reference, and freed objects.
import { PdfRef, PdfStream, nameValue, numberValue, pdfEquals } from '../../pdf/objects.js';
import type { PdfDict, PdfObject } from '../../pdf/objects.js';
import { changedKeys, danglingReferences, dictOf, isAnnotation, isField, isSignatureDict, refsIn, typeName } from './graph.js';
import type { DanglingUse, StructureIndex } from './graph.js';
import { describe, refNum, show, type RevisionContext } from './context.js';

export function trailerRule(cx: RevisionContext): void {
  const { t0, t1 } = cx.trailers();
  if (!pdfEquals(t0.get('Encrypt'), t1.get('Encrypt'))) {
    cx.emit('never', 'trailer-changed', undefined, 'the trailer /Encrypt entry changed');
  }
}

/** The catalog's own keys; the AcroForm, DSS and XMP they point at are judged by their families. */
export function catalogRule(cx: RevisionContext): void {
  const { t0, t1 } = cx.trailers();
  const { oldCat, newCat, rootNum } = cx.catalogs();
  if (!newCat) {
    cx.emit('never', 'catalog-changed', rootNum, 'the document catalog is missing');
    return;
  }
  const repointed = !pdfEquals(t0.get('Root'), t1.get('Root'));
  if (repointed || (rootNum !== undefined && cx.changed.has(rootNum))) {
    if (rootNum !== undefined) cx.explained.add(rootNum);
    for (const key of changedKeys(oldCat, newCat, pdfEquals)) catalogKey(cx, key, oldCat, newCat, rootNum);
  }
}

function catalogKey(cx: RevisionContext, key: string, oldCat: PdfDict, newCat: PdfDict, rootNum: number | undefined): void {
  const was = oldCat.get(key);
  const is = newCat.get(key);
  const verb = was === undefined ? 'added' : is === undefined ? 'removed' : 're-pointed';
  switch (key) {
    case 'AcroForm':
      if (is !== undefined) return cx.emit('lta', 'catalog-acroform', rootNum, `catalog /AcroForm ${verb}`);
      break;
    case 'DSS':
      if (is !== undefined) return cx.emit('lta', was === undefined ? 'dss-added' : 'dss-updated', rootNum, `catalog /DSS ${verb}`);
      break;
    case 'Extensions':
      if (is !== undefined) return cx.emit('lta', 'catalog-extensions', rootNum, `catalog /Extensions ${verb}`);
      break;
    case 'Metadata':
      if (is !== undefined) return cx.emit('lta', 'metadata-xmp', rootNum, `catalog /Metadata ${verb}`);
      break;
    case 'Version': {
      const a = nameValue(was) ?? '0';
      const b = nameValue(is);
      if (b !== undefined && Number.parseFloat(b) >= Number.parseFloat(a)) {
        return cx.emit('lta', 'catalog-version', rootNum, `catalog /Version ${was === undefined ? 'set' : 'upgraded'} to ${b}`);
      }
      break;
    }
  }
  cx.emit('never', 'catalog-changed', rootNum, `catalog /${key} ${verb} (${show(was)} -> ${show(is)})`);
}

export function containerRule(cx: RevisionContext): void {
  for (const c of cx.changed.values()) {
    if (!(c.now instanceof PdfStream)) continue;
    const t = typeName(c.now);
    if (t !== 'XRef' && t !== 'ObjStm') continue;
    if (!c.isNew && typeName(c.old) !== t) continue;
    cx.explained.add(c.num);
    if (t === 'XRef') cx.emit('lta', 'xref-stream', c.num, 'cross-reference stream');
    else cx.emit('lta', 'object-stream', c.num, 'object stream (its objects are judged one by one)');
  }
}

/** Default deny: every redefinition no rule explained, then the new objects left over. */
export function leftoverRule(cx: RevisionContext): void {
  const rest = [...cx.changed.values()].filter((c) => !cx.explained.has(c.num));
  if (rest.length === 0) return;
  for (const c of rest.filter((x) => !x.isNew)) {
    cx.explained.add(c.num);
    const t = typeName(c.old);
    const idx = cx.index();
    if (idx.contents.has(c.num)) {
      cx.emit('never', 'page-content-changed', c.num, `a content stream of page ${idx.contents.get(c.num)} changed`);
    } else if (idx.resources.has(c.num)) {
      cx.emit('never', 'page-resources-changed', c.num, `a resource of page ${idx.resources.get(c.num)} changed`);
    } else if (t === 'Catalog') {
      cx.emit('never', 'catalog-changed', c.num, 'a former catalog object changed');
    } else if (isSignatureDict(c.old)) {
      cx.emit('never', 'signature-changed', c.num, 'an existing signature dictionary changed');
    } else if (idx.appearanceUsers.has(c.num)) {
      cx.emit('never', 'annotation-changed', c.num, 'the appearance stream of an existing annotation or field was rewritten');
    } else {
      cx.emit('never', 'object-changed', c.num, `an existing ${describe(c.old)} changed`);
    }
  }
  // New objects used by a disallowed change are part of it.
  const queue = [...cx.tainted];
  while (queue.length > 0) {
    const from = queue.pop()!;
    for (const r of refsIn(cx.changed.get(from)?.now)) {
      const c = cx.changed.get(r.num);
      if (!c || !c.isNew || cx.explained.has(c.num)) continue;
      cx.explained.add(c.num);
      cx.emit('never', 'object-added', c.num, `new ${describe(c.now)} used by a disallowed change`);
      queue.push(c.num);
    }
  }
  for (const c of rest.filter((x) => x.isNew && !cx.explained.has(x.num))) {
    cx.explained.add(c.num);
    if (cx.tainted.has(c.num)) continue; // already reported as disallowed
    if (wasDangling(cx, c.num, cx.index())) continue;
    const what = isAnnotation(c.now) ? 'new annotation not placed on any page' : `new ${describe(c.now)} referenced by nothing allowed`;
    cx.emit('lta', 'object-added-unreferenced', c.num, what);
  }
}

/**
 * A new object that takes the number of a reference the previous revision's page tree could not
 * resolve changes what that reference means. Writers number new objects from /Size up, so only
 * orphans and new objects below the previous /Size are checked (the check walks the page tree).
 */
export function danglingReferenceRule(cx: RevisionContext): void {
  const prevSize = numberValue(cx.trailers().t0.get('Size')) ?? 0;
  for (const c of cx.changed.values()) {
    if (c.isNew && c.num < prevSize) wasDangling(cx, c.num, cx.index());
  }
  filledReferenceRule(cx);
}

/**
 * The general form of the rule above, wherever the reference stood: a new object that takes the
 * number of a reference the previous revision already made (a catalog's /Names, /OpenAction, a
 * field's /AP, ...) gives that reference a meaning it did not have when signed, whatever rule
 * would explain the object otherwise. Two places are exempt:
 * - the reference stands, unchanged, where a rule judges it by its content (the trailer's /Info;
 *   the catalog's /AcroForm, /DSS, /Metadata; the AcroForm's /Fields, /DR; the DSS's /VRI);
 * - the reference is only in the trailer under a key no reader gives a meaning to (a producer's
 *   /AdditionalStreams naming the next free number, as LibreOffice hybrid files do), and the new
 *   object is explained by a rule of its own: the document a reader shows is not changed by it.
 * pyHanko is stricter on the second (any rule that checks a path, e.g. the DSS, leaves the trailer
 * use unexplained); see test/pades/corpus-dss.test.ts for the one file where that shows.
 */
function filledReferenceRule(cx: RevisionContext): void {
  let dangling: Map<number, DanglingUse[]> | undefined;
  for (const c of cx.changed.values()) {
    if (!c.isNew || cx.tainted.has(c.num)) continue;
    dangling ??= danglingReferences(cx.reader, cx.prev);
    const uses = dangling.get(c.num)?.filter((u) => !keptInJudgedPlace(cx, c.num, u));
    if (!uses || uses.length === 0) continue;
    if (uses.every(inMeaninglessTrailerKey) && cx.findings.some((f) => f.mod.object === c.num && f.mod.kind !== 'object-added-unreferenced')) continue;
    cx.emit('never', 'reference-filled', c.num, `the signed revision referred to an object that did not exist (${placeOf(cx, uses[0]!)}); now it is defined as a ${describe(c.now)}`);
  }
}

/** Trailer keys that a reader uses to find or read the document; the others are producers' notes. */
const MEANINGFUL_TRAILER_KEYS = new Set(['Root', 'Info', 'Encrypt', 'ID', 'Size', 'Prev', 'XRefStm']);

function inMeaninglessTrailerKey(u: DanglingUse): boolean {
  return u.holder === 'trailer' && typeof u.path[0] === 'string' && !MEANINGFUL_TRAILER_KEYS.has(u.path[0]);
}

function placeOf(cx: RevisionContext, u: DanglingUse): string {
  const path = u.path.map((p) => (typeof p === 'number' ? `[${p}]` : `/${p}`)).join('');
  if (u.holder === 'trailer') return `trailer ${path}`;
  return `${describe(objectAt(cx, u.holder, cx.prev))} ${path}`;
}

function objectAt(cx: RevisionContext, num: number, rev: number): PdfObject | undefined {
  try {
    return cx.reader.getObject(num, rev);
  } catch {
    return undefined;
  }
}

function keptInJudgedPlace(cx: RevisionContext, num: number, u: DanglingUse): boolean {
  if (u.path.length !== 1 || typeof u.path[0] !== 'string') return false;
  const key = u.path[0];
  const { t0, t1 } = cx.trailers();
  let holderNow: PdfObject | undefined;
  if (u.holder === 'trailer') {
    if (key !== 'Info') return false;
    holderNow = t1;
  } else {
    const rootBefore = refNum(t0.get('Root'));
    const catBefore = dictOf(cx.before(t0.get('Root')));
    const judged =
      (u.holder === rootBefore && ['AcroForm', 'DSS', 'Metadata'].includes(key)) ||
      (u.holder === refNum(catBefore?.get('AcroForm')) && ['Fields', 'DR'].includes(key)) ||
      (u.holder === refNum(catBefore?.get('DSS')) && key === 'VRI');
    if (!judged) return false;
    holderNow = objectAt(cx, u.holder, cx.rev);
  }
  const v = dictOf(holderNow)?.get(key);
  return v instanceof PdfRef && v.num === num;
}

function wasDangling(cx: RevisionContext, num: number, idx: StructureIndex): boolean {
  const page = idx.contents.get(num) ?? idx.resources.get(num) ?? idx.annots.get(num);
  if (page === undefined && !idx.annotsArrays.has(num)) return false;
  const kind = idx.contents.has(num) ? 'page-content-changed' : idx.resources.has(num) ? 'page-resources-changed' : 'annotation-added';
  cx.emit('never', kind, num, `${page !== undefined ? `page ${page}` : 'a page'} referred to an object that was missing; now it is defined`);
  return true;
}

export function deletionRule(cx: RevisionContext): void {
  if (cx.deleted.length === 0) return;
  const idx = cx.index();
  const t0 = cx.trailers().t0;
  const root = refNum(t0.get('Root'));
  const af = refNum(dictOf(cx.before(t0.get('Root')))?.get('AcroForm'));
  for (const { num, old } of cx.deleted) {
    const t = typeName(old);
    const structural =
      num === root ||
      num === af ||
      t === 'Page' ||
      t === 'Pages' ||
      t === 'Catalog' ||
      isAnnotation(old) ||
      isField(old) ||
      isSignatureDict(old) ||
      idx.pages.has(num) ||
      idx.contents.has(num) ||
      idx.annots.has(num) ||
      idx.annotsArrays.has(num) ||
      idx.resources.has(num);
    cx.emit(structural ? 'never' : 'lta', 'object-deleted', num, `${describe(old)} freed${structural ? ' although the document uses it' : ''}`);
  }
}
