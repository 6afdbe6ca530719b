// Difference analysis, default deny (the model: pyHanko's sign/diff_analysis). For a signature
// covering revision S, every later revision is compared with the state just before it. Only the
// objects a revision's own xref section (re)defines are looked at; each must be explained by a
// rule below, otherwise it is a disallowed modification. Rules carry the DocMDP level they need:
//   lta         DSS, document timestamps, xref/object-stream containers, /Info, XMP, orphans
//   form        new signatures and signature fields, form filling (DocMDP P >= 2, the default)
//   annotation  adding, changing, removing non-widget annotations (DocMDP P = 3)
//   never       everything else (page content, page tree, catalog, existing fields, ...)

import type { PdfReader } from '../pdf/reader.js';
import { PdfDict, PdfRef, PdfStream, PdfString, nameValue, numberValue, pdfEquals } from '../pdf/objects.js';
import type { PdfObject } from '../pdf/objects.js';
import {
  buildStructureIndex,
  changedKeys,
  dictOf,
  fieldType,
  isAnnotation,
  isDocTimeStamp,
  isField,
  isReadOnlyField,
  isSignatureDict,
  isWidget,
  refsIn,
  typeName,
} from './diff-graph.js';
import type { StructureIndex } from './diff-graph.js';

export type ModificationLevel = 'none' | 'allowed' | 'disallowed';

export interface Modification {
  revision: number;
  object?: number;
  /** Stable kebab-case code, e.g. 'signature-added', 'page-content-changed'. */
  kind: string;
  /** One line, human readable. */
  description: string;
}

export interface DiffResult {
  level: ModificationLevel;
  allowed: Modification[];
  disallowed: Modification[];
}

export interface DiffOptions {
  /** /P of a certification signature's DocMDP transform: 1 none, 2 forms + signing, 3 + annotations. */
  docMdpPermission?: 1 | 2 | 3;
}

type Need = 'lta' | 'form' | 'annotation' | 'never';
const NEED_RANK: Record<Need, number> = { lta: 1, form: 2, annotation: 3, never: 99 };
/** Kinds that only describe file structure: listed, but they do not make a revision 'allowed'. */
const CONTAINER_KINDS = new Set(['xref-stream', 'object-stream']);

interface Finding {
  mod: Modification;
  need: Need;
}

interface Change {
  num: number;
  old: PdfObject;
  now: PdfObject;
  /** Not in use before this revision (free, missing or past the end). */
  isNew: boolean;
}

export function analyseModifications(reader: PdfReader, signedRevision: number, options: DiffOptions = {}): DiffResult {
  const permitted = options.docMdpPermission ?? 2;
  const allowed: Modification[] = [];
  const disallowed: Modification[] = [];
  for (let rev = Math.max(signedRevision + 1, 1); rev < reader.revisions.length; rev++) {
    for (const f of new RevisionAnalysis(reader, rev).run()) {
      (NEED_RANK[f.need] <= permitted ? allowed : disallowed).push(f.mod);
    }
  }
  const level: ModificationLevel =
    disallowed.length > 0 ? 'disallowed' : allowed.some((m) => !CONTAINER_KINDS.has(m.kind)) ? 'allowed' : 'none';
  return { level, allowed, disallowed };
}

function refNum(o: PdfObject | undefined): number | undefined {
  return o instanceof PdfRef ? o.num : undefined;
}

function show(o: PdfObject | undefined): string {
  if (o === undefined) return 'absent';
  if (o instanceof PdfRef) return o.toString();
  if (o instanceof PdfString) return `(${o.text().slice(0, 40)})`;
  if (o === null || typeof o !== 'object') return String(o);
  const n = nameValue(o);
  if (n !== undefined) return `/${n}`;
  return Array.isArray(o) ? `array[${o.length}]` : o instanceof PdfStream ? 'stream' : 'dictionary';
}

function keyList(keys: string[]): string {
  return keys.map((k) => `/${k}`).join(', ');
}

class RevisionAnalysis {
  private readonly prev: number;
  private readonly changed = new Map<number, Change>();
  private readonly deleted: Array<{ num: number; old: PdfObject }> = [];
  private readonly explained = new Set<number>();
  /** Objects with a 'never' finding: new objects they reference are not orphans. */
  private readonly tainted = new Set<number>();
  private readonly findings: Finding[] = [];
  private prevIndex: StructureIndex | undefined;
  /** Page objects of new signature widgets (their /P): a cheap way to find an /Annots array's page. */
  private readonly widgetPages = new Set<number>();

