// Where a PAdES B-T signature timestamp comes from: an RFC 3161 URL, or a TSA in this process.
import { DocaxisError } from '../errors.js';
import type { DigestAlgorithm } from '../pki/oids.js';
import { buildTimestampRequest, parseTimestampResponse } from '../pki/timestamp.js';
import { requestTimestamp } from '../pki/tsa-client.js';
import type { TimestampAuthority } from '../pki/tsa-responder.js';

/** Returns an RFC 3161 token whose imprint is the digest of `data` (the CMS signature value). */
export type Timestamper = (data: Uint8Array, digest: DigestAlgorithm) => Promise<Uint8Array>;

export function urlTimestamper(url: string, timeoutMs = 15_000): Timestamper {
  if (!/^https?:\/\//i.test(url)) throw new DocaxisError('USAGE', `the TSA address must be an http(s) URL, got "${url}"`);
  return (data, digest) => requestTimestamp(url, { data, digest, timeoutMs });
}

export function localTimestamper(authority: TimestampAuthority): Timestamper {
  return async (data, digest) => {
    const request = buildTimestampRequest({ data, digest });
    const response = await authority.respond(request.der);
    return parseTimestampResponse(response, { imprint: request.imprint, nonce: request.nonce });
  };
}
