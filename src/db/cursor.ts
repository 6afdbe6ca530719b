// Opaque page cursors: base64url JSON of the last row's sort key. Opaque so the order can change
// without breaking clients' assumptions; validated strictly, field by field, because a cursor is
// client input that goes into SQL: a forged one is CURSOR_INVALID, never a 500 from the database
// (a timestamp PostgreSQL cannot cast, a non-uuid, a number past bigint, U+0000 in a string).
// Strict validation rather than a MAC: any instance on the same database accepts any instance's
// cursor, and a forged but well-formed cursor only moves the page start inside the caller's rows.
import { DocaxisError } from '../errors.js';

/**
 * 'number': a non-negative safe integer (sequence numbers, priorities); 'timestamp': an instant as
 * Date.toISOString() writes it, years 0001-9999; 'uuid': a canonical UUID; 'string': short text a
 * database can hold.
 */
export type CursorField = 'string' | 'number' | 'timestamp' | 'uuid';

export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]{1,512}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// U+0000 and lone surrogates: no PostgreSQL text can hold them (see exchange/text.ts).
// eslint-disable-next-line no-control-regex -- U+0000 is what is looked for
const UNSTORABLE = /[\u0000\uD800-\uDFFF]/u;

function valid(kind: CursorField, v: unknown): boolean {
  switch (kind) {
    case 'number':
      return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
    case 'timestamp':
      return typeof v === 'string' && ISO_INSTANT.test(v) && !v.startsWith('0000') && new Date(v).toISOString() === v;
    case 'uuid':
      return typeof v === 'string' && UUID.test(v);
    case 'string':
      return typeof v === 'string' && v.length <= 200 && !UNSTORABLE.test(v);
  }
}

/** Decodes a cursor that has exactly the fields of `shape`, each valid for its kind. */
export function decodeCursor<K extends string>(cursor: string, shape: Record<K, CursorField>): Record<K, string | number> {
  if (!BASE64URL.test(cursor)) throw new DocaxisError('CURSOR_INVALID');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new DocaxisError('CURSOR_INVALID');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new DocaxisError('CURSOR_INVALID');
  const keys = Object.keys(shape) as K[];
  if (Object.keys(value).length !== keys.length) throw new DocaxisError('CURSOR_INVALID');
  const out = {} as Record<K, string | number>;
  for (const k of keys) {
    const v = Object.hasOwn(value, k) ? (value as Record<string, unknown>)[k] : undefined;
    if (!valid(shape[k], v)) throw new DocaxisError('CURSOR_INVALID');
    out[k] = v as string | number;
  }
  return out;
}

/** Clamps a requested page size: at least 1, at most 500. */
export function pageLimit(limit: number): number {
  return Math.min(500, Math.max(1, Math.trunc(Number.isFinite(limit) ? limit : 50)));
}
