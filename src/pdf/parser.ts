// Builds PDF objects from tokens (§7.3): direct objects, indirect objects "n g obj ... endobj"
// and streams. Stream data is a subarray view of the input, never a copy.

import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfObject } from './objects.js';
import { Lexer, bufferView, isDigit, isWhitespace, malformed, type Token } from './lexer.js';
import { DEFAULT_PDF_LIMITS, limitError } from './limits.js';

/** Nesting deeper than this is hostile or broken; real files stay far below (PdfLimits.maxNesting). */
export const MAX_NESTING = DEFAULT_PDF_LIMITS.maxNesting;

export interface IndirectObject {
  num: number;
  gen: number;
  obj: PdfObject;
  /** Offset of the "n g obj" header and just past "endobj" (or the end of the object if missing). */
  start: number;
  end: number;
}

export interface ParseOptions {
  /** Resolves an indirect /Length; undefined when it cannot be resolved (then endstream is searched). */
  resolveLength?: (ref: PdfRef) => number | undefined;
  /** Depth of arrays/dictionaries allowed (default MAX_NESTING). */
  maxNesting?: number;
  /** Shared memo of unterminated literal strings in these bytes (see Lexer). */
  unterminated?: Map<number, number>;
}

const ENDSTREAM = Buffer.from('endstream', 'latin1');

export class Parser {
  readonly lexer: Lexer;
  constructor(
    readonly bytes: Uint8Array,
    pos = 0,
    end = bytes.length,
    readonly maxNesting = MAX_NESTING,
    unterminated?: Map<number, number>,
  ) {
    this.lexer = new Lexer(bytes, pos, end, unterminated);
  }

  get pos(): number {
    return this.lexer.pos;
  }

  /** Parses one direct object (references `n g R` included). */
  parseObject(): PdfObject {
    return this.fromToken(this.lexer.next(), 0);
  }

  private fromToken(t: Token, depth: number): PdfObject {
    if (depth > this.maxNesting) throw limitError('PDF_LIMIT_NESTING', `objects nested too deeply (more than ${this.maxNesting} levels) at byte ${t.start}`);
    switch (t.kind) {
      case 'number':
        if (t.integer && t.value >= 0) return this.maybeRef(t.value);
        return t.value;
      case 'name':
        return PdfName.of(t.value);
      case 'string':
        return new PdfString(t.bytes, t.hex);
      case 'delim':
        if (t.value === '[') return this.array(depth);
        if (t.value === '<<') return this.dict(depth);
        throw malformed(`unexpected "${t.value}"`, t.start);
      case 'keyword':
        if (t.value === 'true') return true;
        if (t.value === 'false') return false;
        if (t.value === 'null') return null;
        throw malformed(`unexpected keyword "${t.value.slice(0, 20)}"`, t.start);
      case 'eof':
        throw malformed('unexpected end of data', t.start);
    }
  }

  /** After a non-negative integer, looks ahead for "g R" without consuming anything else. */
  private maybeRef(num: number): PdfObject {
    const lx = this.lexer;
    const save = lx.pos;
    lx.skipSpace();
    if (isDigit(lx.bytes[lx.pos])) {
      const g = lx.tryNumber();
      if (g && g.kind === 'number' && g.integer) {
        lx.skipSpace();
        if (lx.bytes[lx.pos] === 0x52 /* R */ && !isRegularAt(lx.bytes, lx.pos + 1, lx.end)) {
          lx.pos++;
          return new PdfRef(num, g.value);
        }
      }
    }
    lx.pos = save;
    return num;
  }

  private array(depth: number): PdfObject[] {
    const out: PdfObject[] = [];
    for (;;) {
      const t = this.lexer.next();
      if (t.kind === 'delim' && t.value === ']') return out;
      if (t.kind === 'eof') throw malformed('unterminated array', t.start);
      out.push(this.fromToken(t, depth + 1));
    }
  }

  private dict(depth: number): PdfDict {
    const d = new PdfDict();
    for (;;) {
      const t = this.lexer.next();
      if (t.kind === 'delim' && t.value === '>>') return d;
      if (t.kind === 'eof') throw malformed('unterminated dictionary', t.start);
      if (t.kind !== 'name') throw malformed('dictionary key is not a name', t.start);
      const v = this.lexer.next();
      // "/Key >>" (a key without value) occurs in the wild; drop the key rather than fail.
      if (v.kind === 'delim' && v.value === '>>') return d;
      const value = this.fromToken(v, depth + 1);
      // A null value means the key is absent (§7.3.7).
      if (value !== null) d.set(t.value, value);
    }
  }

