// Lazy PDF reader: opening reads the header, the tail and the xref chain only; objects are parsed
// when asked for and cached per reader. Revisions (incremental updates) are kept apart so that
// the layers above can see the document as it was at each signature.

import { DocaxisError, asDocaxisError } from '../errors.js';
import { PdfDict, PdfRef, PdfStream, type PdfObject } from './objects.js';
import { bufferView, isDigit, isWhitespace } from './lexer.js';
import { parseIndirectAt, type IndirectObject } from './parser.js';
import { DRIFT_WINDOW, maxEntryNumber, readSection, readSectionNear, type XrefEntry, type XrefSection } from './xref.js';
import { decodeStreamData } from './filters.js';
import { ObjectStream } from './objstm.js';
import { reconstruct, scanObjectHeaders } from './reconstruct.js';
import { ReadBudget, isLimitError, limitError, resolveLimits, type PdfLimits } from './limits.js';

export { DEFAULT_PDF_LIMITS, type PdfLimits } from './limits.js';

export type { XrefEntry } from './xref.js';
export type XrefKind = 'table' | 'stream' | 'hybrid';

export interface Revision {
  index: number;
  startxref: number;
  xrefKind: XrefKind;
  trailer: PdfDict;
  end: number;
  entries: ReadonlyMap<number, XrefEntry>;
}

const PDF_HEADER = Buffer.from('%PDF-', 'latin1');
const STARTXREF = Buffer.from('startxref', 'latin1');
const EOF_MARK = Buffer.from('%%EOF', 'latin1');
/** How far before the end we look for "startxref" (trailing junk after %%EOF included). */
const TAIL_WINDOW = 4096;

export interface PdfReaderOptions {
  /** Refuse files larger than this (PDF_TOO_LARGE). */
  maxBytes?: number;
  /** Structural budgets; anything left out takes its DEFAULT_PDF_LIMITS value. */
  limits?: Partial<PdfLimits>;
}

export class PdfReader {
  readonly version: string;
  readonly revisions: readonly Revision[];
  readonly trailer: PdfDict;
  readonly xrefKind: XrefKind;
  readonly size: number;
  readonly startxref: number;
  /** Bytes after the latest revision's %%EOF line (0 for a well-formed file). */
  readonly trailingBytes: number;
  /** True when the xref was unreadable and the index was rebuilt by scanning the file. */
  readonly reconstructed: boolean;
  /** Offset of the %PDF- header; xref offsets are relative to it. */
  readonly base: number;
  /**
   * True when the latest xref section read but its /Prev chain could not be followed to its end
   * (garbage, outside the file, a loop): `revisions` then holds only the newest revisions, and
   * objects defined only in the lost ones read as null. The revisions cannot be established.
   */
  readonly brokenPrevChain: boolean;
  readonly limits: Readonly<PdfLimits>;
  /** Decoded bytes and xref rows spent so far (against `limits`). */
  private readonly budget: ReadBudget;

  /** Objects from object streams, by stream and index (and number: see getObject). */
  private readonly cache = new Map<string, PdfObject>();
  /** Direct objects by absolute offset, with the number and generation found there. */
  private readonly directCache = new Map<number, { num: number; gen: number; obj: PdfObject }>();
  /** Object streams by the offset of their object, or `x<num>` when that is not a direct object. */
  private readonly objStms = new Map<string | number, ObjectStream>();
  private readonly loading = new Set<string | number>();
  private loadDepth = 0;
  private scanned: Map<number, { offset: number; gen: number }> | undefined;
  /** Indirect objects parsed per absolute offset (or the error), so that many xref entries
   * pointing at one large object do not parse it again each. */
  private readonly parsedAt = new Map<number, IndirectObject | Error>();
  /** Literal strings found unterminated, shared by every parse of this file (see Lexer). */
  private readonly unterminated = new Map<number, number>();

