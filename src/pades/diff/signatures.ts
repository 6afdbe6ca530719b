// Signature rules: new signature (and document timestamp) dictionaries, new signature fields and
// their widgets, and empty signature fields being signed. A signature's own widgets (one or more,
// on any page) may paint in the revision that applies the signature. A signature field that stays
// unsigned may carry only an appearance that paints nothing: otherwise an "unsigned field" is a
// way to lay a white box and new words over signed text (shadow attacks, Mainka et al. 2021).
import { PdfDict, nameValue } from '../../pdf/objects.js';
import type { PdfObject } from '../../pdf/objects.js';
import { dictOf, fieldType, fullFieldName, isDocTimeStamp, isSignatureDict, isWidget } from './graph.js';
import { inPlaceAppearanceUpdates } from './appearance-update.js';
import { area, widgetPaintsNothing } from './paints.js';
import type { ModificationKind } from './kinds.js';
import { onlyLocksField } from './form.js';
import {
  fieldLabel,
  fieldOfWidget,
  keyList,
  refNum,
  sigFieldNeed,
  signedInThisRevision,
  type Change,
  type FieldNote,
  type Need,
  type RevisionContext,
} from './context.js';

export function signatureObjectRule(cx: RevisionContext): void {
  const news = [...cx.changed.values()].filter((c) => c.isNew && c.now instanceof PdfDict);
  for (const c of news) {
    if (cx.explained.has(c.num) || !isSignatureDict(c.now)) continue;
    cx.explained.add(c.num);
    const dts = isDocTimeStamp(c.now);
    const need: Need = dts ? 'lta' : 'form';
    cx.emit(need, dts ? 'document-timestamp-added' : 'signature-added', c.num, dts ? 'new document timestamp' : 'new signature value');
    cx.closure(c.now, need, 'signature-added', 'signature dictionary content');
  }
  for (const c of news) {
    const d = c.now as PdfDict;
    if (cx.explained.has(c.num) || nameValue(d.get('FT')) !== 'Sig') continue;
    cx.explained.add(c.num);
    newSignatureField(cx, c.num, d);
  }
  // Widgets added to a signature field (new or existing) found through /Parent.
  for (const c of news) {
    const d = c.now as PdfDict;
    if (cx.explained.has(c.num) || !isWidget(d) || !d.has('Parent')) continue;
    const parent = dictOf(cx.now(d.get('Parent')));
    if (!parent || fieldType(cx.reader, d, cx.rev) !== 'Sig') continue;
    cx.explained.add(c.num);
    const name = fullFieldName(cx.reader, d, cx.rev);
    const signed = signedInThisRevision(cx, parent);
    const need = signed ? sigFieldNeed(cx, parent) : 'form';
    widgetAppearance(cx, c.num, d, { need, signed, name, what: 'new widget of signature field', announce: 'signature-widget-added' });
  }
}

function newSignatureField(cx: RevisionContext, num: number, d: PdfDict): void {
  const name = fullFieldName(cx.reader, d, cx.rev);
  const signed = signedInThisRevision(cx, d);
  const need = signed ? sigFieldNeed(cx, d) : 'form';
  const widgets: Array<{ num: number; dict: PdfDict }> = isWidget(d) ? [{ num, dict: d }] : [];
  const kids = cx.now(d.get('Kids'));
  for (const kid of Array.isArray(kids) ? kids.slice(0, 1_000) : []) {
    const kc = cx.changed.get(refNum(kid) ?? -1);
    if (kc && kc.isNew && isWidget(kc.now) && !cx.explained.has(kc.num)) {
      widgets.push({ num: kc.num, dict: kc.now as PdfDict });
      cx.signatureKids.set(kc.num, d);
    }
  }
  // Visible new fields are what a FieldMDP lock on "all fields" forbids (as pyHanko reads it).
  const visible = widgets.some((w) => area(cx.now(w.dict.get('Rect'))) > 0);
  const note: FieldNote = { field: name, lockable: visible };
  const state = signed ? '' : d.has('V') ? ' whose value is not a signature made in this revision' : ' (unsigned)';
  cx.emit(need, 'signature-field-added', num, `new signature field ${fieldLabel(name)}${state}`, note);
  for (const w of widgets) {
    if (w.num !== num) cx.explained.add(w.num);
    const merged = w.num === num;
    widgetAppearance(cx, w.num, w.dict, {
      need,
      signed,
      name,
      what: merged ? 'widget of the new signature field' : 'new widget of signature field',
      ...(merged ? {} : { announce: 'signature-widget-added' as const }),
    });
  }
  cx.closure(d, need, 'signature-field-added', `signature field ${fieldLabel(name)}`, note);
}

