// Opaque page cursors: base64url JSON of the last row's sort key. Opaque so the order can change
// without breaking clients' assumptions; validated so a forged one is an input error, not a 500.
import { DocaxisError } from '../errors.js';

export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Decodes a cursor whose fields all have the types of `shape` ('string' | 'number'). */
export function decodeCursor<K extends string>(cursor: string, shape: Record<K, 'string' | 'number'>): Record<K, string | number> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new DocaxisError('CURSOR_INVALID');
  }
  if (!value || typeof value !== 'object') throw new DocaxisError('CURSOR_INVALID');
  const out = {} as Record<K, string | number>;
  for (const k of Object.keys(shape) as K[]) {
    const v = (value as Record<string, unknown>)[k];
    if (typeof v !== shape[k]) throw new DocaxisError('CURSOR_INVALID');
    out[k] = v as string | number;
  }
  return out;
}

/** Clamps a requested page size: at least 1, at most 500. */
export function pageLimit(limit: number): number {
  return Math.min(500, Math.max(1, Math.trunc(Number.isFinite(limit) ? limit : 50)));
}
