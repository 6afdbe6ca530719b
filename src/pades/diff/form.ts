// Form-filling rules: the AcroForm dictionary (fields list, default appearance and resources,
// flags) and values of existing non-signature fields. As in pyHanko and Adobe, /DA and /DR may be
// added, /Fields reordered, and a filled field's appearance rewritten; fields may not disappear,
// and a new field other than a signature field is not form filling.
import { PdfDict, PdfString, nameValue, numberValue, pdfEquals } from '../../pdf/objects.js';
import type { PdfObject } from '../../pdf/objects.js';
import { changedKeys, dictOf, fieldAttr, fieldType, fullFieldName, isReadOnlyField } from './graph.js';
import { inPlaceAppearanceUpdates } from './appearance-update.js';
import { fieldLabel, keyList, refNum, show, sigFieldNeed, type Change, type RevisionContext } from './context.js';

export function acroFormRule(cx: RevisionContext): void {
  const { oldCat, newCat, rootNum } = cx.catalogs();
  if (!newCat) return;
  const oldV = oldCat.get('AcroForm');
  const newV = newCat.get('AcroForm');
  const afNum = refNum(newV);
  const oldAF = dictOf(cx.before(oldV));
  const newAF = dictOf(cx.now(newV));
  if (!newAF) return; // removal is reported by the catalog rule
  const fieldsNum = refNum(newAF.get('Fields'));
  const drNum = refNum(newAF.get('DR'));
  const newDR = dictOf(cx.now(newAF.get('DR')));
  const fontNum = refNum(newDR?.get('Font'));
  const own = [afNum, fieldsNum, drNum, fontNum];
  const touched = !pdfEquals(oldV, newV) || own.some((n) => n !== undefined && cx.changed.has(n));
  if (!touched) return;
  for (const n of own) if (n !== undefined && cx.changed.has(n)) cx.explained.add(n);
  const obj = afNum ?? rootNum;
  const created = oldAF === undefined;
  for (const key of changedKeys(oldAF, newAF, cx.same)) {
    const was = oldAF?.get(key);
    const is = newAF.get(key);
    switch (key) {
      case 'Fields':
        fieldsChange(cx, cx.before(was), cx.now(is), obj);
        break;
      case 'DR':
        drChange(cx, dictOf(cx.before(was)), dictOf(cx.now(is)), obj);
        break;
      case 'SigFlags':
        cx.emit('lta', 'acroform-sigflags', obj, `form /SigFlags set to ${show(cx.now(is))}`);
        break;
      case 'NeedAppearances':
        cx.emit('form', 'acroform-need-appearances', obj, `form /NeedAppearances ${is === undefined ? 'removed' : `set to ${show(cx.now(is))}`}`);
        break;
      case 'DA':
      case 'Q':
        // Only used to build appearances of fields that have none of their own: adding one is
        // what signing tools do (PDFBox, iText, DSS); changing one is form filling.
        if (created) cx.emit('lta', 'acroform-created', obj, `new form with a default /${key}`);
        else cx.emit(was === undefined ? 'lta' : 'form', 'acroform-default-appearance', obj, `form default /${key} ${was === undefined ? 'added' : 'changed'}`);
        break;
      default:
        cx.emit('never', 'acroform-changed', obj, `form /${key} changed (${show(was)} -> ${show(is)})`);
    }
  }
}

function fieldsChange(cx: RevisionContext, was: PdfObject | undefined, is: PdfObject | undefined, obj: number | undefined): void {
  const oldArr = Array.isArray(was) ? was : [];
  const newArr = Array.isArray(is) ? is : [];
  const inNew = (x: PdfObject): boolean => newArr.some((y) => pdfEquals(x, y));
  const lost = oldArr.filter((x) => !inNew(x));
  if (lost.length > 0) {
    cx.emit('never', 'field-removed', obj, `the form lost ${lost.length} existing field(s)`);
    return;
  }
  const kept = newArr.filter((x) => oldArr.some((y) => pdfEquals(x, y)));
  if (!kept.every((x, i) => pdfEquals(x, oldArr[i]))) {
    cx.emit('lta', 'acroform-fields-reordered', obj, 'the order of the form fields changed (no field lost)');
  }
  for (const entry of newArr) {
    if (oldArr.some((y) => pdfEquals(entry, y))) continue;
    const field = dictOf(cx.now(entry));
    const name = field ? fullFieldName(cx.reader, field, cx.rev) : undefined;
    if (field && nameValue(field.get('FT')) === 'Sig') {
      cx.emit(sigFieldNeed(cx, field), 'acroform-fields-extended', obj, `the form gains signature field ${fieldLabel(name)}`);
    } else {
      cx.emit('never', 'field-added', refNum(entry) ?? obj, `the form gains field ${fieldLabel(name)}, which is not a signature field`, { field: name });
    }
  }
}

