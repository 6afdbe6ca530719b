// Dates in the web interface: dd/mm/yyyy and Vietnam time whatever the machine's time zone and
// locale. The process runs under several TZ values here; the formatter must not care.
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { formatVnDate, formatVnDateTime, parseVnDate, parseVnDateTime, vietnamToday } from '../../src/web/vn-date.js';

it('shows instants as dd/mm/yyyy HH:mm in Vietnam time, across midnight and year ends', () => {
  expect(formatVnDateTime('2026-12-31T17:00:00Z')).toBe('01/01/2027 00:00');
  expect(formatVnDateTime('2026-12-31T16:59:59Z')).toBe('31/12/2026 23:59');
  expect(formatVnDateTime('2015-03-16T11:02:35+07:00')).toBe('16/03/2015 11:02');
  expect(formatVnDateTime(null)).toBe('—');
  expect(formatVnDateTime('not a time')).toBe('not a time');
  expect(formatVnDate('2026-02-28')).toBe('28/02/2026');
  expect(vietnamToday(Date.parse('2026-12-31T17:30:00Z'))).toBe('2027-01-01');
});

it('reads typed dates as dd/mm/yyyy (never mm/dd), refusing impossible ones', () => {
  expect(parseVnDate('07/12/2026')).toBe('2026-12-07');
  expect(parseVnDate(' 7/1/2026 ')).toBe('2026-01-07');
  expect(parseVnDate('07.12.2026')).toBe('2026-12-07');
  expect(parseVnDate('12/31/2026')).toBeUndefined(); // month 31: the US order is refused, not swapped
  expect(parseVnDate('31/02/2026')).toBeUndefined();
  expect(parseVnDate('29/02/2028')).toBe('2028-02-29');
  expect(parseVnDate('2026-12-07')).toBeUndefined();
  expect(parseVnDate('')).toBeUndefined();
  expect(parseVnDateTime('07/12/2026 14:30')).toBe('2026-12-07T14:30:00+07:00');
  expect(parseVnDateTime('07/12/2026')).toBe('2026-12-07T00:00:00+07:00');
  expect(parseVnDateTime('07/12/2026 24:00')).toBeUndefined();
  expect(parseVnDateTime('07/12/2026 9:5')).toBeUndefined();
  // The round trip through the instant is the same wall-clock time.
  expect(formatVnDateTime(parseVnDateTime('01/01/2027 06:30'))).toBe('01/01/2027 06:30');
});

it('gives the same text whatever TZ the browser machine runs in', () => {
  const script = `import('${new URL('../../src/web/vn-date.ts', import.meta.url).pathname}').then(m => process.stdout.write(m.formatVnDateTime('2026-06-30T20:15:00Z') + '|' + new Date('2026-06-30T20:15:00Z').getHours()))`;
  const outputs = ['UTC', 'America/New_York', 'Asia/Tokyo', 'Pacific/Kiritimati'].map((tz) =>
    execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, TZ: tz }, encoding: 'utf8' }),
  );
  // The host's own hour differs between zones (the check is real), our text does not.
  expect(new Set(outputs.map((o) => o.split('|')[1])).size).toBeGreaterThan(1);
  expect(new Set(outputs.map((o) => o.split('|')[0]))).toEqual(new Set(['01/07/2026 03:15']));
});