  constructor(
    private readonly reader: PdfReader,
    private readonly rev: number,
  ) {
    this.prev = rev - 1;
  }

  run(): Finding[] {
    this.collect();
    this.trailer();
    this.catalog();
    this.info();
    this.containers();
    this.signatureObjects();
    this.existingFieldsAndAnnotations();
    this.pages();
    this.leftovers();
    this.danglingReferences();
    this.deletions();
    return this.findings.sort((a, b) => (a.mod.object ?? -1) - (b.mod.object ?? -1));
  }

  // ---- bookkeeping ----

  /** Equal, and not a reference to an object this revision redefines. */
  private readonly same = (a: PdfObject | undefined, b: PdfObject | undefined): boolean =>
    pdfEquals(a, b) && !(a instanceof PdfRef && this.changed.has(a.num));

  private emit(need: Need, kind: string, object: number | undefined, description: string): void {
    const mod: Modification = { revision: this.rev, kind, description };
    if (object !== undefined) mod.object = object;
    this.findings.push({ mod, need });
    if (need === 'never' && object !== undefined) this.tainted.add(object);
  }

  private at(o: PdfObject | undefined, rev: number): PdfObject | undefined {
    try {
      return this.reader.resolve(o, rev);
    } catch {
      return undefined;
    }
  }

  private now(o: PdfObject | undefined): PdfObject | undefined {
    return this.at(o, this.rev);
  }

  private before(o: PdfObject | undefined): PdfObject | undefined {
    return this.at(o, this.prev);
  }

  private isNewObj(num: number | undefined): boolean {
    return num !== undefined && this.changed.get(num)?.isNew === true;
  }

  private pageLabel(num: number): string {
    this.prevIndex ??= buildStructureIndex(this.reader, this.prev);
    const n = this.prevIndex.pages.get(num);
    return n !== undefined ? `page ${n} (object ${num})` : `page object ${num}`;
  }

  /**
   * Explains the new, not yet explained objects reachable from `roots` through new objects only
   * (an unchanged object's references are what they were). Redefined objects are never explained
   * by reachability: they need a rule of their own.
   */
  private closure(roots: PdfObject | undefined, need: Need, kind: string, what: string): void {
    const queue = refsIn(roots);
    while (queue.length > 0) {
      const ref = queue.pop()!;
      const c = this.changed.get(ref.num);
      if (!c || !c.isNew || this.explained.has(ref.num)) continue;
      this.explained.add(ref.num);
      const t = typeName(c.now) ?? (c.now instanceof PdfStream ? 'stream' : show(c.now));
      this.emit(need, kind, ref.num, `${what}: new object ${ref.num} (${t})`);
      refsIn(c.now, queue);
    }
  }

  // ---- 1. what this revision defines ----

  private collect(): void {
    const revision = this.reader.revisions[this.rev]!;
    for (const [num, entry] of revision.entries) {
      if (num === 0) continue;
      let old: PdfObject = null;
      let oldKnown = true;
      try {
        old = this.reader.getObject(num, this.prev);
      } catch {
        oldKnown = false;
      }
      if (entry.type === 'free') {
        if (oldKnown && old !== null) this.deleted.push({ num, old });
        continue;
      }
      let now: PdfObject;
      try {
        now = this.reader.getObject(num, this.rev);
      } catch (e) {
        this.emit('never', 'object-malformed', num, `object ${num} cannot be read: ${(e as Error).message}`);
        continue;
      }
      if (oldKnown && old !== null && pdfEquals(old, now)) continue;
      this.changed.set(num, { num, old, now, isNew: oldKnown && old === null });
    }
  }

  // ---- 2. trailer, catalog, AcroForm, DSS, XMP, Info ----

  private trailer(): void {
    const t0 = this.reader.revisions[this.prev]!.trailer;
    const t1 = this.reader.revisions[this.rev]!.trailer;
    if (!pdfEquals(t0.get('Encrypt'), t1.get('Encrypt'))) {
      this.emit('never', 'trailer-changed', undefined, 'the trailer /Encrypt entry changed');
    }
  }

