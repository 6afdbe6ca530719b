// edXML dates and timestamps (QCVN 102): dates `yyyy/MM/dd`, timestamps `yyyy/MM/dd HH:mm:ss` in
// Vietnam time (UTC+07:00, no daylight saving). Emitted in those forms; read also as dd/MM/yyyy
// and ISO (some systems send them), as the domain notes ask: accept every variant, emit the first.
import { parseDate } from '../exchange/text.js';

const VIETNAM_OFFSET_MS = 7 * 3600 * 1000;

/** yyyy-mm-dd -> yyyy/MM/dd. */
export function formatEdxmlDate(isoDate: string): string {
  return isoDate.replaceAll('-', '/');
}

/** yyyy/MM/dd, dd/MM/yyyy or yyyy-mm-dd -> yyyy-mm-dd, or undefined for anything else. */
export function parseEdxmlDate(s: string): string | undefined {
  return parseDate(s.trim());
}

/** A Date as `yyyy/MM/dd HH:mm:ss`, Vietnam time. */
export function formatEdxmlTimestamp(at: Date): string {
  const iso = new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '/')} ${iso.slice(11, 19)}`;
}

const TIMESTAMP = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const TIMESTAMP_DMY = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;

/** `yyyy/MM/dd HH:mm:ss` (or `dd/MM/yyyy HH:mm:ss`), Vietnam time, or an ISO 8601 instant with offset. */
export function parseEdxmlTimestamp(s: string): Date | undefined {
  const t = s.trim();
  const m = TIMESTAMP.exec(t);
  const d = m ? null : TIMESTAMP_DMY.exec(t);
  const parts = m ? [m[1], m[2], m[3], m[4], m[5], m[6]] : d ? [d[3], d[2], d[1], d[4], d[5], d[6]] : null;
  if (parts) {
    const [y, mo, day, h, mi, se] = parts.map(Number) as [number, number, number, number, number, number];
    if (h > 23 || mi > 59 || se > 59) return undefined;
    const date = parseEdxmlDate(`${y}/${String(mo).padStart(2, '0')}/${String(day).padStart(2, '0')}`);
    if (!date) return undefined;
    return new Date(Date.UTC(y, mo - 1, day, h, mi, se) - VIETNAM_OFFSET_MS);
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(t)) {
    const at = new Date(t);
    return Number.isNaN(at.getTime()) ? undefined : at;
  }
  return undefined;
}
