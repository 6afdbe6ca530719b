// Every string a request carries (query, path parameters, JSON body, object keys included) is
// checked before the route runs, by one hook, so a field added tomorrow is covered without
// remembering to:
// - U+0000 and lone surrogates cannot be stored by PostgreSQL (text and jsonb refuse them; PGlite
//   the same) and would surface as a 500 from deep in a query: TEXT_INVALID.
// - Bidi controls and zero-width characters make a name, a reason or a label read other than it
//   is (`RTL \u202Egnp.exe\u202C` shows as "RTL exe.png"): TEXT_INVISIBLE_CHARACTER, naming the
//   field and the character. A password is never shown, so its characters are its owner's choice.
// Multipart bodies are read by their routes (the metadata's parser applies the same rules); raw
// PDF and PEM bodies are bytes.
import type { FastifyRequest } from 'fastify';
import { DocaxisError } from '../errors.js';
import { invisibleIn, isUnstorable, rejectInvisible, UNSTORABLE_MESSAGE } from '../exchange/text.js';

/** Deeper than any of our bodies, shallow enough that the walk costs nothing. */
const MAX_DEPTH = 32;

/** Fields whose value is never displayed: exempt from the invisible-character rule only. */
const SECRET_KEY = /password|secret|token/i;

export async function refuseUnstorableText(request: FastifyRequest): Promise<void> {
  for (const value of [request.params, request.query, request.body]) {
    const field = unstorableField(value, '', 0);
    if (field !== undefined) {
      throw new DocaxisError('TEXT_INVALID', `${field || '(body)'}: ${UNSTORABLE_MESSAGE}`, { details: { fields: { [field]: UNSTORABLE_MESSAGE } } });
    }
  }
  for (const value of [request.params, request.query, request.body]) {
    const field = invisibleField(value, '', 0);
    if (field !== undefined) rejectInvisible(field.path || '(body)', field.text);
  }
}

/** The dotted path of the first unstorable string (or key) in `value`, '' for the value itself. */
export function unstorableField(value: unknown, path: string, depth: number): string | undefined {
  return firstString(value, path, depth, isUnstorable, () => false)?.path;
}

/** The first string (or key) holding an invisible character, outside secret fields, and its path. */
export function invisibleField(value: unknown, path: string, depth: number): { path: string; text: string } | undefined {
  return firstString(value, path, depth, (s) => invisibleIn(s) !== undefined, (key) => SECRET_KEY.test(key));
}

function firstString(value: unknown, path: string, depth: number, bad: (s: string) => boolean, skipKey: (key: string) => boolean): { path: string; text: string } | undefined {
  if (typeof value === 'string') return bad(value) ? { path, text: value } : undefined;
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || ArrayBuffer.isView(value) || depth > MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstString(value[i], `${path}[${i}]`, depth + 1, bad, skipKey);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (bad(key)) return { path: path || '(key)', text: key };
    if (skipKey(key)) continue;
    const found = firstString(v, at, depth + 1, bad, skipKey);
    if (found !== undefined) return found;
  }
  return undefined;
}