  private catalog(): void {
    const t0 = this.reader.revisions[this.prev]!.trailer;
    const t1 = this.reader.revisions[this.rev]!.trailer;
    const rootNum = refNum(t1.get('Root'));
    const repointed = !pdfEquals(t0.get('Root'), t1.get('Root'));
    const oldCat = dictOf(this.before(t0.get('Root'))) ?? new PdfDict();
    const newCat = dictOf(this.now(t1.get('Root')));
    if (!newCat) {
      this.emit('never', 'catalog-changed', rootNum, 'the document catalog is missing');
      return;
    }
    if (repointed || (rootNum !== undefined && this.changed.has(rootNum))) {
      if (rootNum !== undefined) this.explained.add(rootNum);
      for (const key of changedKeys(oldCat, newCat, pdfEquals)) this.catalogKey(key, oldCat, newCat, rootNum);
    }
    this.acroForm(oldCat, newCat, rootNum);
    this.dss(oldCat, newCat);
    const xmp = refNum(newCat.get('Metadata'));
    const c = xmp !== undefined ? this.changed.get(xmp) : undefined;
    if (c && !this.explained.has(c.num) && c.now instanceof PdfStream && (c.isNew || refNum(oldCat.get('Metadata')) === c.num)) {
      this.explained.add(c.num);
      this.emit('lta', 'metadata-xmp', c.num, `XMP metadata stream ${c.isNew ? 'added' : 'updated'}`);
    }
  }

  private catalogKey(key: string, oldCat: PdfDict, newCat: PdfDict, rootNum: number | undefined): void {
    const was = oldCat.get(key);
    const is = newCat.get(key);
    const verb = was === undefined ? 'added' : is === undefined ? 'removed' : 're-pointed';
    switch (key) {
      case 'AcroForm': // the form's content is judged by acroForm()
        if (is !== undefined) return this.emit('lta', 'catalog-acroform', rootNum, `catalog /AcroForm ${verb}`);
        break;
      case 'DSS': // the store's content is judged by dss()
        if (is !== undefined) return this.emit('lta', was === undefined ? 'dss-added' : 'dss-updated', rootNum, `catalog /DSS ${verb}`);
        break;
      case 'Extensions':
        if (is !== undefined) return this.emit('lta', 'catalog-extensions', rootNum, `catalog /Extensions ${verb}`);
        break;
      case 'Metadata':
        if (is !== undefined) return this.emit('lta', 'metadata-xmp', rootNum, `catalog /Metadata ${verb}`);
        break;
      case 'Version': {
        const a = nameValue(was) ?? '0';
        const b = nameValue(is);
        if (b !== undefined && Number.parseFloat(b) >= Number.parseFloat(a)) {
          return this.emit('lta', 'catalog-version', rootNum, `catalog /Version ${was === undefined ? 'set' : 'upgraded'} to ${b}`);
        }
        break;
      }
    }
    this.emit('never', 'catalog-changed', rootNum, `catalog /${key} ${verb} (${show(was)} -> ${show(is)})`);
  }

  private acroForm(oldCat: PdfDict, newCat: PdfDict, rootNum: number | undefined): void {
    const oldV = oldCat.get('AcroForm');
    const newV = newCat.get('AcroForm');
    const afNum = refNum(newV);
    const oldAF = dictOf(this.before(oldV));
    const newAF = dictOf(this.now(newV));
    if (!newAF) return; // removal is reported by the catalog rule
    const fieldsNum = refNum(newAF.get('Fields'));
    const drNum = refNum(newAF.get('DR'));
    const newDR = dictOf(this.now(newAF.get('DR')));
    const fontNum = refNum(newDR?.get('Font'));
    const touched =
      !pdfEquals(oldV, newV) || [afNum, fieldsNum, drNum, fontNum].some((n) => n !== undefined && this.changed.has(n));
    if (!touched) return;
    for (const n of [afNum, fieldsNum, drNum, fontNum]) if (n !== undefined && this.changed.has(n)) this.explained.add(n);
    const obj = afNum ?? rootNum;
    const created = oldAF === undefined;
    for (const key of changedKeys(oldAF, newAF, this.same)) {
      const was = oldAF?.get(key);
      const is = newAF.get(key);
      if (key === 'Fields') this.acroFormFields(this.before(was), this.now(is), obj);
      else if (key === 'DR') this.acroFormDR(dictOf(this.before(was)), dictOf(this.now(is)), obj);
      else if (key === 'SigFlags') this.emit('lta', 'acroform-sigflags', obj, `AcroForm /SigFlags set to ${show(this.now(is))}`);
      else if (key === 'NeedAppearances' && (is === undefined || this.now(is) === false)) {
        this.emit('form', 'acroform-need-appearances', obj, 'AcroForm /NeedAppearances removed');
      } else if (created && key === 'DA') this.emit('lta', 'acroform-created', obj, 'new AcroForm with a default /DA');
      else this.emit('never', 'acroform-changed', obj, `AcroForm /${key} changed (${show(was)} -> ${show(is)})`);
    }
  }

