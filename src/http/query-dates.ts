// Date filters in query strings: a bare day or a full ISO 8601 timestamp.
import { DocaxisError } from '../errors.js';

export function dateParam(name: string, v: string, edge: 'start' | 'end'): Date {
  // A bare day means the whole day in Vietnam time (UTC+7), where the clerks are.
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}+07:00` : v;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new DocaxisError('USAGE', `${name}: expected yyyy-mm-dd or an ISO 8601 timestamp`);
  return d;
}
