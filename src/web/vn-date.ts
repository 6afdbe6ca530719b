// Dates and times as a Vietnamese clerk reads and types them, whatever the browser's locale:
// dd/mm/yyyy, and dd/mm/yyyy HH:mm in Vietnam time (UTC+7 all year, no daylight saving, so a fixed
// shift is exact). Intl's vi-VN puts the time first ("14:30 07/12/2026") and an <input type=date>
// follows the browser's locale (mm/dd/yyyy on an English Windows): both are avoided here. No DOM,
// so the conversions are unit-tested.

const VIETNAM_OFFSET_MS = 7 * 3600_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** "07/12/2026 14:30" for an instant, in Vietnam time; '—' for nothing, the text itself when unreadable. */
export function formatVnDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = new Date(iso).getTime();
  if (Number.isNaN(ms)) return iso;
  const d = new Date(ms + VIETNAM_OFFSET_MS);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** "07/12/2026" for a calendar date "2026-12-07" (a date has no time zone); the text itself otherwise. */
export function formatVnDate(isoDate: string | null | undefined): string {
  if (!isoDate) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : isoDate;
}

/** The yyyy-mm-dd of a typed "d/m/yyyy" (also with '.' or '-'), or undefined when it is no real date. */
export function parseVnDate(text: string): string | undefined {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text);
  if (!m) return undefined;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 31/02 over into March: a round trip catches impossible dates.
  if (t.getUTCFullYear() !== year || t.getUTCMonth() !== month - 1 || t.getUTCDate() !== day) return undefined;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/**
 * The ISO 8601 instant of a typed "dd/mm/yyyy" or "dd/mm/yyyy HH:mm" read as Vietnam time, e.g.
 * "2026-12-07T14:30:00+07:00"; a date alone is its first minute. Undefined when unreadable.
 */
export function parseVnDateTime(text: string): string | undefined {
  const m = /^\s*(\S+)(?:\s+(\d{1,2}):(\d{2}))?\s*$/.exec(text);
  const date = m && parseVnDate(m[1]!);
  if (!m || !date) return undefined;
  const [hh, mm] = [Number(m[2] ?? 0), Number(m[3] ?? 0)];
  if (hh > 23 || mm > 59) return undefined;
  return `${date}T${pad(hh)}:${pad(mm)}:00+07:00`;
}

/** The inverse of parseVnDateTime for an instant kept in a URL: "07/12/2026 14:30" (Vietnam time). */
export function instantToVnInput(iso: string): string {
  return formatVnDateTime(iso);
}

/** Today's calendar date in Vietnam, yyyy-mm-dd. */
export function vietnamToday(now = Date.now()): string {
  return new Date(now + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}