  private acroFormFields(was: PdfObject | undefined, is: PdfObject | undefined, obj: number | undefined): void {
    const oldArr = Array.isArray(was) ? was : [];
    const newArr = Array.isArray(is) ? is : [];
    const prefixKept = oldArr.length <= newArr.length && oldArr.every((x, i) => pdfEquals(x, newArr[i]));
    if (!prefixKept) {
      this.emit('never', 'field-removed', obj, 'AcroForm /Fields lost or reordered existing fields');
      return;
    }
    for (const entry of newArr.slice(oldArr.length)) {
      const field = dictOf(this.now(entry));
      const name = field?.get('T') instanceof PdfString ? (field.get('T') as PdfString).text() : '?';
      if (field && nameValue(field.get('FT')) === 'Sig') {
        this.emit(this.sigFieldNeed(field), 'acroform-fields-extended', obj, `AcroForm /Fields gains signature field '${name}' (${show(entry)})`);
      } else {
        this.emit('never', 'field-added', refNum(entry) ?? obj, `AcroForm /Fields gains non-signature field '${name}' (${show(entry)})`);
      }
    }
  }

  private acroFormDR(oldDR: PdfDict | undefined, newDR: PdfDict | undefined, obj: number | undefined): void {
    for (const key of changedKeys(oldDR, newDR, this.same)) {
      if (key !== 'Font' || newDR?.get(key) === undefined) {
        this.emit('never', 'acroform-changed', obj, `AcroForm /DR /${key} changed`);
        continue;
      }
      const oldFonts = dictOf(this.before(oldDR?.get('Font')));
      const newFonts = dictOf(this.now(newDR.get('Font'))) ?? new PdfDict();
      for (const name of changedKeys(oldFonts, newFonts, this.same)) {
        const was = oldFonts?.get(name);
        if (was !== undefined) {
          this.emit('never', 'acroform-changed', obj, `AcroForm /DR font /${name} changed or removed`);
        } else {
          this.emit('form', 'acroform-dr-font-added', obj, `AcroForm /DR gains font /${name}`);
          this.closure(newFonts.get(name)!, 'form', 'acroform-dr-font-added', `font /${name} of the AcroForm /DR`);
        }
      }
    }
  }

  private dss(oldCat: PdfDict, newCat: PdfDict): void {
    const newV = newCat.get('DSS');
    if (newV === undefined) return;
    const oldV = oldCat.get('DSS');
    const had = oldV !== undefined;
    const kind = had ? 'dss-updated' : 'dss-added';
    // Objects of the old DSS may be rewritten in place (arrays grow, VRI gains entries).
    const oldSet = new Set<number>();
    if (had) {
      const queue = refsIn(oldV);
      while (queue.length > 0 && oldSet.size < 200_000) {
        const r = queue.pop()!;
        if (oldSet.has(r.num)) continue;
        oldSet.add(r.num);
        const o = this.before(r);
        if (!(o instanceof PdfStream)) refsIn(o, queue);
      }
    }
    const dssNum = refNum(newV);
    for (const c of this.changed.values()) {
      if (this.explained.has(c.num) || c.isNew || !oldSet.has(c.num)) continue;
      // A crafted earlier DSS must not launder a page's content, resources or annotations.
      if (c.num !== dssNum && !this.plainDssObject(c)) continue;
      this.explained.add(c.num);
      this.emit('lta', 'dss-updated', c.num, `DSS object ${c.num} (${typeName(c.now) ?? show(c.now)}) updated`);
    }
    if (dssNum !== undefined && this.changed.has(dssNum) && !this.explained.has(dssNum)) {
      const c = this.changed.get(dssNum)!;
      if (c.isNew || oldSet.has(dssNum)) {
        this.explained.add(dssNum);
        this.emit('lta', kind, dssNum, `document security store ${had ? 'updated' : 'added'}`);
      }
    }
    const dict = this.now(newV);
    if (dictOf(dict)) this.closure(dict, 'lta', kind, 'DSS content');
  }