  private constructor(
    readonly bytes: Uint8Array,
    init: { version: string; base: number; revisions: Revision[]; reconstructed: boolean; brokenPrevChain: boolean; budget: ReadBudget },
  ) {
    this.version = init.version;
    this.base = init.base;
    this.revisions = init.revisions;
    this.reconstructed = init.reconstructed;
    this.brokenPrevChain = init.brokenPrevChain;
    this.budget = init.budget;
    this.limits = init.budget.limits;
    const latest = init.revisions[init.revisions.length - 1]!;
    this.trailer = latest.trailer;
    this.xrefKind = latest.xrefKind;
    this.startxref = latest.startxref;
    this.trailingBytes = bytes.length - latest.end;
    const size = latest.trailer.get('Size');
    let max = -1;
    for (const r of init.revisions) max = Math.max(max, maxEntryNumber(r.entries));
    // A /Size beyond what the file can hold (a repaired file's trailer is not checked) is ignored.
    const plausible = typeof size === 'number' && Number.isInteger(size) && size > max && size <= init.budget.xrefEntryLimit;
    this.size = plausible ? size : max + 1;
  }

  /** Decoded bytes spent so far through this reader (xref and object streams included). */
  get decodedBytes(): number {
    return this.budget.decodedBytes;
  }

  static open(bytes: Uint8Array, options: PdfReaderOptions = {}): PdfReader {
    if (!(bytes instanceof Uint8Array)) throw new DocaxisError('PDF_NOT_PDF', 'input is not a byte array');
    if (bytes.length === 0) throw new DocaxisError('PDF_EMPTY');
    if (options.maxBytes !== undefined && bytes.length > options.maxBytes) {
      throw new DocaxisError('PDF_TOO_LARGE', `${bytes.length} bytes > ${options.maxBytes}`);
    }
    const budget = new ReadBudget(resolveLimits(options.limits), bytes.length);
    try {
      return PdfReader.openUnchecked(bytes, budget);
    } catch (e) {
      throw asDocaxisError(e, 'PDF_XREF_BROKEN');
    }
  }

  private static openUnchecked(bytes: Uint8Array, budget: ReadBudget): PdfReader {
    const buf = bufferView(bytes);
    const base = buf.subarray(0, 1024 + PDF_HEADER.length).indexOf(PDF_HEADER);
    if (base < 0) throw new DocaxisError('PDF_NOT_PDF');
    const vm = /^%PDF-(\d+\.\d+)/.exec(buf.toString('latin1', base, Math.min(bytes.length, base + 16)));
    const version = vm?.[1] ?? '1.0';

    const sx = buf.lastIndexOf(STARTXREF);
    if (sx < 0 || sx < bytes.length - TAIL_WINDOW) throw new DocaxisError('PDF_TRUNCATED', 'no startxref near the end');
    let p = sx + STARTXREF.length;
    while (p < bytes.length && isWhitespace(bytes[p])) p++;
    if (!isDigit(bytes[p])) throw new DocaxisError('PDF_TRUNCATED', 'startxref has no offset');
    let startxref = 0;
    while (p < bytes.length && isDigit(bytes[p])) startxref = startxref * 10 + (bytes[p++]! - 0x30);
    if (buf.indexOf(EOF_MARK, p) < 0) throw new DocaxisError('PDF_TRUNCATED', 'no %%EOF after startxref');

    let revisions: Revision[];
    let reconstructed = false;
    let brokenPrevChain = false;
    try {
      ({ revisions, brokenPrevChain } = readRevisions(bytes, base, startxref, budget));
    } catch (e) {
      // Only an unreadable latest xref is repaired; a spent budget is final.
      if (!(e instanceof DocaxisError) || e.code !== 'PDF_XREF_BROKEN') throw e;
      const r = reconstruct(bytes, base, budget);
      reconstructed = true;
      revisions = [{ index: 0, startxref, xrefKind: 'table', trailer: r.trailer, end: eofLineEnd(bytes, sx), entries: r.entries }];
    }
    if (brokenPrevChain) revisions = withLostRevisionsScanned(bytes, base, revisions, budget);
    if (revisions.some((r) => r.trailer.has('Encrypt'))) throw new DocaxisError('PDF_ENCRYPTED');
    return new PdfReader(bytes, { version, base, revisions, reconstructed, brokenPrevChain, budget });
  }

  private revisionIndex(atRevision: number | undefined): number {
    const last = this.revisions.length - 1;
    if (atRevision === undefined) return last;
    if (!Number.isInteger(atRevision) || atRevision < 0 || atRevision > last) {
      throw new DocaxisError('PDF_OBJECT_NOT_FOUND', `no revision ${atRevision}`);
    }
    return atRevision;
  }

