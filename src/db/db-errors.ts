// Driver errors -> what a caller can act on. Only db/ knows SQLSTATEs; above it, a lost database
// is DocaxisError('DB_UNAVAILABLE') and everything else keeps its own shape.
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { DocaxisError } from '../errors.js';

export const UNIQUE_VIOLATION = '23505';

/** The SQLSTATE (or postgres-js connection code) of an error from either driver, unwrapped. */
export function sqlState(e: unknown): string | undefined {
  const inner = e instanceof DrizzleQueryError && e.cause ? e.cause : e;
  const code = (inner as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

// Class 08 = connection exception; 57P0x = the server is shutting down or killed this backend;
// 53300 = too many connections. The rest are postgres-js and Node socket codes.
const UNAVAILABLE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EPIPE',
  'ETIMEDOUT',
]);

export function isUnavailable(e: unknown): boolean {
  const code = sqlState(e);
  if (code !== undefined && (code.startsWith('08') || UNAVAILABLE_CODES.has(code))) return true;
  const inner = e instanceof DrizzleQueryError && e.cause ? e.cause : e;
  // PGlite after close() throws a plain Error with this message.
  return inner instanceof Error && /PGlite is closed/i.test(inner.message);
}

/** Rethrows `e` as DB_UNAVAILABLE when the database is gone; otherwise unchanged. */
export function translateDbError(e: unknown): unknown {
  if (e instanceof DocaxisError) return e;
  if (isUnavailable(e)) {
    const inner = e instanceof DrizzleQueryError && e.cause ? e.cause : e;
    return new DocaxisError('DB_UNAVAILABLE', inner instanceof Error ? inner.message.split('\n', 1)[0] : undefined, { cause: e });
  }
  return e;
}