  private plainDssObject(c: Change): boolean {
    if (isAnnotation(c.old) || isField(c.old) || isSignatureDict(c.old)) return false;
    const t = typeName(c.old);
    if (t === 'Page' || t === 'Pages' || t === 'Catalog') return false;
    this.prevIndex ??= buildStructureIndex(this.reader, this.prev);
    const i = this.prevIndex;
    return !(i.contents.has(c.num) || i.resources.has(c.num) || i.annotsArrays.has(c.num) || i.annots.has(c.num));
  }

  private info(): void {
    const t0 = this.reader.revisions[this.prev]!.trailer;
    const t1 = this.reader.revisions[this.rev]!.trailer;
    const was = t0.get('Info');
    const is = t1.get('Info');
    const num = refNum(is);
    const c = num !== undefined ? this.changed.get(num) : undefined;
    const objChanged = c !== undefined && !this.explained.has(c.num) && (c.isNew || refNum(was) === c.num) && c.now instanceof PdfDict;
    if (objChanged) this.explained.add(c.num);
    if (objChanged || !pdfEquals(was, is)) {
      const oldInfo = dictOf(this.before(was));
      const newInfo = dictOf(this.now(is));
      const keys = changedKeys(oldInfo, newInfo, pdfEquals);
      this.emit('lta', 'metadata-info', num, `document information dictionary changed${keys.length ? ` (${keyList(keys)})` : ''}`);
      this.closure(newInfo ?? null, 'lta', 'metadata-info', 'document information');
    }
  }

  private containers(): void {
    for (const c of this.changed.values()) {
      if (!(c.now instanceof PdfStream)) continue;
      const t = typeName(c.now);
      if (t !== 'XRef' && t !== 'ObjStm') continue;
      if (!c.isNew && typeName(c.old) !== t) continue;
      this.explained.add(c.num);
      if (t === 'XRef') this.emit('lta', 'xref-stream', c.num, `cross-reference stream ${c.num}`);
      else this.emit('lta', 'object-stream', c.num, `object stream ${c.num} (its objects are judged one by one)`);
    }
  }

  // ---- 3. new signatures, signature fields and their widgets ----

  /** The level a signature field needs: a document timestamp is an LTA update, a signature is signing. */
  private sigFieldNeed(field: PdfDict): Need {
    return isDocTimeStamp(this.now(field.get('V'))) ? 'lta' : 'form';
  }

  private signatureObjects(): void {
    const news = [...this.changed.values()].filter((c) => c.isNew && c.now instanceof PdfDict);
    for (const c of news) {
      if (this.explained.has(c.num) || !isSignatureDict(c.now)) continue;
      this.explained.add(c.num);
      const dts = isDocTimeStamp(c.now);
      this.emit(dts ? 'lta' : 'form', dts ? 'document-timestamp-added' : 'signature-added', c.num, dts ? 'new document timestamp' : 'new signature value dictionary');
      this.closure(c.now, dts ? 'lta' : 'form', 'signature-added', 'signature dictionary content');
    }
    for (const c of news) {
      const d = c.now as PdfDict;
      if (this.explained.has(c.num) || nameValue(d.get('FT')) !== 'Sig') continue;
      const need = this.sigFieldNeed(d);
      this.explained.add(c.num);
      const name = d.get('T') instanceof PdfString ? (d.get('T') as PdfString).text() : '?';
      this.emit(need, 'signature-field-added', c.num, `new signature field '${name}'${isWidget(d) ? ' with its widget' : ''}`);
      if (isWidget(d)) this.widgetAppearance(c.num, d, need, 'signature-appearance');
      const kids = this.now(d.get('Kids'));
      for (const kid of Array.isArray(kids) ? kids : []) {
        const kc = this.changed.get(refNum(kid) ?? -1);
        if (kc && kc.isNew && isWidget(kc.now) && !this.explained.has(kc.num)) {
          this.explained.add(kc.num);
          this.emit(need, 'signature-widget-added', kc.num, `widget of new signature field '${name}'`);
          this.widgetAppearance(kc.num, kc.now as PdfDict, need, 'signature-appearance');
        }
      }
      this.closure(d, need, 'signature-field-added', `signature field '${name}'`);
    }
    // Widgets added to a signature field (new or existing) found through /Parent.
    for (const c of news) {
      const d = c.now as PdfDict;
      if (this.explained.has(c.num) || !isWidget(d) || !d.has('Parent')) continue;
      const parent = dictOf(this.now(d.get('Parent')));
      if (!parent || fieldType(this.reader, d, this.rev) !== 'Sig') continue;
      const need = this.sigFieldNeed(parent);
      this.explained.add(c.num);
      this.emit(need, 'signature-widget-added', c.num, 'new widget of a signature field');
      this.widgetAppearance(c.num, d, need, 'signature-appearance');
    }
  }

