// Parsing metadata: lenient where deployed systems differ, strict where the axis needs it.
import { describe, expect, it } from 'vitest';
import { isDocaxisError } from '../../src/errors.js';
import { DOCUMENT_TYPES, classificationOf, parseMetadata, screenMetadata } from '../../src/exchange/validate-metadata.js';
import { parseStrictJson } from '../../src/exchange/strict-json.js';
import { fold, parseDate, vietnamDate } from '../../src/exchange/text.js';

const NOW = new Date('2026-11-21T18:30:00Z'); // already 22 November in Vietnam
const base = {
  codeNumber: ' 55 ',
  codeNotation: 'NQ/TU',
  documentType: 'Nghị quyết',
  subject: '  Về việc chuyển đổi số  ',
  promulgationPlace: 'Thái Bình',
  promulgationDate: '2026-11-20',
  signer: { fullName: 'Nguyễn Văn An' },
  recipients: ['000.00.12.H54'],
  classification: 'NONE',
};

function fieldsOf(raw: unknown): Record<string, string> {
  try {
    parseMetadata(raw, NOW);
  } catch (e) {
    if (isDocaxisError(e, 'METADATA_INVALID')) return (e.details as { fields: Record<string, string> }).fields;
    throw e;
  }
  throw new Error('expected METADATA_INVALID');
}

describe('parseMetadata', () => {
  it('trims, fills defaults and stores ISO dates', () => {
    expect(parseMetadata(base, NOW)).toEqual({
      codeNumber: '55',
      codeNotation: 'NQ/TU',
      documentType: 'Nghị quyết',
      subject: 'Về việc chuyển đổi số',
      promulgationPlace: 'Thái Bình',
      promulgationDate: '2026-11-20',
      signer: { competence: null, position: null, fullName: 'Nguyễn Văn An' },
      priority: 0,
      steeringType: 0,
      dueDate: null,
      responseFor: [],
      businessType: 'new',
      relatedDocumentId: null,
      recipients: ['000.00.12.H54'],
      classification: 'NONE',
    });
  });

  it.each([
    ['2026-11-20', '2026-11-20'],
    ['20/11/2026', '2026-11-20'],
    ['2026/11/20', '2026-11-20'],
    ['5/3/2020', '2020-03-05'],
  ])('date %s -> %s', (given, stored) => {
    expect(parseMetadata({ ...base, promulgationDate: given, dueDate: given }, NOW)).toMatchObject({ promulgationDate: stored, dueDate: stored });
  });

  it('a missing promulgation date is today in Vietnam', () => {
    const { promulgationDate: _d, ...rest } = base;
    expect(parseMetadata(rest, NOW).promulgationDate).toBe('2026-11-22');
    expect(vietnamDate(NOW)).toBe('2026-11-22');
  });

  it('refuses impossible and unknown date forms', () => {
    expect(fieldsOf({ ...base, promulgationDate: '2026-02-30' })).toEqual({ promulgationDate: 'a real date as yyyy-mm-dd, yyyy/MM/dd or dd/MM/yyyy' });
    expect(parseDate('11-20-2026')).toBeUndefined();
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
  });

  it('enforces lengths: number <= 11, notation <= 30, subject <= 500', () => {
    expect(fieldsOf({ ...base, codeNumber: '1'.repeat(12), codeNotation: 'x'.repeat(31), subject: 's'.repeat(501) })).toEqual({
      codeNumber: 'at most 11 characters',
      codeNotation: 'at most 30 characters',
      subject: 'at most 500 characters',
    });
    expect(parseMetadata({ ...base, codeNumber: '1'.repeat(11), codeNotation: 'x'.repeat(30), subject: 's'.repeat(500) }, NOW).codeNumber).toHaveLength(11);
  });

  it('requires the essentials, all reported at once', () => {
    expect(fieldsOf({ recipients: [] })).toEqual({
      codeNumber: 'required',
      codeNotation: 'required',
      documentType: 'required',
      subject: 'required',
      promulgationPlace: 'required',
      'signer.fullName': 'required',
      recipients: 'at least one recipient',
      classification: 'required: one of NONE, MAT, TOI_MAT, TUYET_MAT',
    });
    expect(fieldsOf(null)).toEqual({ '': 'expected an object' });
  });

  it('priority 0-4 and steering 0-2, as numbers or numeric strings', () => {
    expect(parseMetadata({ ...base, priority: '4', steeringType: 2 }, NOW)).toMatchObject({ priority: 4, steeringType: 2 });
    expect(fieldsOf({ ...base, priority: 5, steeringType: '3' })).toEqual({ priority: 'an integer from 0 to 4', steeringType: 'an integer from 0 to 2' });
    expect(fieldsOf({ ...base, priority: 1.5 })).toEqual({ priority: 'an integer from 0 to 4' });
  });

  it('document types by name (any case or diacritics) or abbreviation; stored by name', () => {
    expect(DOCUMENT_TYPES).toHaveLength(29);
    expect(DOCUMENT_TYPES.find((t) => t.name === 'Công văn')!.abbreviation).toBeNull();
    expect(parseMetadata({ ...base, documentType: 'QĐ' }, NOW).documentType).toBe('Quyết định');
    expect(parseMetadata({ ...base, documentType: 'QyĐ' }, NOW).documentType).toBe('Quy định');
    expect(parseMetadata({ ...base, documentType: 'giay uy quyen' }, NOW).documentType).toBe('Giấy ủy quyền');
    expect(parseMetadata({ ...base, documentType: 'Giấy uỷ quyền' }, NOW).documentType).toBe('Giấy ủy quyền');
    expect(fieldsOf({ ...base, documentType: 'Thư tình' })).toEqual({ documentType: 'not a Decree 30/2020 document type' });
  });

  it('recipients: a list (or one code as a string), no duplicates', () => {
    expect(parseMetadata({ ...base, recipients: '000.00.12.H54, 000.00.05.H54' }, NOW).recipients).toEqual(['000.00.12.H54', '000.00.05.H54']);
    expect(fieldsOf({ ...base, recipients: ['000.00.12.H54', ' 000.00.12.H54'] })).toEqual({ recipients: 'duplicate: 000.00.12.H54' });
    expect(fieldsOf({ ...base, recipients: 42 })).toEqual({ recipients: 'must be a list' });
  });

  it('business types by name or edXML number; update/replace/recall need the earlier document', () => {
    expect(parseMetadata({ ...base, businessType: 3, relatedDocumentId: 'd1' }, NOW)).toMatchObject({ businessType: 'replace', relatedDocumentId: 'd1' });
    expect(fieldsOf({ ...base, businessType: 'update' })).toEqual({ relatedDocumentId: 'required for update' });
    expect(fieldsOf({ ...base, relatedDocumentId: 'd1' })).toEqual({ relatedDocumentId: 'only for update, replace or recall' });
    expect(fieldsOf({ ...base, businessType: 'merge' })).toEqual({ businessType: 'one of new, recall, update, replace (or edXML 0-3)' });
  });
});