  /** The xref entry visible at a revision, and the revision that defines it. */
  entry(num: number, atRevision?: number): { entry: XrefEntry; revision: number } | undefined {
    for (let r = this.revisionIndex(atRevision); r >= 0; r--) {
      const e = this.revisions[r]!.entries.get(num);
      if (e) return { entry: e, revision: r };
    }
    return undefined;
  }

  getObject(ref: PdfRef | number, atRevision?: number): PdfObject {
    const num = typeof ref === 'number' ? ref : ref.num;
    const at = this.revisionIndex(atRevision);
    const found = this.entry(num, at);
    if (!found || found.entry.type === 'free') return null;
    const { entry, revision } = found;
    if (entry.type === 'inuse') {
      if (ref instanceof PdfRef && ref.gen !== entry.gen) return null; // stale generation: PDF null
      // Checked by number too: two entries pointing at one offset must not read as the same object.
      // The rare second entry is cached under a key with its number.
      const off = entry.offset ?? -1;
      const hit = this.directCache.get(off);
      if (hit !== undefined) {
        if (hit.num === num && hit.gen === entry.gen) return hit.obj;
        return this.load(`o${off}:${num}:${entry.gen}`, () => this.loadDirect(num, entry.gen, off, revision));
      }
      const obj = this.load(off, () => this.loadDirect(num, entry.gen, off, revision), false);
      this.directCache.set(off, { num, gen: entry.gen, obj });
      return obj;
    }
    if (ref instanceof PdfRef && ref.gen !== 0) return null;
    const stmNum = entry.objStm ?? -1;
    const stm = this.entry(stmNum, revision);
    const stmKey = stm?.entry.type === 'inuse' ? (stm.entry.offset ?? -1) : `x${stmNum}`;
    // The object stream caches what it parsed, by index, after checking the number there.
    const os = this.objectStream(stmNum, stmKey, revision);
    try {
      return os.objectAt(entry.index ?? -1, num);
    } catch (e) {
      throw asDocaxisError(e, 'PDF_OBJECT_MALFORMED');
    }
  }

  /** Caches, and guards against re-entrant or runaway loading (e.g. a /Length pointing at itself). */
  private load(key: string | number, f: () => PdfObject, cache = true): PdfObject {
    const hit = cache ? this.cache.get(key as string) : undefined;
    if (hit !== undefined) return hit;
    const o = this.guard(key, f);
    if (cache) this.cache.set(key as string, o);
    return o;
  }

  private guard<T>(key: string | number, f: () => T): T {
    if (this.loading.has(key)) throw new DocaxisError('PDF_REFERENCE_LOOP', 'an object needs itself to be read (e.g. a /Length or an object stream that refers to itself)');
    if (this.loadDepth >= this.limits.maxRefChain) {
      throw limitError('PDF_LIMIT_REFERENCE_CHAIN', `more than ${this.limits.maxRefChain} objects needed to read one object`);
    }
    this.loading.add(key);
    this.loadDepth++;
    try {
      return f();
    } catch (e) {
      throw asDocaxisError(e, 'PDF_OBJECT_MALFORMED');
    } finally {
      this.loading.delete(key);
      this.loadDepth--;
    }
  }

  private loadDirect(num: number, gen: number, offset: number, revision: number): PdfObject {
    const options = {
      maxNesting: this.limits.maxNesting,
      unterminated: this.unterminated,
      resolveLength: (r: PdfRef): number | undefined => {
        try {
          const v = this.getObject(r, revision);
          return typeof v === 'number' ? v : undefined;
        } catch {
          return undefined; // the endstream search takes over
        }
      },
    };
    let firstError: unknown;
    const tryAt = (abs: number): PdfObject | undefined => {
      let o = this.parsedAt.get(abs);
      if (o === undefined) {
        try {
          o = parseIndirectAt(this.bytes, abs, options);
        } catch (e) {
          if (isLimitError(e)) throw e; // candidates nearby would pay the same cost again
          o = e instanceof Error ? e : new Error(String(e));
        }
        // The usual hit is cached by load(); only misses are kept here, for the next entry that
        // points at the same place.
        if (o instanceof Error || o.num !== num || o.gen !== gen) this.parsedAt.set(abs, o);
      }
      if (o instanceof Error) {
        firstError ??= o;
        return undefined;
      }
      return o.num === num && o.gen === gen ? o.obj : undefined;
    };
    const abs = this.base + offset;
    if (offset >= 0 && abs < this.bytes.length) {
      const o = tryAt(abs);
      if (o !== undefined) return o;
    }
    // Offsets a few bytes off are common; look for the exact header nearby, then anywhere.
    for (const at of this.headerCandidates(num, gen, abs)) {
      const o = tryAt(at);
      if (o !== undefined) return o;
    }
    if (firstError !== undefined) throw firstError;
    throw new DocaxisError('PDF_OBJECT_MALFORMED', `object ${num} ${gen} is not at its xref offset`);
  }