interface WidgetCase {
  need: Need;
  /** The field is signed in this revision: its widgets may paint. */
  signed: boolean;
  name: string | undefined;
  what: string;
  /** The finding that names the widget itself when it is allowed (none for a merged new field). */
  announce?: ModificationKind;
}

/** A widget's appearance: free when its field is signed here, else it must paint nothing. */
function widgetAppearance(cx: RevisionContext, num: number, widget: PdfDict, w: WidgetCase): void {
  const { need, signed, name, what } = w;
  const page = refNum(widget.get('P'));
  if (page !== undefined) cx.widgetPages.add(page);
  const roots: PdfObject[] = [widget.get('AP') ?? null, widget.get('MK') ?? null];
  const note: FieldNote = { field: name, lockable: true };
  if (signed || widgetPaintsNothing(cx.reader, widget, cx.rev)) {
    const paints = signed ? '' : ' (it paints nothing)';
    if (w.announce) cx.emit(need, w.announce, num, `${what} ${fieldLabel(name)}${paints}`, note);
    cx.closure(roots, need, 'signature-appearance', `appearance of signature field ${fieldLabel(name)}${paints}`, note);
    return;
  }
  cx.emit('never', 'unsigned-field-appearance', num, `${what} ${fieldLabel(name)} is not signed but its appearance paints on the page`, note);
  cx.closure(roots, 'never', 'unsigned-field-appearance', `appearance of unsigned field ${fieldLabel(name)}`, note);
}

/** An existing signature field or one of its widgets was redefined. */
export function signatureFieldChange(cx: RevisionContext, c: Change, keys: string[], widget: boolean): void {
  const old = c.old as PdfDict;
  const now = c.now as PdfDict;
  const name = fullFieldName(cx.reader, old, cx.prev);
  const label = `${widget ? 'widget of signature field' : 'signature field'} ${fieldLabel(name)}`;
  const fieldBefore = fieldOfWidget(cx, old, cx.prev);
  const fieldNow = fieldOfWidget(cx, now, cx.rev);
  const wasEmpty = fieldBefore.get('V') === undefined;
  const note: FieldNote = { field: name, lockable: true };
  if (!wasEmpty) {
    // Named as the widget annotation it is (the signature value itself is 'signature-changed').
    cx.emit('never', 'annotation-changed', c.num, `already signed ${label} changed: ${keyList(keys)}`, note);
    return;
  }
  const okKeys = keys.every((k) => k === 'V' || (widget && k === 'AP') || (k === 'Ff' && onlyLocksField(cx, old, now)));
  if (!okKeys) {
    cx.emit('never', 'field-changed', c.num, `existing ${label} changed: ${keyList(keys)}`, note);
    return;
  }
  const signed = signedInThisRevision(cx, fieldNow);
  const need = signed ? sigFieldNeed(cx, fieldNow) : 'form';
  if (keys.includes('V')) {
    if (!signed) {
      cx.emit('never', 'signature-changed', c.num, `empty ${label} given a value that is not a signature made in this revision`, note);
      return;
    }
    cx.emit(need, 'signature-field-filled', c.num, `empty ${label} signed`, note);
    inPlaceAppearanceUpdates(cx, c.num, name, need, 'signature-appearance');
  }
  if (keys.includes('AP')) widgetAppearance(cx, c.num, now, { need, signed, name, what: `appearance set on ${label}`, announce: 'signature-appearance' });
  if (keys.length === 1 && keys[0] === 'Ff') cx.emit('lta', 'field-changed', c.num, `${label} made read-only`, { field: name });
}