describe('classificationOf', () => {
  it.each([
    ['NONE', 'NONE'],
    ['MAT', 'MAT'],
    ['Mật', 'MAT'],
    ['MẬT', 'MAT'],
    ['confidential', 'MAT'],
    ['TOI_MAT', 'TOI_MAT'],
    ['Tối mật', 'TOI_MAT'],
    ['toi-mat', 'TOI_MAT'],
    ['TUYET_MAT', 'TUYET_MAT'],
    ['Tuyệt mật', 'TUYET_MAT'],
    ['Top Secret', 'TUYET_MAT'],
  ])('%s -> %s', (given, level) => {
    expect(classificationOf({ classification: given, subject: 42 })).toBe(level);
  });

  it('reads nothing but the classification field, and fails closed', () => {
    // Every other field is broken: classificationOf does not care.
    expect(classificationOf({ classification: 'Mật', recipients: 'nope', codeNumber: {} })).toBe('MAT');
    for (const bad of ['mật?', 3, { level: 'MAT' }]) expect(() => classificationOf({ classification: bad })).toThrow(expect.objectContaining({ code: 'METADATA_INVALID' }));
    expect(() => classificationOf('MAT')).toThrow(expect.objectContaining({ code: 'METADATA_INVALID' }));
    expect(parseMetadata({ ...base, classification: 'tuyệt mật' }, NOW).classification).toBe('TUYET_MAT');
    expect(fold('  Tối_MẬT ')).toBe('toi mat');
  });

  it('"NONE" must be said: missing, null, "" and other words for unclassified are refused', () => {
    for (const given of [undefined, null, '']) {
      expect(() => classificationOf({ classification: given })).toThrow(expect.objectContaining({ code: 'METADATA_INVALID', details: { fields: { classification: 'required: one of NONE, MAT, TOI_MAT, TUYET_MAT' } } }));
    }
    expect(() => classificationOf({})).toThrow(expect.objectContaining({ code: 'METADATA_INVALID' }));
    for (const given of ['Thường', 'none', ' NONE', 'unclassified', 'khong mat', 'NONE\u0000']) {
      expect(() => classificationOf({ classification: given }), given).toThrow(expect.objectContaining({ code: 'METADATA_INVALID', details: { fields: { classification: 'one of NONE, MAT, TOI_MAT, TUYET_MAT' } } }));
    }
    // Inherited values do not count: only the object's own key is read.
    expect(() => classificationOf(Object.create({ classification: 'NONE' }))).toThrow(expect.objectContaining({ code: 'METADATA_INVALID' }));
  });
});