  private headerCandidates(num: number, gen: number, abs: number): number[] {
    const needle = Buffer.from(`${num} ${gen} obj`, 'latin1');
    // Searched within the window only: a search to the end of the file for each object that is
    // not at its offset would make reading such a file quadratic.
    const buf = bufferView(this.bytes).subarray(0, Math.min(this.bytes.length, Math.max(0, abs + DRIFT_WINDOW + needle.length)));
    const lo = Math.max(0, abs - DRIFT_WINDOW);
    const out: number[] = [];
    for (let at = buf.indexOf(needle, lo); at >= 0 && at < abs + DRIFT_WINDOW; at = buf.indexOf(needle, at + 1)) {
      if (!isDigit(this.bytes[at - 1]) && at !== abs) out.push(at);
    }
    out.sort((a, b) => Math.abs(a - abs) - Math.abs(b - abs));
    this.scanned ??= scanObjectHeaders(this.bytes);
    const s = this.scanned.get(num);
    if (s && s.gen === gen && !out.includes(s.offset) && s.offset !== abs) out.push(s.offset);
    return out;
  }

  private objectStream(num: number, key: string | number, revision: number): ObjectStream {
    let os = this.objStms.get(key);
    if (!os) {
      // Guarded like an object load: an object stream that lives in itself is a loop.
      os = this.guard(`s${key}`, () => {
        const s = this.getObject(num, revision);
        if (!(s instanceof PdfStream)) throw new DocaxisError('PDF_OBJECT_MALFORMED', `object stream ${num} is not a stream`);
        return ObjectStream.parse(s, this.decodeStream(s, revision), this.limits);
      });
      this.objStms.set(key, os);
    }
    return os;
  }

  /** Follows references (1 0 R -> 2 0 R -> ...) to a direct object; a loop or a long chain throws. */
  resolve(obj: PdfObject | undefined, atRevision?: number): PdfObject | undefined {
    let o = obj;
    const seen: number[] = [];
    for (let i = 0; o instanceof PdfRef; i++) {
      if (seen.includes(o.num)) throw new DocaxisError('PDF_REFERENCE_LOOP', `object ${o.num} refers back to itself through ${seen.length} reference(s)`);
      if (i >= this.limits.maxRefChain) throw limitError('PDF_LIMIT_REFERENCE_CHAIN', `more than ${this.limits.maxRefChain} references in a row`);
      seen.push(o.num);
      o = this.getObject(o, atRevision);
    }
    return o;
  }

  dictGet(dict: PdfDict, key: string, atRevision?: number): PdfObject | undefined {
    return this.resolve(dict.get(key), atRevision);
  }

  catalog(atRevision?: number): PdfDict {
    const rev = this.revisions[this.revisionIndex(atRevision)]!;
    const root = this.resolve(rev.trailer.get('Root'), rev.index);
    if (!(root instanceof PdfDict)) throw new DocaxisError('PDF_OBJECT_MALFORMED', 'the trailer /Root is not a dictionary');
    return root;
  }

  objectNumbers(atRevision?: number): number[] {
    const seen = new Set<number>();
    const out: number[] = [];
    for (let r = this.revisionIndex(atRevision); r >= 0; r--) {
      for (const [n, e] of this.revisions[r]!.entries) {
        if (seen.has(n)) continue;
        seen.add(n);
        if (e.type !== 'free') out.push(n);
      }
    }
    return out.sort((a, b) => a - b);
  }

  /** The revision whose xref defines the object visible at `atRevision`; undefined if free or absent. */
  definingRevision(num: number, atRevision?: number): number | undefined {
    const f = this.entry(num, atRevision);
    return f && f.entry.type !== 'free' ? f.revision : undefined;
  }

