// Every string a request carries (query, path parameters, JSON body, object keys included) is
// checked before the route runs: U+0000 and lone surrogates cannot be stored by PostgreSQL (text
// and jsonb refuse them; PGlite the same) and would surface as a 500 from deep in a query. One
// hook, so a field added tomorrow is covered without remembering to. Multipart bodies are read by
// their routes (the metadata's parser applies the same rule); raw PDF and PEM bodies are bytes.
import type { FastifyRequest } from 'fastify';
import { DocaxisError } from '../errors.js';
import { isUnstorable, UNSTORABLE_MESSAGE } from '../exchange/text.js';

/** Deeper than any of our bodies, shallow enough that the walk costs nothing. */
const MAX_DEPTH = 32;

export async function refuseUnstorableText(request: FastifyRequest): Promise<void> {
  for (const value of [request.params, request.query, request.body]) {
    const field = unstorableField(value, '', 0);
    if (field !== undefined) {
      throw new DocaxisError('TEXT_INVALID', `${field || '(body)'}: ${UNSTORABLE_MESSAGE}`, { details: { fields: { [field]: UNSTORABLE_MESSAGE } } });
    }
  }
}

/** The dotted path of the first unstorable string (or key) in `value`, '' for the value itself. */
export function unstorableField(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === 'string') return isUnstorable(value) ? path : undefined;
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || ArrayBuffer.isView(value) || depth > MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableField(value[i], `${path}[${i}]`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (isUnstorable(key)) return path || '(key)';
    const found = unstorableField(v, at, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
