// Byte-level tokenizer for PDF syntax (ISO 32000-1 §7.2). Works on a view of the input and a
// cursor; it never copies the file. The parser builds objects from these tokens.

import { DocaxisError } from '../errors.js';

const enum Ch {
  NUL = 0x00,
  TAB = 0x09,
  LF = 0x0a,
  FF = 0x0c,
  CR = 0x0d,
  SP = 0x20,
  PERCENT = 0x25,
  LPAREN = 0x28,
  RPAREN = 0x29,
  PLUS = 0x2b,
  MINUS = 0x2d,
  DOT = 0x2e,
  SLASH = 0x2f,
  ZERO = 0x30,
  NINE = 0x39,
  LT = 0x3c,
  GT = 0x3e,
  LBRACKET = 0x5b,
  BACKSLASH = 0x5c,
  RBRACKET = 0x5d,
  LBRACE = 0x7b,
  RBRACE = 0x7d,
  HASH = 0x23,
}

// 0 = regular, 1 = whitespace, 2 = delimiter; a table keeps the hot loops branch-light.
const CLASS = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) CLASS[c] = 1;
for (const c of '()<>[]{}/%') CLASS[c.charCodeAt(0)] = 2;

export function isWhitespace(c: number | undefined): boolean {
  return c !== undefined && CLASS[c] === 1;
}
export function isDelimiter(c: number | undefined): boolean {
  return c !== undefined && CLASS[c] === 2;
}
export function isRegular(c: number | undefined): boolean {
  return c !== undefined && CLASS[c] === 0;
}
export function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= Ch.ZERO && c <= Ch.NINE;
}

export type Token =
  | { kind: 'number'; value: number; integer: boolean; start: number }
  | { kind: 'name'; value: string; start: number }
  | { kind: 'string'; bytes: Uint8Array; hex: boolean; start: number }
  | { kind: 'delim'; value: '[' | ']' | '<<' | '>>' | '{' | '}'; start: number }
  | { kind: 'keyword'; value: string; start: number }
  | { kind: 'eof'; start: number };

export function malformed(detail: string, offset?: number): DocaxisError {
  return new DocaxisError('PDF_OBJECT_MALFORMED', offset === undefined ? detail : `${detail} at byte ${offset}`);
}