  decodeStream(stream: PdfStream, atRevision?: number): Uint8Array {
    try {
      return decodeStreamData(stream.dict, stream.raw, (o) => this.resolve(o, atRevision), this.budget);
    } catch (e) {
      throw asDocaxisError(e, 'PDF_OBJECT_MALFORMED');
    }
  }
}

/** Offset just past the first %%EOF at or after `from` and its end-of-line; file end if none. */
function eofLineEnd(bytes: Uint8Array, from: number): number {
  const at = bufferView(bytes).indexOf(EOF_MARK, from);
  if (at < 0) return bytes.length;
  let e = at + EOF_MARK.length;
  if (bytes[e] === 0x0d) e++;
  if (bytes[e] === 0x0a) e++;
  return e;
}

interface Group {
  sections: XrefSection[];
  kind: XrefKind;
  trailer: PdfDict;
  /** What each section read contributes, in reading order: a table or stream, and a hybrid's stream. */
  parts: Array<{ own: ReadonlyMap<number, XrefEntry>; stream?: ReadonlyMap<number, XrefEntry> }>;
}

interface Chain {
  revisions: Revision[];
  brokenPrevChain: boolean;
}

const LINEARIZED = Buffer.from('/Linearized', 'latin1');

/**
 * Follows startxref and /Prev (and /XRefStm) into revisions, oldest first. The latest section must
 * read (else the caller repairs); a /Prev that leads nowhere, into garbage or into a loop ends the
 * chain there, and the revisions read so far are kept with `brokenPrevChain` set.
 */
function readRevisions(bytes: Uint8Array, base: number, startxref: number, budget: ReadBudget): Chain {
  // Offsets are relative to the header; if that misses, try them as absolute.
  let first: XrefSection | undefined;
  for (const b of base > 0 ? [base, 0] : [0]) {
    try {
      first = readSection(bytes, b + startxref, budget);
      break;
    } catch (e) {
      if (isLimitError(e)) throw e;
      // next candidate
    }
  }
  first ??= readSectionNear(bytes, base + startxref, budget);
  // In a linearized file the first-page section points *forward* to the main one: both are the
  // latest revision, and a failure there is a broken latest xref (repaired), not a broken chain.
  const linearized = bufferView(bytes).subarray(base, base + 1024).includes(LINEARIZED);

  const visited = new Set<number>();
  const streams = new Map<number, XrefSection>(); // /XRefStm sections by offset: shared ones are read once
  const groups: Group[] = [];
  let section: XrefSection = first;
  let prevFrom = -1;
  let brokenPrevChain = false;
  for (;;) {
    visited.add(section.offset);
    let stream: XrefSection | undefined;
    const stmOff = section.kind === 'table' ? section.trailer.get('XRefStm') : undefined;
    if (typeof stmOff === 'number') {
      // Hybrid file (§7.5.8.4): the xref stream lists the compressed objects; it belongs to this
      // revision. Two tables may name the same stream (qpdf, pdfsig and pyHanko read such files).
      try {
        stream = streams.get(base + stmOff) ?? readSectionNear(bytes, base + stmOff, budget);
        if (stream.kind !== 'stream') throw new DocaxisError('PDF_XREF_BROKEN', '/XRefStm does not point at an xref stream');
        if (visited.has(stream.offset)) throw new DocaxisError('PDF_XREF_BROKEN', '/XRefStm points into the /Prev chain');
        streams.set(base + stmOff, stream);
      } catch (e) {
        if (groups.length === 0 || isLimitError(e)) throw e;
        brokenPrevChain = true;
        break;
      }
    }
    const sections = stream ? [section, stream] : [section];
    const part = stream ? { own: section.entries, stream: stream.entries } : { own: section.entries };
    const last = groups[groups.length - 1];
    // Linearized files: the first-page xref at the start points *forward* to the main xref;
    // together they are one revision.
    if (last && last.sections.length === 1 && prevFrom >= 0 && section.offset > prevFrom) {
      last.sections.push(...sections);
      last.parts.push(part);
    } else {
      groups.push({ sections, kind: stream ? 'hybrid' : section.kind, trailer: section.trailer, parts: [part] });
      if (groups.length > budget.limits.maxRevisions) {
        throw limitError('PDF_LIMIT_REVISIONS', `more than ${budget.limits.maxRevisions} revisions`, { allowed: budget.limits.maxRevisions });
      }
    }
    const prev = section.trailer.get('Prev');
    if (prev === undefined) break;
    const latestIncomplete = linearized && groups.length === 1 && groups[0]!.sections.length === 1;
    try {
      if (typeof prev !== 'number' || !Number.isInteger(prev) || prev < 0) throw new DocaxisError('PDF_XREF_BROKEN', '/Prev is not an offset');
      const next = readSectionNear(bytes, base + prev, budget);
      if (visited.has(next.offset)) throw new DocaxisError('PDF_XREF_BROKEN', '/Prev chain loops');
      prevFrom = section.offset;
      section = next;
    } catch (e) {
      if (isLimitError(e) || (latestIncomplete && typeof prev === 'number' && base + prev > section.offset)) throw e;
      brokenPrevChain = true;
      break;
    }
  }

  const revisions: Revision[] = [];
  const finals: Array<ReadonlyMap<number, XrefEntry>> = [];
  const visibleBefore = (num: number): XrefEntry | undefined => {
    for (let r = finals.length - 1; r >= 0; r--) {
      const e = finals[r]!.get(num);
      if (e) return e;
    }
    return undefined;
  };
  for (const g of groups.reverse()) {
    let entries: ReadonlyMap<number, XrefEntry> | undefined;
    for (const part of g.parts) {
      const own = part.stream ? mergeHybrid(part.own, part.stream, visibleBefore) : part.own;
      if (!entries) entries = own;
      else {
        // Linearized: the first-page section was read first and wins.
        const merged = new Map(entries);
        for (const [n, e] of own) if (!merged.has(n)) merged.set(n, e);
        entries = merged;
      }
    }
    finals.push(entries!);
    const lastEnd = Math.max(...g.sections.map((x) => x.end));
    revisions.push({
      index: revisions.length,
      startxref: g.sections[0]!.offset - base,
      xrefKind: g.kind,
      trailer: g.trailer,
      end: eofLineEnd(bytes, lastEnd),
      entries: entries!,
    });
  }
  return { revisions, brokenPrevChain };
}

