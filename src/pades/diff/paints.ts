// Does a widget paint anything? An unsigned field added after a signature may carry only an
// appearance that paints nothing (the "hide / replace" shadow attacks, Mainka et al., USENIX
// Security 2021, hide text under a white box in a new field's appearance). Default deny: only
// operators that cannot put a mark on the page are no-ops; anything else, an undecodable stream
// or a lexer error counts as painting.
import { Lexer } from '../../pdf/lexer.js';
import { PdfDict, PdfStream, numberValue } from '../../pdf/objects.js';
import type { PdfObject } from '../../pdf/objects.js';
import type { PdfReader } from '../../pdf/reader.js';
import { appearanceStreamRefs, dictOf } from './graph.js';

/** Operators that set state or build paths without painting them (ISO 32000-1, Annex A). */
const NO_OP = new Set([
  'q', 'Q', 'cm', 'w', 'J', 'j', 'M', 'd', 'ri', 'i', 'gs',
  'CS', 'cs', 'SC', 'SCN', 'sc', 'scn', 'G', 'g', 'RG', 'rg', 'K', 'k',
  'm', 'l', 'c', 'v', 'y', 'h', 're', 'W', 'W*', 'n',
  'BT', 'ET', 'Tc', 'Tw', 'Tz', 'TL', 'Tf', 'Tr', 'Ts', 'Td', 'TD', 'Tm', 'T*',
  'BMC', 'BDC', 'EMC', 'MP', 'DP', 'BX', 'EX',
  'true', 'false', 'null', // operand keywords
]);
/** Annotation flags Hidden (2) and NoView (32): the viewer shows nothing. */
const INVISIBLE_FLAGS = 2 | 32;
/** Beyond this many decoded bytes an appearance is assumed to paint (a bound, not a limit on files). */
const MAX_SCAN_BYTES = 4 * 1024 * 1024;

/** The area of a rectangle array; 0 for anything else. */
export function area(r: PdfObject | undefined): number {
  if (!Array.isArray(r) || r.length !== 4) return 0;
  const [x1, y1, x2, y2] = r.map((v) => numberValue(v) ?? 0) as [number, number, number, number];
  return Math.abs(x2 - x1) * Math.abs(y2 - y1);
}

/** True when the widget, as of revision `at`, shows nothing on the page. */
export function widgetPaintsNothing(reader: PdfReader, widget: PdfDict, at: number): boolean {
  const flags = numberValue(safe(() => reader.resolve(widget.get('F'), at))) ?? 0;
  if ((flags & INVISIBLE_FLAGS) !== 0) return true;
  if (area(safe(() => reader.resolve(widget.get('Rect'), at))) === 0) return true;
  if (!widget.has('AP')) return true;
  const ap = dictOf(safe(() => reader.resolve(widget.get('AP'), at)));
  if (!ap) return true; // not a dictionary: no viewer shows it
  // Streams are always indirect, so the references are all there is to check.
  const refs = safe(() => appearanceStreamRefs(reader, widget, at));
  if (refs === undefined) return false;
  return refs.every((r) => streamPaintsNothing(reader, safe(() => reader.resolve(r, at)), at));
}

export function streamPaintsNothing(reader: PdfReader, s: PdfObject | undefined, at: number): boolean {
  if (!(s instanceof PdfStream)) return true;
  if (area(safe(() => reader.resolve(s.dict.get('BBox'), at))) === 0) return true;
  let data: Uint8Array;
  try {
    data = reader.decodeStream(s, at);
  } catch {
    return false;
  }
  if (data.length > MAX_SCAN_BYTES) return false;
  return contentPaintsNothing(data);
}

/** True when a content stream consists of no-op operators only. */
export function contentPaintsNothing(data: Uint8Array): boolean {
  const lx = new Lexer(data);
  try {
    for (;;) {
      const t = lx.next();
      if (t.kind === 'eof') return true;
      if (t.kind === 'keyword' && !NO_OP.has(t.value)) return false;
      // Operands (numbers, names, strings, arrays, dictionaries) paint nothing by themselves.
    }
  } catch {
    return false;
  }
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
