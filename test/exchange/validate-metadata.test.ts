// Parsing metadata: lenient where deployed systems differ, strict where the axis needs it.
import { describe, expect, it } from 'vitest';
import { isDocaxisError } from '../../src/errors.js';
import { DOCUMENT_TYPES, classificationOf, parseMetadata } from '../../src/exchange/validate-metadata.js';
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
    [undefined, 'NONE'],
    ['', 'NONE'],
    ['NONE', 'NONE'],
    ['Thường', 'NONE'],
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
});
