// Turns what a client sent as metadata into a DocumentMetadata, or one METADATA_INVALID listing
// every bad field ({ fields: { path: message } }), so a clerk fixes the form in one go.
// Lenient where real systems differ (dates in three forms, type by name or abbreviation, business
// type by name or edXML number, numbers as strings from multipart), strict on what the axis needs.
// The shape is closed: a key it does not know ("Classification", "classification ", "__proto__")
// is refused, never ignored, so a misspelt classification cannot pass as an unclassified document.
import { DocaxisError } from '../errors.js';
import { BUSINESS_TYPES, type BusinessType, type Classification, type DocumentMetadata, type Priority, type SteeringType } from '../db/ports.js';
import { documentTypeName } from './document-types.js';
import { fold, invisibleIn, invisibleMessage, isUnstorable, parseDate, UNSTORABLE_MESSAGE, vietnamDate } from './text.js';

export { DOCUMENT_TYPES, type DocumentTypeName } from './document-types.js';

const LIMITS = { codeNumber: 11, codeNotation: 30, subject: 500, place: 200, signerField: 200, recipientCode: 64, responseFor: 50, reference: 200 } as const;

type Fields = Record<string, string>;

/** Every key the metadata may have; anything else is an error. */
const METADATA_KEYS: readonly string[] = [
  'codeNumber',
  'codeNotation',
  'documentType',
  'subject',
  'promulgationPlace',
  'promulgationDate',
  'dueDate',
  'signer',
  'priority',
  'steeringType',
  'businessType',
  'relatedDocumentId',
  'responseFor',
  'recipients',
  'classification',
];
const SIGNER_KEYS: readonly string[] = ['competence', 'position', 'fullName'];

/** Field errors of a null-prototype record: a field named "__proto__" is recorded like any other. */
function newFields(): Fields {
  return Object.create(null) as Fields;
}

/** One error per key outside `allowed`, naming the key it resembles (case, spaces, diacritics). */
function unknownKeys(obj: object, allowed: readonly string[], prefix: string, into: Fields): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const near = allowed.find((k) => fold(k).replace(/ /g, '') === fold(key).replace(/ /g, ''));
    into[prefix + key] ??= near ? `unknown field (did you mean "${near}"?)` : 'unknown field';
  }
}

class Reader {
  readonly errors: Fields = newFields();
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
    if (typeof value === 'string' && isUnstorable(value)) return this.fail(path, UNSTORABLE_MESSAGE);
    // A bidi control or zero-width character makes the text read other than it is (text.ts).
    const invisible = typeof value === 'string' ? invisibleIn(value) : undefined;
    if (invisible !== undefined) return this.fail(path, invisibleMessage(invisible));
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
    let bad = false;
    items.forEach((item, i) => {
      const s = this.text(`${name}[${i}]`, item, { required: true, max: itemMax });
      if (s !== undefined) out.push(s);
      else bad = true;
    });
    return bad ? undefined : out;
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
  unknownKeys(obj, METADATA_KEYS, '', r.errors);

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
  const s = (signerRaw && typeof signerRaw === 'object' && !Array.isArray(signerRaw) ? signerRaw : {}) as Record<string, unknown>;
  unknownKeys(s, SIGNER_KEYS, 'signer.', r.errors);
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
  } catch (e) {
    r.fail('classification', fieldMessage(e, 'classification') ?? LEVELS_MESSAGE);
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

const LEVELS: readonly Classification[] = ['NONE', 'MAT', 'TOI_MAT', 'TUYET_MAT'];
const LEVELS_MESSAGE = `one of ${LEVELS.join(', ')}`;

/**
 * Folded spellings (see text.fold) of the classified levels, Vietnamese and English. Leniency
 * runs one way only: a spelling of a classified level refuses the document as that level, while
 * "unclassified" is the exact word NONE and nothing else (missing, null, "" or "thường" are errors).
 */
const CLASSIFIED_WORDS: ReadonlyArray<[Classification, readonly string[]]> = [
  ['MAT', ['mat', 'confidential']],
  ['TOI_MAT', ['toi mat', 'secret']],
  ['TUYET_MAT', ['tuyet mat', 'top secret']],
];

function levelError(message: string): DocaxisError {
  return new DocaxisError('METADATA_INVALID', `classification: ${message}`, { details: { fields: { classification: message } } });
}

function fieldMessage(e: unknown, field: string): string | undefined {
  const fields = e instanceof DocaxisError ? (e.details?.['fields'] as Fields | undefined) : undefined;
  return fields?.[field];
}

/**
 * The declared classification, reading nothing but that field. Runs before any byte of the file
 * is read, so it fails closed: a value it cannot place is METADATA_INVALID (never taken as NONE).
 */
export function classificationOf(raw: unknown): Classification {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new DocaxisError('METADATA_INVALID', 'expected an object', { details: { fields: { '': 'expected an object' } } });
  }
  const v = Object.hasOwn(raw, 'classification') ? (raw as Record<string, unknown>)['classification'] : undefined;
  if (v === undefined || v === null || v === '') throw levelError(`required: ${LEVELS_MESSAGE}`);
  if (typeof v !== 'string') throw levelError(LEVELS_MESSAGE);
  const exact = LEVELS.find((l) => l === v);
  if (exact) return exact;
  const key = fold(v);
  const found = CLASSIFIED_WORDS.find(([, words]) => words.includes(key))?.[0];
  if (found) return found;
  throw levelError(LEVELS_MESSAGE);
}

/**
 * What is checked before the file is read: a classified level refuses the document whatever else
 * is wrong (the refusal names the level); otherwise unknown keys and a bad level are
 * METADATA_INVALID. The other fields wait for parseMetadata.
 */
export function screenMetadata(raw: unknown): Classification {
  let level: Classification | undefined;
  let levelFailure: unknown;
  try {
    level = classificationOf(raw);
  } catch (e) {
    levelFailure = e;
  }
  if (level !== undefined && level !== 'NONE') return level;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw levelFailure;
  const fields = newFields();
  unknownKeys(raw, METADATA_KEYS, '', fields);
  const signer = (raw as Record<string, unknown>)['signer'];
  if (signer && typeof signer === 'object' && !Array.isArray(signer)) unknownKeys(signer, SIGNER_KEYS, 'signer.', fields);
  if (levelFailure !== undefined) fields['classification'] = fieldMessage(levelFailure, 'classification') ?? LEVELS_MESSAGE;
  if (Object.keys(fields).length > 0) {
    throw new DocaxisError('METADATA_INVALID', Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('; '), { details: { fields } });
  }
  return 'NONE';
}