/** A cursor over `bytes`; `pos` is public so the parser can peek and rewind cheaply. */
export class Lexer {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    pos = 0,
    readonly end = bytes.length,
    /**
     * Literal strings known to be unterminated: start offset -> the end they were scanned to.
     * Shared by the parses of one file, so that many objects opening strings that never close
     * cost one scan of the rest of the file, not one each.
     */
    readonly unterminated?: Map<number, number>,
  ) {
    this.pos = pos;
  }

  /** Skips whitespace and comments. */
  skipSpace(): void {
    const b = this.bytes;
    let p = this.pos;
    while (p < this.end) {
      const c = b[p]!;
      if (CLASS[c] === 1) p++;
      else if (c === Ch.PERCENT) {
        while (p < this.end && b[p] !== Ch.LF && b[p] !== Ch.CR) p++;
      } else break;
    }
    this.pos = p;
  }

  next(): Token {
    this.skipSpace();
    const b = this.bytes;
    const start = this.pos;
    if (start >= this.end) return { kind: 'eof', start };
    const c = b[start]!;
    switch (c) {
      case Ch.LBRACKET:
        this.pos++;
        return { kind: 'delim', value: '[', start };
      case Ch.RBRACKET:
        this.pos++;
        return { kind: 'delim', value: ']', start };
      case Ch.LBRACE:
        this.pos++;
        return { kind: 'delim', value: '{', start };
      case Ch.RBRACE:
        this.pos++;
        return { kind: 'delim', value: '}', start };
      case Ch.LT:
        if (b[start + 1] === Ch.LT) {
          this.pos += 2;
          return { kind: 'delim', value: '<<', start };
        }
        return this.hexString();
      case Ch.GT:
        if (b[start + 1] === Ch.GT) {
          this.pos += 2;
          return { kind: 'delim', value: '>>', start };
        }
        throw malformed('unexpected ">"', start);
      case Ch.LPAREN:
        return this.literalString();
      case Ch.RPAREN:
        throw malformed('unexpected ")"', start);
      case Ch.SLASH:
        return this.name();
    }
    if (isDigit(c) || c === Ch.PLUS || c === Ch.MINUS || c === Ch.DOT) {
      const n = this.tryNumber();
      if (n) return n;
    }
    let p = start;
    while (p < this.end && CLASS[b[p]!] === 0) p++;
    this.pos = p;
    return { kind: 'keyword', value: latin1(b, start, p), start };
  }

  /** Reads a number token at pos, or returns undefined (pos unchanged) if the run is not numeric. */
  tryNumber(): Token | undefined {
    const b = this.bytes;
    const start = this.pos;
    let p = start;
    let neg = false;
    // Some producers write "--5"; tolerate repeated signs like pdf.js does.
    while (b[p] === Ch.MINUS || b[p] === Ch.PLUS) {
      if (b[p] === Ch.MINUS) neg = !neg;
      p++;
    }
    let intPart = 0;
    let digits = 0;
    while (p < this.end && isDigit(b[p])) {
      intPart = intPart * 10 + (b[p]! - Ch.ZERO);
      p++;
      digits++;
    }
    let integer = true;
    let value = intPart;
    if (b[p] === Ch.DOT && p < this.end) {
      integer = false;
      p++;
      let scale = 1;
      let frac = 0;
      while (p < this.end && isDigit(b[p])) {
        frac = frac * 10 + (b[p]! - Ch.ZERO);
        scale *= 10;
        p++;
        digits++;
      }
      value = intPart + frac / scale;
    }
    if (digits === 0) return undefined;
    if (p < this.end && CLASS[b[p]!] === 0) return undefined; // e.g. "1abc" is a keyword, not a number
    this.pos = p;
    return { kind: 'number', value: neg ? -value : value, integer, start };
  }

  private name(): Token {
    const b = this.bytes;
    const start = this.pos;
    let p = start + 1;
    let s = '';
    let runStart = p;
    while (p < this.end && CLASS[b[p]!] === 0) {
      if (b[p] === Ch.HASH) {
        const h = hexVal(b[p + 1]);
        const l = hexVal(b[p + 2]);
        if (h >= 0 && l >= 0) {
          s += latin1(b, runStart, p) + String.fromCharCode((h << 4) | l);
          p += 3;
          runStart = p;
          continue;
        }
      }
      p++;
    }
    s += latin1(b, runStart, p);
    this.pos = p;
    return { kind: 'name', value: s, start };
  }

  private hexString(): Token {
    const b = this.bytes;
    const start = this.pos;
    let p = start + 1;
    // Bytes go into a typed array grown by doubling (a signature's /Contents is 16-40 KB of hex:
    // pushing to a JS array was ~5% of a `docaxis verify`). One pass, stopping at the first bad
    // character: no look-ahead for ">" (it could run to the end of the file for every "<").
    let out = new Uint8Array(256);
    let n = 0;
    let hi = -1;
    for (;;) {
      if (p >= this.end) throw malformed('unterminated hex string', start);
      const c = b[p++]!;
      if (c === Ch.GT) break;
      if (CLASS[c] === 1) continue;
      const v = hexVal(c);
      if (v < 0) throw malformed('invalid character in hex string', p - 1);
      if (hi < 0) hi = v;
      else {
        if (n === out.length) {
          const bigger = new Uint8Array(out.length * 2);
          bigger.set(out);
          out = bigger;
        }
        out[n++] = (hi << 4) | v;
        hi = -1;
      }
    }
    if (hi >= 0) {
      // odd digit count: the last digit is followed by an implied 0
      if (n === out.length) {
        const bigger = new Uint8Array(out.length + 1);
        bigger.set(out);
        out = bigger;
      }
      out[n++] = hi << 4;
    }
    this.pos = p;
    return { kind: 'string', bytes: out.slice(0, n), hex: true, start };
  }

  private literalString(): Token {
    const b = this.bytes;
    const start = this.pos;
    let p = start + 1;
    let depth = 1;
    const out: number[] = [];
    const known = this.unterminated;
    // A "(" from which an earlier scan found no end cannot be closed from here either (our depth
    // there is higher than that scan's was). At the end of the data, every "(" still open is such
    // a start: they are all remembered, so that objects in file order cost one scan in total.
    const neverCloses = (at: number): boolean => known !== undefined && (known.get(at) ?? -1) >= this.end;
    let open: number[] | undefined; // nested "(" still open, created at the first one
    const giveUp = (): never => {
      if (known) for (const q of open ?? [start]) known.set(q, this.end);
      throw malformed('unterminated literal string', start);
    };
    if (neverCloses(start)) throw malformed('unterminated literal string', start);
    for (;;) {
      if (p >= this.end) giveUp();
      let c = b[p++]!;
      if (c === Ch.LPAREN) {
        depth++;
        if (known) {
          if (neverCloses(p - 1)) giveUp();
          (open ??= [start]).push(p - 1);
        }
      } else if (c === Ch.RPAREN) {
        open?.pop();
        if (--depth === 0) break;
      } else if (c === Ch.CR) {
        // An unescaped end-of-line in a string reads as a single LF (§7.3.4.2).
        if (b[p] === Ch.LF) p++;
        c = Ch.LF;
      } else if (c === Ch.BACKSLASH) {
        const e = b[p++];
        switch (e) {
          case 0x6e: out.push(0x0a); continue; // \n
          case 0x72: out.push(0x0d); continue; // \r
          case 0x74: out.push(0x09); continue; // \t
          case 0x62: out.push(0x08); continue; // \b
          case 0x66: out.push(0x0c); continue; // \f
          case Ch.CR:
            if (b[p] === Ch.LF) p++;
            continue; // line continuation
          case Ch.LF:
            continue;
          case undefined:
            throw malformed('unterminated literal string', start);
        }
        if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let i = 0; i < 2 && b[p]! >= 0x30 && b[p]! <= 0x37; i++) v = v * 8 + (b[p++]! - 0x30);
          out.push(v & 0xff);
          continue;
        }
        out.push(e); // \( \) \\ and unknown escapes: the character itself
        continue;
      }
      out.push(c);
    }
    this.pos = p;
    return { kind: 'string', bytes: Uint8Array.from(out), hex: false, start };
  }
}

export function hexVal(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

export function latin1(b: Uint8Array, start: number, end: number): string {
  // Short runs are the norm (names, keywords); fromCharCode.apply avoids a Buffer per token.
  if (end - start < 4096) return String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');
}

/** A Buffer view over the same memory, for its fast indexOf/lastIndexOf. */
export function bufferView(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}
