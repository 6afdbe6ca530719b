// Interactive form fields (§12.7.3): the /AcroForm /Fields tree flattened into terminal fields,
// each with its full name, inherited type and widgets. A terminal field may be merged with its
// single widget (one dictionary for both), which is how most signature fields are written.

import { PdfDict, PdfRef, PdfString, nameValue, type PdfObject } from './objects.js';
import type { PdfReader } from './reader.js';
import { pageRefs } from './pages.js';

export interface FormWidget {
  ref: PdfRef;
  pageRef: PdfRef | undefined;
  rect: [number, number, number, number] | undefined;
}

export interface FormField {
  ref: PdfRef;
  fullName: string;
  type: string | undefined;
  value: PdfObject | undefined;
  widgets: FormWidget[];
}

const MAX_FIELDS = 100_000;
const MAX_DEPTH = 64;

interface Inherited {
  name: string;
  type: string | undefined;
  value: PdfObject | undefined;
}

export function listFields(reader: PdfReader, atRevision?: number): FormField[] {
  const acro = reader.dictGet(reader.catalog(atRevision), 'AcroForm', atRevision);
  if (!(acro instanceof PdfDict)) return [];
  const roots = reader.resolve(acro.get('Fields'), atRevision);
  if (!Array.isArray(roots)) return [];

  const out: FormField[] = [];
  const visited = new Set<string>();
  let pageOf: Map<string, PdfRef> | undefined; // built only if some widget lacks /P
  const widgetPage = (w: PdfDict, ref: PdfRef): PdfRef | undefined => {
    const p = w.get('P');
    if (p instanceof PdfRef) return p;
    pageOf ??= annotationPages(reader, atRevision);
    return pageOf.get(ref.key);
  };
  const widget = (ref: PdfRef, d: PdfDict): FormWidget => ({ ref, pageRef: widgetPage(d, ref), rect: rectOf(reader, d, atRevision) });

  const walk = (ref: PdfRef, parent: Inherited, depth: number): void => {
    if (depth > MAX_DEPTH || visited.has(ref.key) || visited.size >= MAX_FIELDS) return;
    visited.add(ref.key);
    const d = reader.getObject(ref, atRevision);
    if (!(d instanceof PdfDict)) return;
    const t = reader.resolve(d.get('T'), atRevision);
    const partial = t instanceof PdfString ? t.text() : undefined;
    const here: Inherited = {
      name: partial === undefined ? parent.name : parent.name ? `${parent.name}.${partial}` : partial,
      type: nameValue(reader.resolve(d.get('FT'), atRevision)) ?? parent.type,
      value: d.has('V') ? d.get('V') : parent.value,
    };
    const kids = reader.resolve(d.get('Kids'), atRevision);
    const kidRefs = Array.isArray(kids) ? kids.filter((k): k is PdfRef => k instanceof PdfRef) : [];
    // Kids with /T are child fields; kids without are this field's widgets.
    const childFields: PdfRef[] = [];
    const widgets: FormWidget[] = [];
    for (const k of kidRefs) {
      const kd = reader.getObject(k, atRevision);
      if (!(kd instanceof PdfDict)) continue;
      if (kd.has('T') || (kd.has('Kids') && nameValue(kd.get('Subtype')) !== 'Widget')) childFields.push(k);
      else if (!visited.has(k.key)) {
        visited.add(k.key);
        widgets.push(widget(k, kd));
      }
    }
    for (const c of childFields) walk(c, here, depth + 1);
    if (childFields.length > 0 && widgets.length === 0) return; // a non-terminal node
    if (kidRefs.length === 0 && (nameValue(d.get('Subtype')) === 'Widget' || d.has('Rect'))) widgets.push(widget(ref, d));
    out.push({ ref, fullName: here.name, type: here.type, value: here.value, widgets });
  };

  for (const r of roots) if (r instanceof PdfRef) walk(r, { name: '', type: undefined, value: undefined }, 0);
  return out;
}

function rectOf(reader: PdfReader, d: PdfDict, at: number | undefined): [number, number, number, number] | undefined {
  const r = reader.resolve(d.get('Rect'), at);
  if (!Array.isArray(r) || r.length !== 4) return undefined;
  const n = r.map((x) => reader.resolve(x, at));
  return n.every((x) => typeof x === 'number') ? (n as [number, number, number, number]) : undefined;
}

/** Annotation ref -> page ref, from every page's /Annots (for widgets without /P). */
function annotationPages(reader: PdfReader, at: number | undefined): Map<string, PdfRef> {
  const m = new Map<string, PdfRef>();
  for (const p of pageRefs(reader, at)) {
    const page = reader.getObject(p, at);
    if (!(page instanceof PdfDict)) continue;
    const annots = reader.resolve(page.get('Annots'), at);
    if (!Array.isArray(annots)) continue;
    for (const a of annots) if (a instanceof PdfRef && !m.has(a.key)) m.set(a.key, p);
  }
  return m;
}