function drChange(cx: RevisionContext, oldDR: PdfDict | undefined, newDR: PdfDict | undefined, obj: number | undefined): void {
  for (const key of changedKeys(oldDR, newDR, cx.same)) {
    const wasV = oldDR?.get(key);
    const isV = newDR?.get(key);
    if (isV === undefined) {
      cx.emit('never', 'acroform-changed', obj, `form default resources /${key} removed`);
      continue;
    }
    // Resources may be added (a signing tool adds its font); an existing one may not change.
    const oldRes = dictOf(cx.before(wasV));
    const newRes = dictOf(cx.now(isV)) ?? new PdfDict();
    if (wasV !== undefined && !oldRes) {
      cx.emit('never', 'acroform-changed', obj, `form default resources /${key} replaced`);
      continue;
    }
    for (const name of changedKeys(oldRes, newRes, cx.same)) {
      if (oldRes?.get(name) !== undefined) {
        cx.emit('never', 'acroform-changed', obj, `form default resource /${key} /${name} changed or removed`);
        continue;
      }
      const kind = key === 'Font' ? 'acroform-dr-font-added' : 'acroform-dr-changed';
      cx.emit('form', kind, obj, `form default resources gain /${key} /${name}`);
      cx.closure(newRes.get(name)!, 'form', kind, `form default resource /${name}`);
    }
    const resNum = refNum(isV);
    if (resNum !== undefined && cx.changed.has(resNum)) cx.explained.add(resNum);
  }
}

/** Keys a form filler may change on a field (merged widget keys included); /Ff only to lock it. */
const FILLABLE = new Set(['V', 'AS', 'AP', 'DA', 'Q']);

/** Sets only the read-only bit of /Ff, as Acrobat does for fields a signature locks. */
export function onlyLocksField(cx: RevisionContext, old: PdfDict, now: PdfDict): boolean {
  const a = numberValue(cx.before(old.get('Ff'))) ?? 0;
  const b = numberValue(cx.now(now.get('Ff'))) ?? 0;
  return (a | 1) === b;
}

/** An existing non-signature field or its widget was redefined. */
export function formFieldChange(cx: RevisionContext, c: Change, keys: string[], widget: boolean): void {
  const old = c.old as PdfDict;
  const now = c.now as PdfDict;
  const ft = fieldType(cx.reader, old, cx.prev);
  const name = fullFieldName(cx.reader, old, cx.prev);
  const label = `${widget ? 'widget of field' : 'field'} ${fieldLabel(name)}`;
  const readOnly = isReadOnlyField(cx.reader, old, cx.prev);
  const okKeys = keys.every((k) => FILLABLE.has(k) || (k === 'Ff' && onlyLocksField(cx, old, now)));
  if (ft === undefined || readOnly || !okKeys) {
    const why = ft === undefined ? '' : readOnly ? ' (read-only field)' : '';
    cx.emit('never', 'field-changed', c.num, `existing ${label} changed: ${keyList(keys)}${why}`, { field: name });
    return;
  }
  const filled = keys.filter((k) => k !== 'Ff');
  if (filled.length === 0) {
    cx.emit('lta', 'form-filled', c.num, `${label} made read-only`, { field: name });
    return;
  }
  const value = fieldAttr(cx.reader, now, 'V', cx.rev);
  const shown = value instanceof PdfString ? ` with (${value.text().slice(0, 40)})` : '';
  cx.emit('form', 'form-filled', c.num, `form ${label} (/${ft}) filled${shown}: ${keyList(filled)}`, { field: name, lockable: true });
  if (widget) cx.closure([now.get('AP') ?? null, now.get('MK') ?? null], 'form', 'form-appearance', `appearance of field ${fieldLabel(name)}`, { field: name, lockable: true });
  if (keys.includes('V')) inPlaceAppearanceUpdates(cx, c.num, name, 'form', 'form-appearance');
}
