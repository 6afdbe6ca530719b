// Small text helpers shared by the metadata parser: Vietnamese-insensitive comparison, dates, and
// which strings a database can hold, and which characters may not be stored in names and metadata.
import { DocaxisError } from '../errors.js';

/** Lower case, no diacritics (đ -> d), runs of space/underscore/hyphen as one space. */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();
}

/** Vietnam has one time zone, UTC+07:00, and no daylight saving. */
const VIETNAM_OFFSET_MS = 7 * 3600 * 1000;

/** The calendar date (yyyy-mm-dd) in Vietnam at `now`: promulgation dates are local dates. */
export function vietnamDate(now: Date): string {
  return new Date(now.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

const DATE_FORMS: ReadonlyArray<{ re: RegExp; order: [number, number, number] }> = [
  { re: /^(\d{4})-(\d{2})-(\d{2})$/, order: [1, 2, 3] }, // ISO
  { re: /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, order: [1, 2, 3] }, // edXML yyyy/MM/dd
  { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, order: [3, 2, 1] }, // dd/MM/yyyy, some peers
];

/** yyyy-mm-dd for a real calendar date in one of the accepted forms, else undefined. */
export function parseDate(s: string): string | undefined {
  for (const { re, order } of DATE_FORMS) {
    const m = re.exec(s);
    if (!m) continue;
    const [y, mo, d] = order.map((i) => Number(m[i]));
    const t = new Date(Date.UTC(y!, mo! - 1, d!));
    // Date.UTC rolls 31/02 over into March: a round trip catches impossible dates.
    if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo! - 1 || t.getUTCDate() !== d) return undefined;
    return t.toISOString().slice(0, 10);
  }
  return undefined;
}

/**
 * U+0000 (PostgreSQL text and jsonb cannot hold it) or a lone surrogate (not UTF-8 at all; jsonb
 * refuses its escape). With the u flag, [\uD800-\uDFFF] matches only unpaired halves: emoji pass.
 */
// eslint-disable-next-line no-control-regex -- U+0000 is what is looked for
const UNSTORABLE = /[\u0000\uD800-\uDFFF]/u;
// eslint-disable-next-line no-control-regex -- as above
const UNSTORABLE_ALL = /[\u0000\uD800-\uDFFF]/gu;

/** True when `s` holds a character no database column can store (see UNSTORABLE). */
export function isUnstorable(s: string): boolean {
  return UNSTORABLE.test(s);
}

/** `s` with each unstorable character replaced by U+FFFD: for logging what a client sent. */
export function storable(s: string): string {
  return s.replace(UNSTORABLE_ALL, '\uFFFD');
}

/** The message of a field error for an unstorable string. */
export const UNSTORABLE_MESSAGE = 'holds U+0000 or a lone surrogate';

/**
 * Characters that change how text is ordered or hide what it holds: the bidi controls
 * (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) and the zero-width ones (U+200B-U+200D,
 * U+2060, U+FEFF). `RTL \u202Egnp.exe\u202C` reads "RTL exe.png"; a zero-width space makes two
 * names that look equal differ. U+200C/U+200D (ZWNJ/ZWJ) are needed in Persian, the Indic scripts
 * and emoji sequences, never in Vietnamese (Latin letters with precomposed or combining marks): the
 * axis carries Vietnamese official documents and names, so they are refused too.
 */
const INVISIBLE_NAMES: ReadonlyMap<number, string> = new Map([
  [0x061c, 'ARABIC LETTER MARK'],
  [0x200b, 'ZERO WIDTH SPACE'],
  [0x200c, 'ZERO WIDTH NON-JOINER'],
  [0x200d, 'ZERO WIDTH JOINER'],
  [0x200e, 'LEFT-TO-RIGHT MARK'],
  [0x200f, 'RIGHT-TO-LEFT MARK'],
  [0x202a, 'LEFT-TO-RIGHT EMBEDDING'],
  [0x202b, 'RIGHT-TO-LEFT EMBEDDING'],
  [0x202c, 'POP DIRECTIONAL FORMATTING'],
  [0x202d, 'LEFT-TO-RIGHT OVERRIDE'],
  [0x202e, 'RIGHT-TO-LEFT OVERRIDE'],
  [0x2060, 'WORD JOINER'],
  [0x2066, 'LEFT-TO-RIGHT ISOLATE'],
  [0x2067, 'RIGHT-TO-LEFT ISOLATE'],
  [0x2068, 'FIRST STRONG ISOLATE'],
  [0x2069, 'POP DIRECTIONAL ISOLATE'],
  [0xfeff, 'ZERO WIDTH NO-BREAK SPACE'],
]);
const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/u;

/** "U+202E RIGHT-TO-LEFT OVERRIDE" for the first invisible character of `s`, else undefined. */
export function invisibleIn(s: string): string | undefined {
  const m = INVISIBLE.exec(s);
  if (!m) return undefined;
  const cp = m[0].codePointAt(0)!;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} ${INVISIBLE_NAMES.get(cp) ?? ''}`.trim();
}

/** The field error for a string holding `character` (as invisibleIn names it). */
export function invisibleMessage(character: string): string {
  return `holds ${character}: invisible and direction-changing characters are not allowed`;
}

/**
 * Throws TEXT_INVISIBLE_CHARACTER naming `field` and the character when `value` is a string
 * holding a bidi control or a zero-width character; returns `value` otherwise. For names and
 * admin inputs (metadata collects its field errors in METADATA_INVALID instead).
 */
export function rejectInvisible<T>(field: string, value: T): T {
  if (typeof value !== 'string') return value;
  const character = invisibleIn(value);
  if (character === undefined) return value;
  const message = invisibleMessage(character);
  throw new DocaxisError('TEXT_INVISIBLE_CHARACTER', `${field}: ${message}`, { details: { fields: { [field]: message }, character } });
}
