// Small text helpers shared by the metadata parser: Vietnamese-insensitive comparison, dates, and
// which strings a database can hold.

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
