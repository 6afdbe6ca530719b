// Turns what a client sent as metadata into a DocumentMetadata, or one METADATA_INVALID listing
// every bad field ({ fields: { path: message } }), so a clerk fixes the form in one go.
// Lenient where real systems differ (dates in three forms, type by name or abbreviation, business
// type by name or edXML number, numbers as strings from multipart), strict on what the axis needs.
import { DocaxisError } from '../errors.js';
import { BUSINESS_TYPES, type BusinessType, type Classification, type DocumentMetadata, type Priority, type SteeringType } from '../db/ports.js';
import { documentTypeName } from './document-types.js';
import { fold, parseDate, vietnamDate } from './text.js';

export { DOCUMENT_TYPES, type DocumentTypeName } from './document-types.js';

const LIMITS = { codeNumber: 11, codeNotation: 30, subject: 500, place: 200, signerField: 200, recipientCode: 64, responseFor: 50, reference: 200 } as const;

type Fields = Record<string, string>;

class Reader {
  readonly errors: Fields = {};
  constructor(private readonly raw: Record<string, unknown>) {}

  fail(path: string, message: string): undefined {
    this.errors[path] ??= message;
    return undefined;
  }

  /** A trimmed string; absent, null and blank all count as missing. */
  text(path: string, value: unknown, opts: { required: boolean; max: number }): string | undefined {
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      return opts.required ? this.fail(path, 'required') : undefined;
    }
    if (typeof value !== 'string' && typeof value !== 'number') return this.fail(path, 'must be a string');
    const s = String(value).normalize('NFC').trim();
    return s.length > opts.max ? this.fail(path, `at most ${opts.max} characters`) : s;
  }

  field(name: string, opts: { required: boolean; max: number }): string | undefined {
    return this.text(name, this.raw[name], opts);
  }

  /** An integer in [0, max], given as a number or a numeric string (multipart sends strings). */
  small(name: string, max: number): number | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null || v === '') return 0;
    const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
    return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max ? n : this.fail(name, `an integer from 0 to ${max}`);
  }

  date(name: string, required: boolean): string | undefined {
    const s = this.field(name, { required, max: 10 });
    if (s === undefined) return undefined;
    return parseDate(s) ?? this.fail(name, 'a real date as yyyy-mm-dd, yyyy/MM/dd or dd/MM/yyyy');
  }

  list(name: string, max: number, itemMax: number): string[] | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return [];
    // One recipient is often sent as a bare string (or a comma-separated one from a form field).
    const items = typeof v === 'string' ? v.split(',') : v;
    if (!Array.isArray(items)) return this.fail(name, 'must be a list');
    if (items.length > max) return this.fail(name, `at most ${max} entries`);
    const out: string[] = [];
    items.forEach((item, i) => {
      const s = this.text(`${name}[${i}]`, item, { required: true, max: itemMax });
      if (s !== undefined) out.push(s);
    });
    return out;
  }
}

const EDXML_BUSINESS_TYPES: Readonly<Record<string, BusinessType>> = { '0': 'new', '1': 'recall', '2': 'update', '3': 'replace' };

function businessTypeOf(r: Reader, v: unknown): BusinessType | undefined {
  if (v === undefined || v === null || v === '') return 'new';
  const key = String(v).trim().toLowerCase();
  const found = EDXML_BUSINESS_TYPES[key] ?? BUSINESS_TYPES.find((b) => b === key);
  return found ?? r.fail('businessType', `one of ${BUSINESS_TYPES.join(', ')} (or edXML 0-3)`);
}

/**
 * `now` gives the default promulgation date (today in Vietnam) when the client leaves it out.
 * Whether a given date lies in the future is a separate policy step (PROMULGATION_IN_FUTURE).
 */