  private widgetAppearance(num: number, widget: PdfDict, need: Need, kind: string): void {
    const page = refNum(widget.get('P'));
    if (page !== undefined) this.widgetPages.add(page);
    const roots: PdfObject[] = [];
    for (const key of ['AP', 'MK']) {
      const v = widget.get(key);
      if (v !== undefined) roots.push(v);
    }
    this.closure(roots, need, kind, `appearance of widget ${num}`);
  }

  // ---- 4. existing fields, widgets and annotations redefined ----

  private existingFieldsAndAnnotations(): void {
    for (const c of this.changed.values()) {
      if (this.explained.has(c.num) || c.isNew) continue;
      const old = c.old;
      const now = c.now;
      if (!(old instanceof PdfDict) || !(now instanceof PdfDict)) continue;
      const widget = isWidget(old);
      const field = isField(old);
      if (!widget && !field && !isAnnotation(old)) continue;
      this.explained.add(c.num);
      const keys = changedKeys(old, now, pdfEquals);
      if (widget || field) this.fieldChange(c, keys, widget);
      else {
        this.emit('annotation', 'annotation-changed', c.num, `annotation ${c.num} (/${nameValue(old.get('Subtype')) ?? '?'}) changed: ${keyList(keys)}`);
        this.closure(now, 'annotation', 'annotation-changed', `annotation ${c.num}`);
      }
    }
  }

  private fieldChange(c: Change, keys: string[], widget: boolean): void {
    const old = c.old as PdfDict;
    const now = c.now as PdfDict;
    const ft = fieldType(this.reader, old, this.prev);
    const label = `${widget ? 'widget' : 'field'} ${c.num}`;
    if (ft === 'Sig') {
      // Only an empty signature field may be filled, with its (merged) widget's appearance.
      const fieldBefore = old.has('FT') || !old.has('Parent') ? old : dictOf(this.before(old.get('Parent')));
      const wasEmpty = fieldBefore?.get('V') === undefined;
      const ok = wasEmpty && keys.every((k) => k === 'V' || (widget && k === 'AP'));
      if (!ok) {
        this.emit('never', 'annotation-changed', c.num, `existing signature ${label} changed: ${keyList(keys)}${wasEmpty ? '' : ' (already signed)'}`);
        return;
      }
      const fieldNow = old === fieldBefore ? now : dictOf(this.now(now.get('Parent'))) ?? now;
      const need = this.sigFieldNeed(fieldNow);
      if (keys.includes('V')) this.emit(need, 'signature-field-filled', c.num, `empty signature field ${c.num} signed`);
      if (keys.includes('AP')) {
        this.emit(need, 'signature-appearance', c.num, `appearance of signature ${label} set`);
        this.widgetAppearance(c.num, now, need, 'signature-appearance');
      }
      return;
    }
    const fillable = widget ? ['V', 'AS', 'AP'] : ['V'];
    if (ft === undefined || isReadOnlyField(this.reader, old, this.prev) || !keys.every((k) => fillable.includes(k))) {
      const why = ft === undefined ? '' : isReadOnlyField(this.reader, old, this.prev) ? ' (read-only field)' : '';
      this.emit('never', 'annotation-changed', c.num, `existing ${label} changed: ${keyList(keys)}${why}`);
      return;
    }
    this.emit('form', 'form-filled', c.num, `form ${label} (/${ft}) filled: ${keyList(keys)}`);
    if (widget) this.widgetAppearance(c.num, now, 'form', 'form-appearance');
  }

  // ---- 5. pages and their /Annots ----

