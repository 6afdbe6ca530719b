// Annotation and page rules: redefined fields, widgets and annotations are dispatched to the form
// or signature rules; other annotations may be added, changed or removed only under DocMDP P=3;
// a page may change only its /Annots, and only by gaining widgets (of signature fields) or, at the
// annotation level, other annotations. Everything else about pages is a disallowed change.
import { PdfDict, PdfRef, nameValue, pdfEquals } from '../../pdf/objects.js';
import type { PdfObject } from '../../pdf/objects.js';
import { changedKeys, dictOf, fieldType, fullFieldName, isAnnotation, isField, isWidget, typeName } from './graph.js';
import { formFieldChange } from './form.js';
import { signatureFieldChange } from './signatures.js';
import { fieldOfWidget, fieldLabel, keyList, refNum, sigFieldNeed, type Change, type RevisionContext } from './context.js';

export function existingAnnotationRule(cx: RevisionContext): void {
  for (const c of cx.changed.values()) {
    if (cx.explained.has(c.num) || c.isNew) continue;
    const old = c.old;
    const now = c.now;
    if (!(old instanceof PdfDict) || !(now instanceof PdfDict)) continue;
    const widget = isWidget(old);
    const field = isField(old);
    if (!widget && !field && !isAnnotation(old)) continue;
    cx.explained.add(c.num);
    const keys = changedKeys(old, now, pdfEquals);
    if (widget || field) {
      if (fieldType(cx.reader, old, cx.prev) === 'Sig') signatureFieldChange(cx, c, keys, widget);
      else formFieldChange(cx, c, keys, widget);
    } else {
      const sub = nameValue(old.get('Subtype')) ?? '?';
      cx.emit('annotation', 'annotation-changed', c.num, `/${sub} annotation changed: ${keyList(keys)}`);
      cx.closure(now, 'annotation', 'annotation-changed', `/${sub} annotation`);
    }
  }
}

export function pageRule(cx: RevisionContext): void {
  for (const c of cx.changed.values()) {
    if (cx.explained.has(c.num)) continue;
    const tOld = typeName(c.old);
    const tNow = typeName(c.now);
    if (c.isNew && tNow === 'Page') {
      cx.explained.add(c.num);
      cx.emit('never', 'page-tree-changed', c.num, 'new page');
    } else if (tOld === 'Pages' || (c.isNew && tNow === 'Pages')) {
      cx.explained.add(c.num);
      const keys = changedKeys(dictOf(c.old), dictOf(c.now), pdfEquals);
      cx.emit('never', 'page-tree-changed', c.num, `page tree node changed: ${keyList(keys)}`);
    } else if (tOld === 'Page') {
      cx.explained.add(c.num);
      pageChange(cx, c);
    }
  }
  // Indirect /Annots arrays: find their page through new widgets' /P, else through the index.
  for (const c of cx.changed.values()) {
    if (cx.explained.has(c.num) || c.isNew || !Array.isArray(c.old)) continue;
    let page: number | undefined;
    for (const p of cx.widgetPages) {
      if (refNum(dictOf(cx.before(new PdfRef(p, 0)))?.get('Annots')) === c.num) page = p;
    }
    page ??= cx.index().annotsArrays.get(c.num);
    if (page === undefined) continue;
    cx.explained.add(c.num);
    annotsChange(cx, page, c.num, c.old, cx.now(c.now));
  }
}

function pageChange(cx: RevisionContext, c: Change): void {
  const old = dictOf(c.old)!;
  const now = dictOf(c.now);
  if (!now) {
    cx.emit('never', 'page-tree-changed', c.num, `${cx.pageLabel(c.num)} replaced by something that is not a page`);
    return;
  }
  for (const key of changedKeys(old, now, pdfEquals)) {
    if (key === 'Annots') {
      const arrNum = refNum(now.get('Annots'));
      if (arrNum !== undefined && cx.changed.has(arrNum)) cx.explained.add(arrNum);
      annotsChange(cx, c.num, c.num, cx.before(old.get('Annots')), cx.now(now.get('Annots')));
    } else if (key === 'Contents') {
      cx.emit('never', 'page-content-changed', c.num, `${cx.pageLabel(c.num)}: its content streams were replaced`);
    } else {
      cx.emit('never', 'page-tree-changed', c.num, `${cx.pageLabel(c.num)}: /${key} changed`);
    }
  }
}

function annotsChange(cx: RevisionContext, pageNum: number, obj: number, was: PdfObject | undefined, is: PdfObject | undefined): void {
  const oldArr = Array.isArray(was) ? was : [];
  const newArr = Array.isArray(is) ? is : [];
  const inOld = (x: PdfObject): boolean => oldArr.some((y) => pdfEquals(x, y));
  const inNew = (x: PdfObject): boolean => newArr.some((y) => pdfEquals(x, y));
  const keptOld = oldArr.filter(inNew);
  const keptNew = newArr.filter(inOld);
  if (keptOld.length !== keptNew.length || !keptOld.every((x, i) => pdfEquals(x, keptNew[i]))) {
    cx.emit('annotation', 'annotation-changed', obj, `the annotations of ${cx.pageLabel(pageNum)} were reordered`);
  }
  for (const x of oldArr) {
    if (inNew(x)) continue;
    const a = cx.before(x);
    const w = isWidget(a);
    cx.emit(w ? 'never' : 'annotation', 'annotation-removed', refNum(x) ?? obj, `${w ? 'a widget' : 'an annotation'} removed from ${cx.pageLabel(pageNum)}`);
  }
  for (const x of newArr) {
    if (inOld(x)) continue;
    const a = dictOf(cx.now(x));
    const num = refNum(x);
    // A kid widget of a new signature field may have no /Parent: the signature rule traced it.
    const kidOf = num !== undefined ? cx.signatureKids.get(num) : undefined;
    if (a && isWidget(a) && (kidOf !== undefined || fieldType(cx.reader, a, cx.rev) === 'Sig')) {
      const field = kidOf ?? fieldOfWidget(cx, a, cx.rev);
      const name = fullFieldName(cx.reader, kidOf ?? a, cx.rev);
      // The page number is only looked up for a disallowed change: it walks the page tree.
      cx.emit(sigFieldNeed(cx, field), 'page-annots-extended', obj, `a page gains the widget of signature field ${fieldLabel(name)}`);
    } else if (a && isWidget(a)) {
      const name = fullFieldName(cx.reader, a, cx.rev);
      cx.emit('never', 'annotation-added', num ?? obj, `widget of field ${fieldLabel(name)}, not a signature field, added to ${cx.pageLabel(pageNum)}`, { field: name });
    } else {
      const sub = nameValue(a?.get('Subtype')) ?? '?';
      cx.emit('annotation', 'annotation-added', num ?? obj, `/${sub} annotation added to ${cx.pageLabel(pageNum)}`);
      if (num !== undefined && cx.isNewObj(num) && !cx.explained.has(num)) {
        cx.explained.add(num);
        cx.closure(a ?? null, 'annotation', 'annotation-added', `/${sub} annotation`);
      }
    }
  }
}
