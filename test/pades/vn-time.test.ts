import { afterEach, describe, expect, it } from 'vitest';

import { isDocaxisError } from '../../src/errors.js';
import { formatVietnamTime, parsePdfDate, pdfDate, toIsoWithOffset } from '../../src/pades/vn-time.js';

const t = new Date('2015-03-16T04:02:35.789Z'); // 11:02:35 in Hà Nội

describe('formatVietnamTime', () => {
  const savedTz = process.env.TZ;
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('prints dd.MM.yyyy HH:mm:ss +07:00 in Vietnam time, milliseconds dropped', () => {
    expect(formatVietnamTime(t)).toBe('16.03.2015 11:02:35 +07:00');
  });

  it('rolls the date over at 17:00 UTC (midnight in Vietnam), including at year end', () => {
    expect(formatVietnamTime(new Date('2015-03-16T17:00:00Z'))).toBe('17.03.2015 00:00:00 +07:00');
    expect(formatVietnamTime(new Date('2015-03-16T16:59:59Z'))).toBe('16.03.2015 23:59:59 +07:00');
    expect(formatVietnamTime(new Date('2024-12-31T17:30:00Z'))).toBe('01.01.2025 00:30:00 +07:00');
  });

  it('does not depend on the host time zone', () => {
    for (const tz of ['UTC', 'America/New_York', 'Asia/Ho_Chi_Minh', 'Pacific/Kiritimati', 'Europe/Paris']) {
      process.env.TZ = tz;
      expect(formatVietnamTime(t)).toBe('16.03.2015 11:02:35 +07:00');
      expect(pdfDate(t)).toBe("D:20150316110235+07'00'");
      expect(toIsoWithOffset(t)).toBe('2015-03-16T11:02:35+07:00');
    }
  });

  it('rejects an invalid Date with a typed error', () => {
    expect(() => formatVietnamTime(new Date('nope'))).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});

describe('toIsoWithOffset', () => {
  it('defaults to +07:00 and honours other offsets', () => {
    expect(toIsoWithOffset(t)).toBe('2015-03-16T11:02:35+07:00');
    expect(toIsoWithOffset(t, 0)).toBe('2015-03-16T04:02:35+00:00');
    expect(toIsoWithOffset(t, -300)).toBe('2015-03-15T23:02:35-05:00');
    expect(toIsoWithOffset(t, 330)).toBe('2015-03-16T09:32:35+05:30');
  });

  it('is parsed back by Date to the same second', () => {
    expect(new Date(toIsoWithOffset(t)).getTime()).toBe(Math.floor(t.getTime() / 1000) * 1000);
  });

  it('rejects a non-integer or out-of-range offset', () => {
    for (const bad of [1.5, 15 * 60, Number.NaN]) {
      let err: unknown;
      try {
        toIsoWithOffset(t, bad);
      } catch (e) {
        err = e;
      }
      expect(isDocaxisError(err, 'INTERNAL')).toBe(true);
    }
  });
});

describe('pdfDate / parsePdfDate', () => {
  it('writes the /M form and reads it back', () => {
    expect(pdfDate(t)).toBe("D:20150316110235+07'00'");
    expect(parsePdfDate(pdfDate(t))?.toISOString()).toBe('2015-03-16T04:02:35.000Z');
  });

  it.each([
    ["D:20150316110235+07'00'", '2015-03-16T04:02:35.000Z'],
    ["D:20150316110235-05'30'", '2015-03-16T16:32:35.000Z'],
    ['D:20150316110235Z', '2015-03-16T11:02:35.000Z'],
    ["D:20150316110235Z00'00'", '2015-03-16T11:02:35.000Z'],
    ['D:20150316110235', '2015-03-16T11:02:35.000Z'], // no zone: GMT (ISO 32000-1 §7.9.4)
    ["D:20150316110235+07'00", '2015-03-16T04:02:35.000Z'], // missing final apostrophe
    ["D:20150316110235+07'", '2015-03-16T04:02:35.000Z'],
    ['D:20150316110235+07', '2015-03-16T04:02:35.000Z'],
    ['D:20150316110235+0700', '2015-03-16T04:02:35.000Z'],
    ['20150316110235+07\'00\'', '2015-03-16T04:02:35.000Z'], // no "D:"
    ['  D:201503161102  ', '2015-03-16T11:02:00.000Z'],
    ['D:2015031611', '2015-03-16T11:00:00.000Z'],
    ['D:20150316', '2015-03-16T00:00:00.000Z'],
    ['D:201503', '2015-03-01T00:00:00.000Z'],
    ['D:2015', '2015-01-01T00:00:00.000Z'],
    ['D:20240229', '2024-02-29T00:00:00.000Z'],
    ['D:00500101', '0050-01-01T00:00:00.000Z'], // years below 100 are not shifted to 19xx
  ])('parses %s', (input, iso) => {
    expect(parsePdfDate(input)?.toISOString()).toBe(iso);
  });

  it.each([
    '',
    'D:',
    'D:15',
    'D:2015031',
    'D:20151316',
    'D:20150230',
    'D:20230229',
    'D:20150316250000',
    'D:20150316116000',
    'D:20150316110260',
    "D:20150316110235+24'00'",
    "D:20150316110235+07'60'",
    'D:20150316110235X',
    'Monday 16 March 2015',
    "D:20150316110235+07'00'junk",
  ])('refuses %j', (input) => {
    expect(parsePdfDate(input)).toBeUndefined();
  });
});
