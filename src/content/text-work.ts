// How much page content pdf.js would interpret to read the text of the first pages, measured with
// our own parser BEFORE pdf.js sees the file. pdf.js on one thread cannot be stopped by a timer:
// its fake worker hands work on with resolved promises, so a page of content that draws no visible
// text (64 MB of operators inflated from 130 KB) runs to its end without the event loop ever
// turning. So the work is bounded up front: page content streams and the form XObjects they paint,
// decoded with a cap and counted once per invocation ("Do"), up to a byte budget. Pages beyond the
// budget are not read. What our parser and pdf.js see differently (a crafted file) is bounded by
// the verification worker's deadline, where the scan runs.
import zlib from 'node:zlib';
import { asciiHexDecode, ascii85Decode } from '../pdf/filters.js';
import { PdfDict, PdfName, PdfRef, PdfStream, nameValue, type PdfObject } from '../pdf/objects.js';
import { inheritedPageAttribute, pageDict } from '../pdf/pages.js';
import { PdfReader } from '../pdf/reader.js';

/** Forms inside forms deeper than this are not followed; pdf.js is then not asked to. */
const MAX_FORM_DEPTH = 8;

/** A `/Name Do` operation: the form or image painted. */
const PAINT = /\/([^\s/[\]()<>{}%]+)\s*Do(?![^\s/[\]()<>{}%])/g;

/** The number of leading pages (at most `maxPages`) whose content fits in `maxBytes`; 0 when the file does not open. */
export function pagesWithinWork(pdf: Uint8Array, maxPages: number, maxBytes: number): number {
  let reader: PdfReader;
  try {
    reader = PdfReader.open(pdf);
  } catch {
    return 0;
  }
  const measure = new Measure(reader);
  let left = maxBytes;
  let pages = 0;
  for (; pages < maxPages; pages++) {
    let cost: number;
    try {
      const page = pageDict(reader, pages).dict;
      const resources = inheritedPageAttribute(reader, page, 'Resources');
      cost = measure.streams(contentsOf(reader, page), resources instanceof PdfDict ? resources : undefined, 0, left);
    } catch {
      break; // no such page, or a page our parser cannot read: pdf.js is not asked either
    }
    if (cost > left) break;
    left -= cost;
  }
  return pages;
}

function contentsOf(reader: PdfReader, page: PdfDict): PdfStream[] {
  const c = reader.resolve(page.get('Contents'));
  const parts = Array.isArray(c) ? c.map((x) => reader.resolve(x)) : [c];
  return parts.filter((s): s is PdfStream => s instanceof PdfStream);
}

class Measure {
  /** Decoded work of a form by its reference (finite values only: an over-budget form is not kept). */
  readonly #forms = new Map<string, number>();

  constructor(readonly reader: PdfReader) {}

  /** Bytes of these streams plus, for each form they paint, that form's work times its paints; Infinity beyond `cap`. */
  streams(streams: PdfStream[], resources: PdfDict | undefined, depth: number, cap: number): number {
    let used = 0;
    const paints = new Map<string, number>();
    for (const s of streams) {
      const bytes = decoded(s, cap - used);
      if (bytes === null) return Infinity;
      used += bytes.length;
      for (const m of Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1').matchAll(PAINT)) {
        paints.set(m[1]!, (paints.get(m[1]!) ?? 0) + 1);
      }
    }
    const xobjects = this.reader.resolve(resources?.get('XObject'));
    for (const [name, times] of paints) {
      if (!(xobjects instanceof PdfDict)) break;
      const entry = xobjects.get(name);
      const form = this.reader.resolve(entry);
      if (!(form instanceof PdfStream) || nameValue(form.dict.get('Subtype')) !== 'Form') continue; // images hold no text
      if (depth + 1 > MAX_FORM_DEPTH) return Infinity;
      const one = this.#form(entry, form, resources, depth + 1, (cap - used) / times);
      used += one * times;
      if (used > cap) return Infinity;
    }
    return used;
  }

  #form(entry: PdfObject | undefined, form: PdfStream, outer: PdfDict | undefined, depth: number, cap: number): number {
    const key = entry instanceof PdfRef ? entry.key : undefined;
    const known = key !== undefined ? this.#forms.get(key) : undefined;
    if (known !== undefined) return known;
    const own = this.reader.resolve(form.dict.get('Resources'));
    // The form's own resources, or (old files) those of whatever paints it.
    const work = this.streams([form], own instanceof PdfDict ? own : outer, depth, cap);
    if (key !== undefined && Number.isFinite(work)) this.#forms.set(key, work);
    return work;
  }
}

/** The stream's content bytes, or null when they exceed `cap` or use a filter measured no other way than decoding. */
function decoded(s: PdfStream, cap: number): Uint8Array | null {
  if (cap < 0) return null;
  const f = s.dict.get('Filter');
  const filters = f === undefined ? [] : Array.isArray(f) ? f : [f];
  let data = s.raw;
  for (const filter of filters) {
    const name = filter instanceof PdfName ? filter.value : undefined;
    if (name === 'FlateDecode' || name === 'Fl') {
      const out = inflateAtMost(data, cap);
      if (out === null) return null;
      data = out;
    } else if (name === 'ASCIIHexDecode' || name === 'AHx') data = asciiHexDecode(data);
    else if (name === 'ASCII85Decode' || name === 'A85') data = ascii85Decode(data);
    else return null; // LZW, RunLength, ... in page content: not measured, so not read
  }
  return data.length > cap ? null : data;
}

/** Truncated data decodes as far as it goes; a bad checksum is read without it, as viewers do. */
function inflateAtMost(data: Uint8Array, cap: number): Uint8Array | null {
  const opts = { maxOutputLength: Math.max(1, Math.floor(cap) + 1), finishFlush: zlib.constants.Z_SYNC_FLUSH };
  try {
    return zlib.inflateSync(data, opts);
  } catch (e) {
    if (e instanceof RangeError) return null;
  }
  try {
    return zlib.inflateRawSync(data.subarray(2), opts);
  } catch {
    return null; // over the cap, or corrupt: pdf.js might still decode a part of it, so it is not asked
  }
}