  private pages(): void {
    for (const c of this.changed.values()) {
      if (this.explained.has(c.num)) continue;
      const tOld = typeName(c.old);
      const tNow = typeName(c.now);
      if (c.isNew && tNow === 'Page') {
        this.explained.add(c.num);
        this.emit('never', 'page-tree-changed', c.num, `new page object ${c.num}`);
      } else if (tOld === 'Pages' || (c.isNew && tNow === 'Pages')) {
        this.explained.add(c.num);
        const keys = changedKeys(dictOf(c.old), dictOf(c.now), pdfEquals);
        this.emit('never', 'page-tree-changed', c.num, `page tree node ${c.num} changed: ${keyList(keys)}`);
      } else if (tOld === 'Page') {
        this.explained.add(c.num);
        this.pageChange(c);
      }
    }
    // Indirect /Annots arrays: find their page through new widgets' /P, else through the index.
    for (const c of this.changed.values()) {
      if (this.explained.has(c.num) || c.isNew || !Array.isArray(c.old)) continue;
      let page: number | undefined;
      for (const p of this.widgetPages) {
        if (refNum(dictOf(this.before(new PdfRef(p)))?.get('Annots')) === c.num) page = p;
      }
      if (page === undefined) {
        this.prevIndex ??= buildStructureIndex(this.reader, this.prev);
        page = this.prevIndex.annotsArrays.get(c.num);
      }
      if (page === undefined) continue;
      this.explained.add(c.num);
      this.annotsChange(page, c.num, c.old, this.now(c.now));
    }
  }

  private pageChange(c: Change): void {
    const old = dictOf(c.old)!;
    const now = dictOf(c.now);
    if (!now) {
      this.emit('never', 'page-tree-changed', c.num, `${this.pageLabel(c.num)} replaced by a non-dictionary`);
      return;
    }
    for (const key of changedKeys(old, now, pdfEquals)) {
      if (key === 'Annots') {
        const arrNum = refNum(now.get('Annots'));
        if (arrNum !== undefined && this.changed.has(arrNum)) this.explained.add(arrNum);
        this.annotsChange(c.num, c.num, this.before(old.get('Annots')), this.now(now.get('Annots')));
      } else if (key === 'Contents') {
        this.emit('never', 'page-content-changed', c.num, `${this.pageLabel(c.num)} /Contents changed (${show(old.get(key))} -> ${show(now.get(key))})`);
      } else {
        this.emit('never', 'page-tree-changed', c.num, `${this.pageLabel(c.num)} /${key} changed`);
      }
    }
  }

  private annotsChange(pageNum: number, obj: number, was: PdfObject | undefined, is: PdfObject | undefined): void {
    const oldArr = Array.isArray(was) ? was : [];
    const newArr = Array.isArray(is) ? is : [];
    const inOld = (x: PdfObject): boolean => oldArr.some((y) => pdfEquals(x, y));
    const inNew = (x: PdfObject): boolean => newArr.some((y) => pdfEquals(x, y));
    const keptOld = oldArr.filter(inNew);
    const keptNew = newArr.filter(inOld);
    if (keptOld.length !== keptNew.length || !keptOld.every((x, i) => pdfEquals(x, keptNew[i]))) {
      this.emit('annotation', 'annotation-changed', obj, `annotations of page object ${pageNum} reordered`);
    }
    for (const x of oldArr) {
      if (inNew(x)) continue;
      const a = this.before(x);
      this.emit(isWidget(a) ? 'never' : 'annotation', 'annotation-removed', refNum(x) ?? obj, `${isWidget(a) ? 'widget' : 'annotation'} ${show(x)} removed from ${this.pageLabel(pageNum)}`);
    }
    for (const x of newArr) {
      if (inOld(x)) continue;
      const a = dictOf(this.now(x));
      const num = refNum(x);
      if (a && isWidget(a) && fieldType(this.reader, a, this.rev) === 'Sig') {
        const field = a.has('FT') ? a : dictOf(this.now(a.get('Parent'))) ?? a;
        this.emit(this.sigFieldNeed(field), 'page-annots-extended', obj, `page object ${pageNum} /Annots gains signature widget ${show(x)}`);
      } else if (a && isWidget(a)) {
        this.emit('never', 'annotation-added', num ?? obj, `widget ${show(x)} of a non-signature field added to ${this.pageLabel(pageNum)}`);
      } else {
        const sub = nameValue(a?.get('Subtype')) ?? '?';
        this.emit('annotation', 'annotation-added', num ?? obj, `/${sub} annotation ${show(x)} added to page object ${pageNum}`);
        if (num !== undefined && this.isNewObj(num) && !this.explained.has(num)) {
          this.explained.add(num);
          this.closure(a ?? null, 'annotation', 'annotation-added', `annotation ${num}`);
        }
      }
    }
  }