export function parseMetadata(raw: unknown, now: Date): DocumentMetadata {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new DocaxisError('METADATA_INVALID', 'expected an object', { details: { fields: { '': 'expected an object' } } });
  }
  const obj = raw as Record<string, unknown>;
  const r = new Reader(obj);

  const codeNumber = r.field('codeNumber', { required: true, max: LIMITS.codeNumber });
  const codeNotation = r.field('codeNotation', { required: true, max: LIMITS.codeNotation });
  const typeText = r.field('documentType', { required: true, max: 100 });
  const documentType = typeText === undefined ? undefined : (documentTypeName(typeText) ?? r.fail('documentType', 'not a Decree 30/2020 document type'));
  const subject = r.field('subject', { required: true, max: LIMITS.subject });
  const promulgationPlace = r.field('promulgationPlace', { required: true, max: LIMITS.place });
  const promulgationDate = obj['promulgationDate'] === undefined ? vietnamDate(now) : r.date('promulgationDate', true);
  const dueDate = r.date('dueDate', false) ?? null;

  const signerRaw = obj['signer'];
  if (signerRaw !== undefined && (signerRaw === null || typeof signerRaw !== 'object' || Array.isArray(signerRaw))) r.fail('signer', 'must be an object');
  const s = (signerRaw && typeof signerRaw === 'object' ? signerRaw : {}) as Record<string, unknown>;
  const fullName = r.text('signer.fullName', s['fullName'], { required: true, max: LIMITS.signerField });
  const competence = r.text('signer.competence', s['competence'], { required: false, max: LIMITS.signerField }) ?? null;
  const position = r.text('signer.position', s['position'], { required: false, max: LIMITS.signerField }) ?? null;

  const priority = r.small('priority', 4) as Priority | undefined;
  const steeringType = r.small('steeringType', 2) as SteeringType | undefined;
  const businessType = businessTypeOf(r, obj['businessType']);
  const relatedDocumentId = r.field('relatedDocumentId', { required: false, max: LIMITS.reference }) ?? null;
  if (businessType && businessType !== 'new' && relatedDocumentId === null) r.fail('relatedDocumentId', `required for ${businessType}`);
  if (businessType === 'new' && relatedDocumentId !== null) r.fail('relatedDocumentId', 'only for update, replace or recall');
  const responseFor = r.list('responseFor', LIMITS.responseFor, LIMITS.reference);

  const recipients = r.list('recipients', 500, LIMITS.recipientCode);
  if (recipients && recipients.length === 0) r.fail('recipients', 'at least one recipient');
  const dupes = recipients?.filter((c, i) => recipients.indexOf(c) !== i) ?? [];
  if (dupes.length > 0) r.fail('recipients', `duplicate: ${[...new Set(dupes)].join(', ')}`);

  let classification: Classification | undefined;
  try {
    classification = classificationOf(obj);
  } catch {
    r.fail('classification', 'one of NONE, MAT, TOI_MAT, TUYET_MAT');
  }

  const fields = r.errors;
  if (Object.keys(fields).length > 0) {
    throw new DocaxisError('METADATA_INVALID', Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('; '), { details: { fields } });
  }
  return {
    codeNumber: codeNumber!,
    codeNotation: codeNotation!,
    documentType: documentType!,
    subject: subject!,
    promulgationPlace: promulgationPlace!,
    promulgationDate: promulgationDate!,
    signer: { competence, position, fullName: fullName! },
    priority: priority!,
    steeringType: steeringType!,
    dueDate,
    responseFor: responseFor!,
    businessType: businessType!,
    relatedDocumentId,
    recipients: recipients!,
    classification: classification!,
  };
}

/** Folded spellings (see text.fold) of each level, Vietnamese and English. */
const CLASSIFICATION_WORDS: ReadonlyArray<[Classification, readonly string[]]> = [
  ['NONE', ['none', 'khong', 'khong mat', 'thuong', 'binh thuong', 'unclassified']],
  ['MAT', ['mat', 'confidential']],
  ['TOI_MAT', ['toi mat', 'secret']],
  ['TUYET_MAT', ['tuyet mat', 'top secret']],
];

/**
 * The declared classification, reading nothing but that field. Runs before any byte of the file
 * is read, so it fails closed: a value it cannot place is METADATA_INVALID (never taken as NONE).
 */
export function classificationOf(raw: unknown): Classification {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new DocaxisError('METADATA_INVALID', 'expected an object', { details: { fields: { '': 'expected an object' } } });
  }
  const v = (raw as Record<string, unknown>)['classification'];
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return 'NONE';
  const key = typeof v === 'string' ? fold(v) : undefined;
  const found = key === undefined ? undefined : CLASSIFICATION_WORDS.find(([, words]) => words.includes(key))?.[0];
  if (found) return found;
  throw new DocaxisError('METADATA_INVALID', 'classification: one of NONE, MAT, TOI_MAT, TUYET_MAT', {
    details: { fields: { classification: 'one of NONE, MAT, TOI_MAT, TUYET_MAT' } },
  });
}
