// Where a signature dictionary's own /Contents string stands in the file. The /ByteRange gap is
// only meaningful if it is exactly that string: a dictionary that copies another signature's
// /ByteRange (with its own /Contents elsewhere) must not borrow that signature's CMS.
//
// The dictionary is found the way the reader finds it: through the xref entry of the object
// that holds it (the signature dictionary itself, or the field whose /V is an inline dictionary)
// in each revision that defines that object. The bytes there are walked token by token, so the
// position is that of the key the parser keeps (the last one, as PdfDict does for duplicates).
import { type Lexer, bufferView, isDigit } from '../pdf/lexer.js';
import { PdfDict, PdfString, pdfEquals, type PdfRef } from '../pdf/objects.js';
import { Parser } from '../pdf/parser.js';
import type { PdfReader } from '../pdf/reader.js';
import { DRIFT_WINDOW } from '../pdf/xref.js';

/** The object that holds a signature dictionary: the dictionary itself, or a field with an inline /V. */
export type SignatureHolder = { kind: 'object'; ref: PdfRef } | { kind: 'inline-value'; fieldRef: PdfRef };

export interface ContentsSpan {
  /** Offset of the "<" of the hex string, and just past its ">". */
  start: number;
  end: number;
  /** The revision whose xref points at the bytes holding this definition. */
  revision: number;
}

export type ContentsLocation =
  | { ok: true; span: ContentsSpan }
  | { ok: false; reason: string; /** The spans of every definition of this dictionary that was found. */ spans: ContentsSpan[] };

/**
 * Finds the definition of the holder, in `fromRevision` or a later revision that redefines it,
 * whose signature dictionary equals `dict` and whose /Contents is the hex string at [start, end).
 */
export function locateContents(reader: PdfReader, holder: SignatureHolder, dict: PdfDict, fromRevision: number, gap: { start: number; end: number }): ContentsLocation {
  const ref = holder.kind === 'object' ? holder.ref : holder.fieldRef;
  const path = holder.kind === 'object' ? ['Contents'] : ['V', 'Contents'];
  const spans: ContentsSpan[] = [];
  let inObjectStream = false;
  let notFound = false;
  for (const revision of definingRevisions(reader, ref.num, fromRevision)) {
    const entry = reader.revisions[revision]!.entries.get(ref.num);
    if (!entry || entry.type === 'free') continue;
    if (entry.type === 'compressed') {
      inObjectStream = true;
      continue;
    }
    if (entry.gen !== ref.gen) continue;
    const walked = walkDefinition(reader, ref, reader.base + (entry.offset ?? -1), path);
    if (!walked?.span || !pdfEquals(walked.dict, dict)) {
      notFound = true;
      continue;
    }
    const span = { ...walked.span, revision };
    spans.push(span);
    if (span.start === gap.start && span.end === gap.end) return { ok: true, span };
  }
  if (spans.length > 0) return { ok: false, reason: "the /ByteRange gap is not this signature dictionary's own /Contents", spans };
  if (inObjectStream) return { ok: false, reason: 'the signature dictionary is stored in an object stream, so its /Contents cannot be the /ByteRange gap', spans };
  return {
    ok: false,
    reason: notFound ? 'the signature dictionary has no hex /Contents string where its xref entry points' : 'the signature dictionary has no xref entry of its own',
    spans,
  };
}

/** Revisions, oldest first, whose xref (re)defines object `num`, from the one visible at `from`. */
function definingRevisions(reader: PdfReader, num: number, from: number): number[] {
  const out: number[] = [];
  const visible = reader.entry(num, from);
  if (visible) out.push(visible.revision);
  for (let r = from + 1; r < reader.revisions.length; r++) if (reader.revisions[r]!.entries.has(num)) out.push(r);
  return out;
}

interface Walked {
  /** The dictionary at the end of the path (the signature dictionary), as the parser reads it. */
  dict: PdfDict;
  span: { start: number; end: number } | undefined;
}

/** "num gen obj <<...>>" at `abs` or, as the reader tolerates, a header a little off it. */
function walkDefinition(reader: PdfReader, ref: PdfRef, abs: number, path: readonly string[]): Walked | undefined {
  for (const at of [abs, ...nearbyHeaders(reader.bytes, ref, abs)]) {
    try {
      const walked = walkAt(reader.bytes, ref, at, path);
      if (walked) return walked;
    } catch {
      // not this candidate
    }
  }
  return undefined;
}

function walkAt(bytes: Uint8Array, ref: PdfRef, at: number, path: readonly string[]): Walked | undefined {
  if (at < 0 || at >= bytes.length) return undefined;
  const p = new Parser(bytes, at);
  const lx = p.lexer;
  const n = lx.next();
  const g = lx.next();
  const kw = lx.next();
  if (n.kind !== 'number' || n.value !== ref.num || g.kind !== 'number' || g.value !== ref.gen || kw.kind !== 'keyword' || kw.value !== 'obj') return undefined;
  return walkDict(p, lx, path);
}

/** Cursor before "<<": parses the dictionary, following `path` into nested dictionaries. */
function walkDict(p: Parser, lx: Lexer, path: readonly string[]): Walked | undefined {
  const open = lx.next();
  if (open.kind !== 'delim' || open.value !== '<<') return undefined;
  const dict = new PdfDict();
  let target: Walked | undefined;
  for (;;) {
    const key = lx.next();
    if (key.kind === 'delim' && key.value === '>>') break;
    if (key.kind !== 'name') return undefined;
    lx.skipSpace();
    const start = lx.pos;
    if (bytesAt(lx, '>>')) continue; // "/Key >>": the parser drops the key
    const [head, ...rest] = path;
    if (key.value === head && rest.length > 0 && bytesAt(lx, '<<')) {
      const inner = walkDict(p, lx, rest);
      if (!inner) return undefined;
      dict.set(key.value, inner.dict);
      target = inner;
      continue;
    }
    const value = p.parseObject();
    if (value === null) continue; // as the parser: a null value leaves the key absent
    dict.set(key.value, value);
    if (key.value === head && rest.length === 0) {
      target = { dict, span: value instanceof PdfString && value.hex ? { start, end: lx.pos } : undefined };
    } else if (key.value === head) {
      target = undefined; // the path's dictionary was replaced by a later non-dictionary value
    }
  }
  if (path.length === 1) return { dict, span: target?.span };
  if (!target) return undefined;
  return target;
}

function bytesAt(lx: Lexer, s: string): boolean {
  return lx.bytes[lx.pos] === s.charCodeAt(0) && lx.bytes[lx.pos + 1] === s.charCodeAt(1);
}

/** "num gen obj" headers within the reader's drift window, closest first. */
function nearbyHeaders(bytes: Uint8Array, ref: PdfRef, abs: number): number[] {
  const needle = Buffer.from(`${ref.num} ${ref.gen} obj`, 'latin1');
  const buf = bufferView(bytes);
  const out: number[] = [];
  for (let at = buf.indexOf(needle, Math.max(0, abs - DRIFT_WINDOW)); at >= 0 && at < abs + DRIFT_WINDOW; at = buf.indexOf(needle, at + 1)) {
    if (at !== abs && !isDigit(bytes[at - 1])) out.push(at);
  }
  return out.sort((a, b) => Math.abs(a - abs) - Math.abs(b - abs));
}