  // ---- 6. whatever no rule explained ----

  private leftovers(): void {
    const rest = [...this.changed.values()].filter((c) => !this.explained.has(c.num));
    if (rest.length === 0) return;
    // The page index is only needed to name a redefinition or to check an orphan's number.
    const index = (): StructureIndex => (this.prevIndex ??= buildStructureIndex(this.reader, this.prev));
    for (const c of rest.filter((x) => !x.isNew)) {
      this.explained.add(c.num);
      const t = typeName(c.old);
      const idx = index();
      if (idx.contents.has(c.num)) {
        this.emit('never', 'page-content-changed', c.num, `content stream ${c.num} of page ${idx.contents.get(c.num)} changed`);
      } else if (idx.resources.has(c.num)) {
        this.emit('never', 'page-resources-changed', c.num, `resource object ${c.num} of page ${idx.resources.get(c.num)} changed`);
      } else if (t === 'Catalog') {
        this.emit('never', 'catalog-changed', c.num, `former catalog object ${c.num} changed`);
      } else if (isSignatureDict(c.old)) {
        this.emit('never', 'signature-changed', c.num, `existing signature dictionary ${c.num} changed`);
      } else {
        this.emit('never', 'object-changed', c.num, `object ${c.num}${t ? ` (/${t})` : ''} changed`);
      }
    }
    // New objects used by a disallowed change are part of it; a new object taking the number of
    // a reference the previous revision could not resolve changes what that reference means.
    const queue = [...this.tainted];
    while (queue.length > 0) {
      const from = queue.pop()!;
      for (const r of refsIn(this.changed.get(from)?.now)) {
        const c = this.changed.get(r.num);
        if (!c || !c.isNew || this.explained.has(c.num)) continue;
        this.explained.add(c.num);
        this.emit('never', 'object-added', c.num, `new object ${c.num} (${typeName(c.now) ?? show(c.now)}) used by disallowed change to object ${from}`);
        queue.push(c.num);
      }
    }
    for (const c of rest.filter((x) => x.isNew && !this.explained.has(x.num))) {
      this.explained.add(c.num);
      if (this.tainted.has(c.num)) continue; // already reported as disallowed
      if (this.wasDangling(c.num, index())) continue;
      const what = isAnnotation(c.now) ? `new annotation ${c.num} not placed on any page` : `new object ${c.num} (${typeName(c.now) ?? show(c.now)}) referenced by nothing allowed`;
      this.emit('lta', 'object-added-unreferenced', c.num, what);
    }
  }

  /**
   * A new object that takes the number of a reference the previous revision's page tree could not
   * resolve changes what that reference means. Writers number new objects from /Size up, so only
   * orphans and new objects below the previous /Size are checked (the check walks the page tree).
   */
  private danglingReferences(): void {
    const prevSize = numberValue(this.reader.revisions[this.prev]!.trailer.get('Size')) ?? 0;
    for (const c of this.changed.values()) {
      if (c.isNew && c.num < prevSize) this.wasDangling(c.num, (this.prevIndex ??= buildStructureIndex(this.reader, this.prev)));
    }
  }

  private wasDangling(num: number, idx: StructureIndex): boolean {
    const page = idx.contents.get(num) ?? idx.resources.get(num) ?? idx.annots.get(num);
    if (page === undefined && !idx.annotsArrays.has(num)) return false;
    const kind = idx.contents.has(num) ? 'page-content-changed' : idx.resources.has(num) ? 'page-resources-changed' : 'annotation-added';
    this.emit('never', kind, num, `object ${num} was referenced by ${page !== undefined ? `page ${page}` : 'a page'} but missing; now defined`);
    return true;
  }

  private deletions(): void {
    if (this.deleted.length === 0) return;
    this.prevIndex ??= buildStructureIndex(this.reader, this.prev);
    const idx = this.prevIndex;
    const t0 = this.reader.revisions[this.prev]!.trailer;
    const root = refNum(t0.get('Root'));
    const af = refNum(dictOf(this.before(t0.get('Root')))?.get('AcroForm'));
    for (const { num, old } of this.deleted) {
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
      this.emit(structural ? 'never' : 'lta', 'object-deleted', num, `object ${num}${t ? ` (/${t})` : ''} freed${structural ? ' although the document uses it' : ''}`);
    }
  }
}
