// The one place an error category becomes an HTTP status (architecture: only http/ knows them).
import type { ErrorCategory } from '../errors.js';

const STATUS_BY_CATEGORY: Readonly<Record<ErrorCategory, number>> = {
  input: 400,
  usage: 400,
  policy: 422,
  auth: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  unavailable: 503,
  'rate-limited': 429,
  internal: 500,
};

export function statusOf(category: ErrorCategory): number {
  return STATUS_BY_CATEGORY[category];
}
