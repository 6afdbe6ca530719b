// Adds (or fills) the signature field and its widget through the incremental writer, touching the
// fewest objects possible: the catalog or /AcroForm, the /Fields array and the page's /Annots.
// Existing entries are kept in order, so earlier annotations and fields stay exactly as they were.
import { DocaxisError } from '../errors.js';
import type { FormField } from '../pdf/acroform.js';
import { PdfDict, PdfName, PdfRef, PdfString, type PdfArray, type PdfObject } from '../pdf/objects.js';
import { pageDict } from '../pdf/pages.js';
import type { PdfReader } from '../pdf/reader.js';
import type { IncrementalWriter } from '../pdf/writer.js';

export interface FieldPlacement {
  fieldName: string;
  signatureRef: PdfRef;
  /** 0-based page the widget sits on. */
  pageIndex: number;
  /** [llx, lly, urx, ury] in page space; [0 0 0 0] for an invisible signature. */
  rect: [number, number, number, number];
  appearanceRef?: PdfRef;
  /**
   * More widgets of the same field, each with its own appearance (e.g. the register number and
   * date the seal writes at the "Số: ..." position). With them the field is a parent with /Kids
   * (the main widget first) instead of a field merged with its one widget; only for a new field.
   */
  extraWidgets?: ReadonlyArray<{ pageIndex: number; rect: [number, number, number, number]; appearanceRef: PdfRef }>;
}

/** Print (4) + Locked (128): shown on paper, and not movable by a viewer. */
const WIDGET_FLAGS = 132;

/** A fresh default name, not among the document's fields (from listFields, read once by the caller). */
export function nextFieldName(fields: readonly FormField[], prefix = 'Signature'): string {
  const taken = new Set(fields.map((f) => f.fullName));
  for (let i = 1; ; i++) if (!taken.has(`${prefix}${i}`)) return `${prefix}${i}`;
}

export function addSignatureField(reader: PdfReader, writer: IncrementalWriter, p: FieldPlacement, fields: readonly FormField[]): void {
  const existing = fields.find((f) => f.fullName === p.fieldName);
  if (existing && p.extraWidgets?.length) {
    throw new DocaxisError('PDF_FIELD_EXISTS', `"${p.fieldName}" exists: more widgets go only on a new signature field`);
  }
  if (existing) {
    fillExistingField(reader, writer, existing, p);
    return;
  }
  if (p.extraWidgets?.length) {
    addFieldWithWidgets(reader, writer, p, p.extraWidgets);
    return;
  }
  const page = pageDict(reader, p.pageIndex);
  const fieldRef = writer.allocateRef();
  const field = new PdfDict([
    ['Type', PdfName.of('Annot')],
    ['Subtype', PdfName.of('Widget')],
    ['FT', PdfName.of('Sig')],
    ['T', PdfString.fromText(p.fieldName)],
    ['V', p.signatureRef],
    ['F', WIDGET_FLAGS],
    ['Rect', [...p.rect]],
    ['P', page.ref],
  ]);
  if (p.appearanceRef) field.set('AP', new PdfDict([['N', p.appearanceRef]]));
  writer.set(fieldRef, field);
  appendToAcroForm(reader, writer, fieldRef);
  appendToAnnots(reader, writer, page.ref, page.dict, [fieldRef]);
}

/**
 * A field dictionary (no annotation keys) whose /Kids are its widgets: every widget's appearance
 * is part of this signature's own revision, so verifiers treat it as the signature's appearance
 * (pades/diff/signatures.ts). The widgets carry no /Parent, although ISO 32000-1 (Table 164) asks
 * for one on a widget that is one of several children: poppler up to 22.x (Debian 12's pdfsig)
 * takes any kid with /Parent for a child *field*, reads no /V on it and reports the seal as
 * "not signed" once per widget; without /Parent both it and later poppler (which tells pure
 * widgets apart) see one signed field with several widgets, as our own reader does.
 */
function addFieldWithWidgets(reader: PdfReader, writer: IncrementalWriter, p: FieldPlacement, extra: NonNullable<FieldPlacement['extraWidgets']>): void {
  const fieldRef = writer.allocateRef();
  const widgets = [{ pageIndex: p.pageIndex, rect: p.rect, appearanceRef: p.appearanceRef }, ...extra];
  const byPage = new Map<number, { page: ReturnType<typeof pageDict>; refs: PdfRef[] }>();
  const kids: PdfRef[] = [];
  for (const w of widgets) {
    const slot = byPage.get(w.pageIndex) ?? { page: pageDict(reader, w.pageIndex), refs: [] };
    byPage.set(w.pageIndex, slot);
    const ref = writer.allocateRef();
    const widget = new PdfDict([
      ['Type', PdfName.of('Annot')],
      ['Subtype', PdfName.of('Widget')],
      ['F', WIDGET_FLAGS],
      ['Rect', [...w.rect]],
      ['P', slot.page.ref],
    ]);
    if (w.appearanceRef) widget.set('AP', new PdfDict([['N', w.appearanceRef]]));
    writer.set(ref, widget);
    slot.refs.push(ref);
    kids.push(ref);
  }
  writer.set(
    fieldRef,
    new PdfDict([
      ['FT', PdfName.of('Sig')],
      ['T', PdfString.fromText(p.fieldName)],
      ['V', p.signatureRef],
      ['Kids', kids],
    ]),
  );
  appendToAcroForm(reader, writer, fieldRef);
  for (const { page, refs } of byPage.values()) appendToAnnots(reader, writer, page.ref, page.dict, refs);
}