  /**
   * Parses "n g obj <object> [stream ... endstream] endobj" starting at the cursor.
   * Tolerates a missing endobj (the object ends where the next token would start).
   */
  parseIndirect(options: ParseOptions = {}): IndirectObject {
    const lx = this.lexer;
    lx.skipSpace();
    const start = lx.pos;
    const n = lx.next();
    const g = lx.next();
    const kw = lx.next();
    if (n.kind !== 'number' || !n.integer || n.value < 0 || g.kind !== 'number' || !g.integer || g.value < 0) {
      throw malformed('expected "n g obj"', start);
    }
    if (kw.kind !== 'keyword' || kw.value !== 'obj') throw malformed('expected "obj"', kw.start);
    const t = lx.next();
    let obj: PdfObject;
    if (t.kind === 'keyword' && t.value === 'endobj') {
      return { num: n.value, gen: g.value, obj: null, start, end: lx.pos }; // empty object reads as null
    }
    obj = this.fromToken(t, 0);
    const afterObj = lx.pos;
    let next = lx.next();
    if (obj instanceof PdfDict && next.kind === 'keyword' && next.value === 'stream') {
      obj = this.streamBody(obj, options);
      next = lx.next();
    }
    if (next.kind === 'keyword' && next.value === 'endobj') return { num: n.value, gen: g.value, obj, start, end: lx.pos };
    lx.pos = afterObj;
    return { num: n.value, gen: g.value, obj, start, end: afterObj };
  }

  /** Cursor is just after the "stream" keyword. */
  private streamBody(dict: PdfDict, options: ParseOptions): PdfStream {
    const lx = this.lexer;
    const b = this.bytes;
    let p = lx.pos;
    while (b[p] === 0x20) p++; // "stream  \r\n" seen in the wild
    if (b[p] === 0x0d) p++;
    if (b[p] === 0x0a) p++;
    const dataStart = p;
    let length: number | undefined;
    const len = dict.get('Length');
    if (typeof len === 'number') length = len;
    else if (len instanceof PdfRef && options.resolveLength) length = options.resolveLength(len);
    let dataEnd = -1;
    if (length !== undefined && Number.isInteger(length) && length >= 0 && dataStart + length <= lx.end) {
      // /Length is trusted only if "endstream" follows (after optional EOL).
      let q = dataStart + length;
      while (q < lx.end && isWhitespace(b[q])) q++;
      if (isEndstreamAt(b, q, lx.end)) {
        dataEnd = dataStart + length;
        lx.pos = q + ENDSTREAM.length;
      }
    }
    if (dataEnd < 0) {
      // Wrong or unresolvable /Length: the data ends at the EOL before the next "endstream".
      const at = findEndstream(b, dataStart, lx.end);
      if (at < 0) throw malformed('stream without endstream', dataStart);
      let e = at;
      if (b[e - 1] === 0x0a) e--;
      if (b[e - 1] === 0x0d) e--;
      dataEnd = Math.max(dataStart, e);
      lx.pos = at + ENDSTREAM.length;
    }
    return new PdfStream(dict, b.subarray(dataStart, dataEnd));
  }
}

/** The next "endstream" that stands as a keyword (not "xendstream" or "endstreamx"). */
function findEndstream(b: Uint8Array, from: number, end: number): number {
  const buf = bufferView(b).subarray(0, end);
  for (let at = buf.indexOf(ENDSTREAM, from); at >= 0; at = buf.indexOf(ENDSTREAM, at + 1)) {
    const before = at > from ? b[at - 1] : 0x0a;
    if ((isWhitespace(before) || before === 0x3e || at === from) && isEndstreamAt(b, at, end)) return at;
  }
  return -1;
}

function isEndstreamAt(b: Uint8Array, at: number, end: number): boolean {
  const after = at + ENDSTREAM.length;
  return startsWith(b, at, ENDSTREAM) && !isRegularAt(b, after, end) && b[after] !== 0x2d;
}

function isRegularAt(b: Uint8Array, p: number, end: number): boolean {
  if (p >= end) return false;
  const c = b[p]!;
  return !isWhitespace(c) && !'()<>[]{}/%'.includes(String.fromCharCode(c));
}

export function startsWith(b: Uint8Array, p: number, needle: Uint8Array): boolean {
  if (p < 0 || p + needle.length > b.length) return false;
  for (let i = 0; i < needle.length; i++) if (b[p + i] !== needle[i]) return false;
  return true;
}

/** Parses one direct object at `offset`. */
export function parseObjectAt(bytes: Uint8Array, offset: number, end = bytes.length): { obj: PdfObject; end: number } {
  const p = new Parser(bytes, offset, end);
  const obj = p.parseObject();
  return { obj, end: p.pos };
}

/** Parses an indirect object whose header starts at `offset` (after optional whitespace). */
export function parseIndirectAt(bytes: Uint8Array, offset: number, options?: ParseOptions): IndirectObject {
  return new Parser(bytes, offset, bytes.length, options?.maxNesting, options?.unterminated).parseIndirect(options);
}
