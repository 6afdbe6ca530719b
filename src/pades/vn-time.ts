// Times as Vietnamese official documents show them, and PDF date strings (ISO 32000-1 §7.9.4).
// Vietnam is UTC+7 all year (no DST), so a fixed offset is exact: we shift the instant by the
// offset and read it with the UTC getters. That keeps the output independent of the host's TZ,
// which a signing server in another time zone (or a container with TZ unset) would otherwise leak.

import { DocaxisError } from '../errors.js';

/** Vietnam's offset from UTC in minutes (Indochina Time, no daylight saving). */
export const VIETNAM_OFFSET_MINUTES = 420;

interface Fields {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

/** The wall-clock fields of `d` at `offsetMinutes` east of UTC, zero-padded. */
function fieldsAt(d: Date, offsetMinutes: number): Fields {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) throw new DocaxisError('INTERNAL', 'invalid Date given to a time formatter');
  const shifted = new Date(ms + offsetMinutes * 60_000);
  const year = shifted.getUTCFullYear();
  // PDF dates and dd.MM.yyyy both need exactly four year digits.
  if (year < 0 || year > 9999) throw new DocaxisError('INTERNAL', `year ${year} cannot be formatted`);
  return {
    year: pad(year, 4),
    month: pad(shifted.getUTCMonth() + 1),
    day: pad(shifted.getUTCDate()),
    hour: pad(shifted.getUTCHours()),
    minute: pad(shifted.getUTCMinutes()),
    second: pad(shifted.getUTCSeconds()),
  };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function checkOffset(offsetMinutes: number): void {
  // ±14:00 is the widest offset in use; anything else is a programming error.
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) > 14 * 60) {
    throw new DocaxisError('INTERNAL', `invalid UTC offset ${offsetMinutes} minutes`);
  }
}

/** "+07:00" style; `sep` is ':' for ISO 8601 and the signing-time text. */
function offsetText(offsetMinutes: number): { sign: string; hh: string; mm: string } {
  const abs = Math.abs(offsetMinutes);
  return { sign: offsetMinutes < 0 ? '-' : '+', hh: pad(Math.floor(abs / 60)), mm: pad(abs % 60) };
}

/** '16.03.2015 11:02:35 +07:00' — the signing-time text seen on Vietnamese government PDFs. */
export function formatVietnamTime(d: Date): string {
  const f = fieldsAt(d, VIETNAM_OFFSET_MINUTES);
  return `${f.day}.${f.month}.${f.year} ${f.hour}:${f.minute}:${f.second} +07:00`;
}

/** ISO 8601 with an explicit offset (default Vietnam), e.g. '2015-03-16T11:02:35+07:00'. Seconds precision. */
export function toIsoWithOffset(d: Date, offsetMinutes = VIETNAM_OFFSET_MINUTES): string {
  checkOffset(offsetMinutes);
  const f = fieldsAt(d, offsetMinutes);
  const o = offsetText(offsetMinutes);
  return `${f.year}-${f.month}-${f.day}T${f.hour}:${f.minute}:${f.second}${o.sign}${o.hh}:${o.mm}`;
}

/** PDF date string in Vietnam time for /M and friends: "D:20150316110235+07'00'". */
export function pdfDate(d: Date): string {
  const f = fieldsAt(d, VIETNAM_OFFSET_MINUTES);
  return `D:${f.year}${f.month}${f.day}${f.hour}${f.minute}${f.second}+07'00'`;
}

// D:YYYY[MM[DD[HH[mm[SS]]]]] then an optional zone. Tolerances for what real producers write:
// "D:" missing, "Z00'00'", "+07'00" without the final apostrophe, "+07" with no minutes,
// "+0700" without apostrophes, surrounding whitespace.
const PDF_DATE =
  /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:(Z)(?:00'?(?:00'?)?)?|([+-])(\d{2})(?:'?(\d{2})'?|')?)?$/;

/**
 * Parses a PDF date string. Missing fields take the spec defaults (month and day 01, the rest 0);
 * a missing zone is taken as UTC (ISO 32000-1: "considered to be GMT"). Undefined if unparsable or
 * out of range (e.g. month 13, 31 February).
 */
export function parsePdfDate(s: string): Date | undefined {
  const m = PDF_DATE.exec(s.trim());
  if (!m) return undefined;
  // The spec allows a field only if every preceding one is present; the regex's optional groups
  // are greedy in order, so a gap can only appear as fewer digits, which we accept.
  const year = Number(m[1]);
  const month = m[2] !== undefined ? Number(m[2]) : 1;
  const day = m[3] !== undefined ? Number(m[3]) : 1;
  const hour = m[4] !== undefined ? Number(m[4]) : 0;
  const minute = m[5] !== undefined ? Number(m[5]) : 0;
  const second = m[6] !== undefined ? Number(m[6]) : 0;
  let offset = 0;
  if (m[8] !== undefined) {
    const oh = Number(m[9]);
    const om = m[10] !== undefined ? Number(m[10]) : 0;
    if (oh > 23 || om > 59) return undefined;
    offset = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (day > daysInMonth(year, month)) return undefined;
  // Date.UTC maps years 0..99 to 1900+; setUTCFullYear does not.
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  t.setUTCHours(hour, minute, second, 0);
  return new Date(t.getTime() - offset * 60_000);
}

function daysInMonth(year: number, month: number): number {
  const t = new Date(0);
  t.setUTCFullYear(year, month, 0); // day 0 of the next month = last day of this one
  return t.getUTCDate();
}
