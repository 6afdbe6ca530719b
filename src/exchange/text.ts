// Small text helpers shared by the metadata parser: Vietnamese-insensitive comparison and dates.

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
