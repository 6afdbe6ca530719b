// The PDF object model (ISO 32000-1 §7.3) shared by the reader, the writer and the layers above.
// Values are plain where JS has a natural type (null, boolean, number, arrays) and small classes
// otherwise, so that `instanceof` tells a name from a string from a reference.

export type PdfObject =
  | null
  | boolean
  | number
  | PdfName
  | PdfString
  | PdfRef
  | PdfArray
  | PdfDict
  | PdfStream
  | PdfRaw;

export type PdfArray = PdfObject[];

/** A name object; `value` is the decoded name without the slash (bytes as latin1 chars). */
export class PdfName {
  private static readonly interned = new Map<string, PdfName>();
  private constructor(readonly value: string) {}
  static of(value: string): PdfName {
    let n = PdfName.interned.get(value);
    if (!n) {
      n = new PdfName(value);
      if (PdfName.interned.size < 10_000) PdfName.interned.set(value, n);
    }
    return n;
  }
  toString(): string {
    return `/${this.value}`;
  }
}

/** A string object as raw bytes; `hex` remembers how it was written. */
export class PdfString {
  constructor(
    readonly bytes: Uint8Array,
    readonly hex = false,
  ) {}

  /** A text string: PDFDocEncoding-compatible ASCII stays literal, anything else is UTF-16BE + BOM. */
  static fromText(text: string): PdfString {
    if (/^[\x20-\x7e]*$/.test(text)) return new PdfString(Buffer.from(text, 'latin1'));
    const units = Buffer.alloc(2 + text.length * 2);
    units[0] = 0xfe;
    units[1] = 0xff;
    for (let i = 0; i < text.length; i++) units.writeUInt16BE(text.charCodeAt(i), 2 + i * 2);
    return new PdfString(units, true);
  }

  static fromLatin1(s: string, hex = false): PdfString {
    return new PdfString(Buffer.from(s, 'latin1'), hex);
  }

  /** Decodes a text string (UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding ~ latin1). */
  text(): string {
    const b = this.bytes;
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
      let s = '';
      for (let i = 2; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
      return s;
    }
    if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
      return Buffer.from(b.subarray(3)).toString('utf8');
    }
    return Buffer.from(b).toString('latin1');
  }

  latin1(): string {
    return Buffer.from(this.bytes).toString('latin1');
  }
}

/** An indirect reference `num gen R`. */
export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen = 0,
  ) {}
  get key(): string {
    return `${this.num} ${this.gen}`;
  }
  equals(o: unknown): boolean {
    return o instanceof PdfRef && o.num === this.num && o.gen === this.gen;
  }
  toString(): string {
    return `${this.num} ${this.gen} R`;
  }
}

/** A dictionary; keys are name values without the slash. Insertion order is kept for output. */
export class PdfDict {
  readonly map: Map<string, PdfObject>;
  constructor(entries?: Iterable<readonly [string, PdfObject]>) {
    this.map = new Map(entries as Iterable<[string, PdfObject]> | undefined);
  }
  get(key: string): PdfObject | undefined {
    return this.map.get(key);
  }
  set(key: string, value: PdfObject): this {
    this.map.set(key, value);
    return this;
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  delete(key: string): boolean {
    return this.map.delete(key);
  }
  keys(): string[] {
    return [...this.map.keys()];
  }
  get size(): number {
    return this.map.size;
  }
  /** A shallow copy: enough to change top-level entries without touching the original. */
  clone(): PdfDict {
    return new PdfDict(this.map);
  }
}

/** A stream: its dictionary and its bytes exactly as stored in the file (still encoded). */
export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    readonly raw: Uint8Array,
  ) {}
}

/**
 * Bytes written verbatim by the serializer. Used for fixed-width placeholders (a signature's
 * /ByteRange and /Contents) whose offsets must be known before their values are.
 */
export class PdfRaw {
  constructor(readonly bytes: Uint8Array) {}
  static of(s: string): PdfRaw {
    return new PdfRaw(Buffer.from(s, 'latin1'));
  }
}

// ---- small typed accessors used across layers ----

export function isDict(o: PdfObject | undefined): o is PdfDict {
  return o instanceof PdfDict;
}

export function nameValue(o: PdfObject | undefined): string | undefined {
  return o instanceof PdfName ? o.value : undefined;
}

export function numberValue(o: PdfObject | undefined): number | undefined {
  return typeof o === 'number' ? o : undefined;
}

/** Structural equality of two direct objects (references compared by number, streams by bytes). */
export function pdfEquals(a: PdfObject | undefined, b: PdfObject | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof PdfName) return b instanceof PdfName && a.value === b.value;
  if (a instanceof PdfRef) return a.equals(b);
  if (a instanceof PdfString) return b instanceof PdfString && Buffer.compare(a.bytes, b.bytes) === 0;
  if (a instanceof PdfRaw) return b instanceof PdfRaw && Buffer.compare(a.bytes, b.bytes) === 0;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => pdfEquals(x, b[i]));
  if (a instanceof PdfDict) {
    if (!(b instanceof PdfDict) || a.size !== b.size) return false;
    for (const [k, v] of a.map) if (!b.has(k) || !pdfEquals(v, b.get(k))) return false;
    return true;
  }
  if (a instanceof PdfStream) {
    return b instanceof PdfStream && pdfEquals(a.dict, b.dict) && Buffer.compare(a.raw, b.raw) === 0;
  }
  return false;
}
