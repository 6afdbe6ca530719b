// The state of one revision's analysis, shared by the rule families: what the revision (re)defines,
// what a rule has explained so far, and the findings. A rule explains an object by adding its
// number to `explained` and emitting a finding with the DocMDP level it needs:
//   lta         DSS, document timestamps, xref/object-stream containers, /Info, XMP, orphans
//   form        new signatures and signature fields, form filling (DocMDP P >= 2, the default)
//   annotation  adding, changing, removing non-widget annotations (DocMDP P = 3)
//   never       everything else (page content, page tree, catalog, existing fields, ...)
// Descriptions name pages and fields, never object numbers: those go in `object`.

import { isDocaxisError } from '../../errors.js';
import type { PdfReader } from '../../pdf/reader.js';
import { PdfDict, PdfRef, PdfStream, PdfString, nameValue, pdfEquals } from '../../pdf/objects.js';
import type { PdfObject } from '../../pdf/objects.js';
import { buildStructureIndex, dictOf, isDocTimeStamp, isSignatureDict, refsIn, typeName } from './graph.js';
import type { StructureIndex } from './graph.js';
import type { ModificationKind } from './kinds.js';

export interface Modification {
  revision: number;
  object?: number;
  /** Stable kebab-case code (kinds.ts), e.g. 'signature-added', 'page-content-changed'. */
  kind: ModificationKind;
  /** One line, human readable, without object numbers. */
  description: string;
}

export type Need = 'lta' | 'form' | 'annotation' | 'never';
export const NEED_RANK: Record<Need, number> = { lta: 1, form: 2, annotation: 3, never: 99 };

export interface Finding {
  mod: Modification;
  need: Need;
  /** The form field the change belongs to (fully qualified), for FieldMDP locks. */
  field?: string;
  /** True when the change alters that field, so a FieldMDP lock on it forbids the change. */
  lockable?: boolean;
}

export interface Change {
  num: number;
  old: PdfObject;
  now: PdfObject;
  /** Not in use before this revision (free, missing or past the end). */
  isNew: boolean;
}

export interface FieldNote {
  field?: string | undefined;
  lockable?: boolean;
}

export class RevisionContext {
  readonly prev: number;
  readonly changed = new Map<number, Change>();
  readonly deleted: Array<{ num: number; old: PdfObject }> = [];
  readonly explained = new Set<number>();
  /** Objects with a 'never' finding: new objects they reference are not orphans. */
  readonly tainted = new Set<number>();
  readonly findings: Finding[] = [];
  /** Page objects of new signature widgets (their /P): a cheap way to find an /Annots array's page. */
  readonly widgetPages = new Set<number>();
  /**
   * New widgets found in the /Kids of a new signature field, by object number, with that field:
   * how a page's new /Annots entry is traced to its field when the widget has no /Parent (which
   * pades/signature-field.ts leaves out for poppler <= 22; see addFieldWithWidgets there).
   */
  readonly signatureKids = new Map<number, PdfDict>();
  private prevIndex: StructureIndex | undefined;

  constructor(
    readonly reader: PdfReader,
    readonly rev: number,
  ) {
    this.prev = rev - 1;
    this.collect();
  }

  /** Equal, and not a reference to an object this revision redefines. */
  readonly same = (a: PdfObject | undefined, b: PdfObject | undefined): boolean =>
    pdfEquals(a, b) && !(a instanceof PdfRef && this.changed.has(a.num));

  emit(need: Need, kind: ModificationKind, object: number | undefined, description: string, note: FieldNote = {}): void {
    const mod: Modification = { revision: this.rev, kind, description };
    if (object !== undefined) mod.object = object;
    const f: Finding = { mod, need };
    if (note.field !== undefined) f.field = note.field;
    if (note.lockable) f.lockable = true;
    this.findings.push(f);
    if (need === 'never' && object !== undefined) this.tainted.add(object);
  }

  at(o: PdfObject | undefined, rev: number): PdfObject | undefined {
    try {
      return this.reader.resolve(o, rev);
    } catch {
      return undefined;
    }
  }

  now(o: PdfObject | undefined): PdfObject | undefined {
    return this.at(o, this.rev);
  }

  before(o: PdfObject | undefined): PdfObject | undefined {
    return this.at(o, this.prev);
  }

  isNewObj(num: number | undefined): boolean {
    return num !== undefined && this.changed.get(num)?.isNew === true;
  }