describe('the metadata shape is closed', () => {
  it.each([
    [{ Classification: 'MAT' }, { Classification: 'unknown field (did you mean "classification"?)' }],
    [{ 'classification ': 'MAT' }, { 'classification ': 'unknown field (did you mean "classification"?)' }],
    [{ CLASSIFICATION: 'NONE' }, { CLASSIFICATION: 'unknown field (did you mean "classification"?)' }],
    [{ level: 'MAT' }, { level: 'unknown field' }],
    [JSON.parse('{"__proto__":{"classification":"MAT"}}') as object, JSON.parse('{"__proto__":"unknown field"}') as object],
    [{ signer: { fullName: 'A', Position: 'B' } }, { 'signer.Position': 'unknown field (did you mean "position"?)' }],
  ])('%j is refused, naming the key', (extra, fields) => {
    const raw = { ...base, ...extra };
    // parseMetadata (everything) and screenMetadata (before the file) agree.
    for (const check of [() => parseMetadata(raw, NOW), () => screenMetadata(raw)]) {
      let caught: unknown;
      try {
        check();
      } catch (e) {
        caught = e;
      }
      expect(isDocaxisError(caught, 'METADATA_INVALID')).toBe(true);
      expect({ ...((caught as { details: { fields: object } }).details.fields) }).toEqual({ ...fields });
    }
  });

  it('screenMetadata: a classified level wins over every other fault; NONE with good keys passes', () => {
    expect(screenMetadata({ classification: 'Tối mật', Subject: 'x', signer: { who: 1 } })).toBe('TOI_MAT');
    expect(screenMetadata(base)).toBe('NONE');
    // Only the shape and the level: the other fields are parseMetadata's job.
    expect(screenMetadata({ classification: 'NONE', subject: 42 })).toBe('NONE');
    expect(() => screenMetadata({ ...base, classification: null })).toThrow(expect.objectContaining({ code: 'METADATA_INVALID' }));
  });

  it('text a database cannot hold (U+0000, a lone surrogate) is a field error; emoji pass', () => {
    expect(fieldsOf({ ...base, codeNumber: '1\u0000', subject: 'a\uD800b', signer: { fullName: 'x\uDC00' }, recipients: ['000.00.12.H54\u0000'] })).toEqual({
      codeNumber: 'holds U+0000 or a lone surrogate',
      subject: 'holds U+0000 or a lone surrogate',
      'signer.fullName': 'holds U+0000 or a lone surrogate',
      'recipients[0]': 'holds U+0000 or a lone surrogate',
    });
    expect(parseMetadata({ ...base, subject: 'V/v 😀 chuyển đổi số' }, NOW).subject).toBe('V/v 😀 chuyển đổi số');
  });
});

describe('parseStrictJson', () => {
  it('refuses duplicate keys, also when written with escapes, and names them', () => {
    expect(parseStrictJson('{"classification":"MAT","classification":"NONE"}', 8)).toEqual({ ok: false, field: 'classification', message: 'given more than once', value: { classification: 'NONE' } });
    expect(parseStrictJson('{"classification":"MAT","\\u0063lassification":"NONE"}', 8)).toMatchObject({ ok: false, field: 'classification' });
    expect(parseStrictJson('{"signer":{"fullName":"A","fullName":"B"}}', 8)).toMatchObject({ ok: false, field: 'signer.fullName' });
    expect(parseStrictJson('{"a":[{"k":1},{"k":2,"k":3}]}', 8)).toMatchObject({ ok: false, field: 'a[1].k' });
  });

  it('the same key in different objects, keys that look alike, and strings with brackets are fine', () => {
    const text = '{"a":{"k":"}{,\\""},"b":{"k":"[,]"},"K":1,"list":["k","k"]}';
    expect(parseStrictJson(text, 8)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it('not JSON, or nested too deep', () => {
    expect(parseStrictJson('{not json', 8)).toEqual({ ok: false, field: '', message: 'not valid JSON' });
    expect(parseStrictJson('[[[[1]]]]', 3)).toMatchObject({ ok: false, message: 'nested deeper than 3 levels' });
    expect(parseStrictJson('['.repeat(200_000) + ']'.repeat(200_000), 8)).toMatchObject({ ok: false });
  });
});