function fillExistingField(reader: PdfReader, writer: IncrementalWriter, field: FormField, p: FieldPlacement): void {
  if (field.type !== 'Sig') throw new DocaxisError('PDF_FIELD_EXISTS', `"${p.fieldName}" is not a signature field`);
  if (field.value !== undefined && field.value !== null) {
    throw new DocaxisError('PDF_FIELD_EXISTS', `signature field "${p.fieldName}" is already signed`);
  }
  const fieldDict = reader.getObject(field.ref);
  if (!(fieldDict instanceof PdfDict)) throw new DocaxisError('PDF_OBJECT_MALFORMED', 'the signature field is not a dictionary');
  const updated = fieldDict.clone().set('V', p.signatureRef);
  const widget = field.widgets[0];
  if (p.appearanceRef && widget) {
    if (widget.ref.equals(field.ref)) {
      updated.set('AP', new PdfDict([['N', p.appearanceRef]]));
    } else {
      const w = reader.getObject(widget.ref);
      if (w instanceof PdfDict) writer.set(widget.ref, w.clone().set('AP', new PdfDict([['N', p.appearanceRef]])));
    }
  }
  writer.set(field.ref, updated);
  // SigFlags tell viewers the document is signed and must be saved incrementally.
  ensureSigFlags(reader, writer);
}

function appendToAcroForm(reader: PdfReader, writer: IncrementalWriter, fieldRef: PdfRef): void {
  const rootRef = reader.trailer.get('Root');
  if (!(rootRef instanceof PdfRef)) throw new DocaxisError('PDF_OBJECT_MALFORMED', 'the trailer /Root is not a reference');
  const catalog = reader.catalog();
  const acroEntry = catalog.get('AcroForm');
  if (acroEntry === undefined || acroEntry === null) {
    const acroRef = writer.allocateRef();
    writer.set(acroRef, new PdfDict([['Fields', [fieldRef]], ['SigFlags', 3]]));
    writer.set(rootRef, catalog.clone().set('AcroForm', acroRef));
    return;
  }
  const acro = reader.resolve(acroEntry);
  if (!(acro instanceof PdfDict)) throw new DocaxisError('PDF_OBJECT_MALFORMED', 'the /AcroForm entry is not a dictionary');
  const updated = acro.clone().set('SigFlags', 3);
  const fieldsEntry = acro.get('Fields');
  if (fieldsEntry instanceof PdfRef) {
    writer.set(fieldsEntry, [...asArray(reader.resolve(fieldsEntry)), fieldRef]);
  } else {
    updated.set('Fields', [...asArray(fieldsEntry), fieldRef]);
  }
  if (acroEntry instanceof PdfRef) writer.set(acroEntry, updated);
  else writer.set(rootRef, catalog.clone().set('AcroForm', updated));
}

function ensureSigFlags(reader: PdfReader, writer: IncrementalWriter): void {
  const catalog = reader.catalog();
  const acroEntry = catalog.get('AcroForm');
  const acro = reader.resolve(acroEntry);
  if (!(acro instanceof PdfDict) || acro.get('SigFlags') === 3) return;
  const updated = acro.clone().set('SigFlags', 3);
  if (acroEntry instanceof PdfRef) writer.set(acroEntry, updated);
  else {
    const rootRef = reader.trailer.get('Root');
    if (rootRef instanceof PdfRef) writer.set(rootRef, catalog.clone().set('AcroForm', updated));
  }
}

function appendToAnnots(reader: PdfReader, writer: IncrementalWriter, pageRef: PdfRef, page: PdfDict, widgetRefs: readonly PdfRef[]): void {
  const annots = page.get('Annots');
  if (annots instanceof PdfRef) {
    writer.set(annots, [...asArray(reader.resolve(annots)), ...widgetRefs]);
  } else {
    writer.set(pageRef, page.clone().set('Annots', [...asArray(annots), ...widgetRefs]));
  }
}

function asArray(o: PdfObject | undefined): PdfArray {
  return Array.isArray(o) ? o : [];
}