/**
 * A hybrid revision's entries: its table, then what its xref stream adds for objects the table
 * leaves out or marks free (§7.5.8.4). A stream row equal to what an older revision already says
 * is no change of this revision: a stream shared by several tables then defines nothing twice.
 */
function mergeHybrid(
  table: ReadonlyMap<number, XrefEntry>,
  stream: ReadonlyMap<number, XrefEntry>,
  visibleBefore: (num: number) => XrefEntry | undefined,
): Map<number, XrefEntry> {
  const merged = new Map(table);
  for (const [n, e] of stream) {
    const t = merged.get(n);
    if (t && !(t.type === 'free' && e.type !== 'free')) continue;
    const older = visibleBefore(n);
    if (older && sameEntry(older, e)) {
      if (t) merged.delete(n); // the table's "free" is overridden by the stream, which repeats the older entry
      continue;
    }
    merged.set(n, e);
  }
  return merged;
}

function sameEntry(a: XrefEntry, b: XrefEntry): boolean {
  return a.type === b.type && a.gen === b.gen && a.offset === b.offset && a.objStm === b.objStm && a.index === b.index;
}

/**
 * A broken /Prev chain loses the earlier revisions, and with them the objects only they define
 * (the catalog, the fields of earlier signatures): without those the file reads as null where it
 * has content. They are found by scanning (later definitions win) and stand as one synthetic first
 * revision whose history is unknown: its `end` (-1) matches no signature's range, so no signature
 * is judged as covering a known revision. A scan that finds nothing usable keeps what was read.
 */
function withLostRevisionsScanned(bytes: Uint8Array, base: number, revisions: Revision[], budget: ReadBudget): Revision[] {
  let scanned: ReturnType<typeof reconstruct>;
  try {
    scanned = reconstruct(bytes, base, budget);
  } catch (e) {
    if (isLimitError(e)) throw e;
    return revisions;
  }
  const lost: Revision = { index: 0, startxref: -1, xrefKind: 'table', trailer: scanned.trailer, end: -1, entries: scanned.entries };
  return [lost, ...revisions.map((r, i) => ({ ...r, index: i + 1 }))];
}