  /** What the previous revision's page tree points at (built once, on first use). */
  index(): StructureIndex {
    return (this.prevIndex ??= buildStructureIndex(this.reader, this.prev));
  }

  pageLabel(num: number): string {
    const n = this.index().pages.get(num);
    return n !== undefined ? `page ${n}` : 'a page object outside the page tree';
  }

  trailers(): { t0: PdfDict; t1: PdfDict } {
    return { t0: this.reader.revisions[this.prev]!.trailer, t1: this.reader.revisions[this.rev]!.trailer };
  }

  /** The catalog before and after this revision (an empty dictionary when missing before). */
  catalogs(): { oldCat: PdfDict; newCat: PdfDict | undefined; rootNum: number | undefined } {
    const { t0, t1 } = this.trailers();
    const root = t1.get('Root');
    return {
      oldCat: dictOf(this.before(t0.get('Root'))) ?? new PdfDict(),
      newCat: dictOf(this.now(root)),
      rootNum: root instanceof PdfRef ? root.num : undefined,
    };
  }

  /**
   * Explains the new, not yet explained objects reachable from `roots` through new objects only
   * (an unchanged object's references are what they were). Redefined objects are never explained
   * by reachability: they need a rule of their own.
   */
  closure(roots: PdfObject | undefined, need: Need, kind: ModificationKind, what: string, note: FieldNote = {}): void {
    const queue = refsIn(roots);
    while (queue.length > 0) {
      const ref = queue.pop()!;
      const c = this.changed.get(ref.num);
      if (!c || !c.isNew || this.explained.has(ref.num)) continue;
      this.explained.add(ref.num);
      this.emit(need, kind, ref.num, `${what}: new ${describe(c.now)}`, note);
      refsIn(c.now, queue);
    }
  }

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
        // The reader's message may name object numbers and offsets; the code says enough.
        this.emit('never', 'object-malformed', num, `an object cannot be read (${isDocaxisError(e) ? e.code : 'unreadable'})`);
        continue;
      }
      if (oldKnown && old !== null && pdfEquals(old, now)) continue;
      this.changed.set(num, { num, old, now, isNew: oldKnown && old === null });
    }
  }
}

/** A short, number-free description of an object: its /Type, or its shape. */
export function describe(o: PdfObject | undefined): string {
  const t = typeName(o);
  if (t) return `/${t} ${o instanceof PdfStream ? 'stream' : 'dictionary'}`;
  return show(o);
}

/** A value as a person reads it; references are not spelled out (their number is in `object`). */
export function show(o: PdfObject | undefined): string {
  if (o === undefined) return 'absent';
  if (o instanceof PdfRef) return 'an indirect object';
  if (o instanceof PdfString) return `(${o.text().slice(0, 40)})`;
  if (o === null || typeof o !== 'object') return String(o);
  const n = nameValue(o);
  if (n !== undefined) return `/${n}`;
  return Array.isArray(o) ? `array of ${o.length}` : o instanceof PdfStream ? 'stream' : 'dictionary';
}

export function keyList(keys: string[]): string {
  return keys.map((k) => `/${k}`).join(', ');
}

export function refNum(o: PdfObject | undefined): number | undefined {
  return o instanceof PdfRef ? o.num : undefined;
}

export function fieldLabel(name: string | undefined): string {
  return name !== undefined ? `'${name}'` : '(unnamed)';
}

/** The level a signature field needs: a document timestamp is an LTA update, a signature is signing. */
export function sigFieldNeed(cx: RevisionContext, field: PdfDict): Need {
  return isDocTimeStamp(cx.now(field.get('V'))) ? 'lta' : 'form';
}

/**
 * The field carries, as of this revision, a signature value that this revision introduces: only
 * then may its widgets paint (a field pointing at an older signature's dictionary is not signed
 * here, whatever it claims).
 */
export function signedInThisRevision(cx: RevisionContext, field: PdfDict): boolean {
  const v = field.get('V');
  return v instanceof PdfRef && cx.isNewObj(v.num) && isSignatureDict(cx.now(v));
}

/** The terminal field a widget belongs to: itself when merged (or parentless), else its /Parent. */
export function fieldOfWidget(cx: RevisionContext, widget: PdfDict, rev: number): PdfDict {
  if (widget.has('FT') || widget.has('T') || !widget.has('Parent')) return widget;
  return dictOf(cx.at(widget.get('Parent'), rev)) ?? widget;
}
