// Date filters in query strings: a bare day or a full ISO 8601 timestamp, within the range that
// PostgreSQL's timestamptz can hold as the drivers send it (ISO text, four-digit years): a date
// outside it would fail deep in the query as a 500.
import { DocaxisError } from '../errors.js';

const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

export function dateParam(name: string, v: string, edge: 'start' | 'end'): Date {
  // A bare day means the whole day in Vietnam time (UTC+7), where the clerks are.
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}+07:00` : v;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    throw new DocaxisError('USAGE', `${name}: expected yyyy-mm-dd or an ISO 8601 timestamp`, { details: { fields: { [name]: 'expected yyyy-mm-dd or an ISO 8601 timestamp' } } });
  }
  if (d.getTime() < EARLIEST || d.getTime() > LATEST) {
    throw new DocaxisError('DATE_OUT_OF_RANGE', `${name}: ${v}`, { details: { fields: { [name]: 'between 0001-01-01 and 9999-12-31 (UTC)' } } });
  }
  return d;
}
