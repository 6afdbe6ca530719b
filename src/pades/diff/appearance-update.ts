// When a field is filled (or an empty signature field signed), its widgets' appearance streams
// show the new value. Most writers add new streams; some (iText, PDFBox) rewrite the existing
// stream object in place. pyHanko allows that under two conditions, kept here: the widget showed
// that very stream before, and nothing else in the signed revision shows it (no other annotation,
// no page content or resources), so the rewrite cannot change anything but this field's look.
import { PdfRef } from '../../pdf/objects.js';
import type { PdfDict } from '../../pdf/objects.js';
import { appearanceStreamRefs, dictOf, isWidget } from './graph.js';
import { fieldLabel, type Need, type RevisionContext } from './context.js';
import type { ModificationKind } from './kinds.js';

/** The widgets of a terminal field as of revision `rev`: itself when merged, else its /Kids. */
export function widgetsOf(cx: RevisionContext, field: PdfDict, fieldNum: number, rev: number): Array<{ num: number; dict: PdfDict }> {
  if (isWidget(field)) return [{ num: fieldNum, dict: field }];
  const kids = cx.at(field.get('Kids'), rev);
  const out: Array<{ num: number; dict: PdfDict }> = [];
  for (const k of Array.isArray(kids) ? kids.slice(0, 1_000) : []) {
    const d = dictOf(cx.at(k, rev));
    if (k instanceof PdfRef && d && isWidget(d) && !d.has('T')) out.push({ num: k.num, dict: d });
  }
  return out;
}

/** Explains appearance streams of the field's widgets that this revision rewrote in place. */
export function inPlaceAppearanceUpdates(
  cx: RevisionContext,
  fieldNum: number,
  name: string | undefined,
  need: Need,
  kind: ModificationKind,
): void {
  const fieldNow = dictOf(cx.now(new PdfRef(fieldNum, 0)));
  const fieldOld = dictOf(cx.before(new PdfRef(fieldNum, 0)));
  if (!fieldNow || !fieldOld) return;
  const before = new Set(widgetsOf(cx, fieldOld, fieldNum, cx.prev).flatMap((w) => safeRefs(cx, w.dict, cx.prev).map((r) => r.num)));
  for (const w of widgetsOf(cx, fieldNow, fieldNum, cx.rev)) {
    for (const r of safeRefs(cx, w.dict, cx.rev)) {
      const c = cx.changed.get(r.num);
      if (!c || c.isNew || cx.explained.has(r.num) || !before.has(r.num)) continue;
      const idx = cx.index();
      if ((idx.appearanceUsers.get(r.num) ?? 0) > 1 || idx.contents.has(r.num) || idx.resources.has(r.num)) continue;
      cx.explained.add(r.num);
      cx.emit(need, kind, r.num, `appearance of field ${fieldLabel(name)} rewritten for its new value`, { field: name, lockable: true });
      cx.closure(c.now, need, kind, `appearance of field ${fieldLabel(name)}`, { field: name, lockable: true });
    }
  }
}

function safeRefs(cx: RevisionContext, widget: PdfDict, rev: number): PdfRef[] {
  try {
    return appearanceStreamRefs(cx.reader, widget, rev);
  } catch {
    return [];
  }
}
