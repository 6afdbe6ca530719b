// RFC 3161 over HTTP (section 3.4): POST a DER TimeStampReq as application/timestamp-query, expect
// application/timestamp-reply. The token is returned only once it matches our imprint and nonce,
// so a confused or replaying TSA cannot slip a token for other data into a signature.
import { DocaxisError } from '../errors.js';
import type { DigestAlgorithm } from './oids.js';
import { buildTimestampRequest, parseTimestampResponse } from './timestamp.js';

const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_RESPONSE_BYTES = 1 << 20; // tokens are a few KB; anything near this is not a TSA answer

export async function requestTimestamp(url: string, p: { data?: Uint8Array; imprint?: Uint8Array; digest: DigestAlgorithm; timeoutMs?: number }): Promise<Uint8Array> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new DocaxisError('TSA_UNREACHABLE', `invalid TSA URL ${url}`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new DocaxisError('TSA_UNREACHABLE', `unsupported TSA URL scheme ${target.protocol}`);
  const request = buildTimestampRequest({ ...(p.data ? { data: p.data } : {}), ...(p.imprint ? { imprint: p.imprint } : {}), digest: p.digest });

  let response: Response;
  let body: Uint8Array;
  try {
    response = await fetch(target, {
      method: 'POST',
      headers: { 'Content-Type': 'application/timestamp-query', Accept: 'application/timestamp-reply' },
      body: request.der,
      signal: AbortSignal.timeout(p.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new DocaxisError('TSA_UNREACHABLE', `${target.origin} answered HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > MAX_RESPONSE_BYTES) {
      await response.body?.cancel();
      throw new DocaxisError('TSA_BAD_RESPONSE', `response of ${declared} bytes is too large`);
    }
    body = new Uint8Array(await response.arrayBuffer());
  } catch (e) {
    if (e instanceof DocaxisError) throw e;
    const why = e instanceof Error ? (e.name === 'TimeoutError' ? 'timed out' : e.cause instanceof Error ? e.cause.message : e.message) : String(e);
    throw new DocaxisError('TSA_UNREACHABLE', `${target.origin}: ${why}`, { cause: e });
  }
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/timestamp-reply') throw new DocaxisError('TSA_BAD_RESPONSE', `unexpected Content-Type "${contentType}"`);
  if (body.length > MAX_RESPONSE_BYTES) throw new DocaxisError('TSA_BAD_RESPONSE', `response of ${body.length} bytes is too large`);
  return parseTimestampResponse(body, { imprint: request.imprint, nonce: request.nonce });
}
