// One HTTP GET/POST for revocation data (OCSP responders, CRL distribution points): http(s) only,
// no redirects, a deadline, a size limit, and an address guard. The URLs come from certificates,
// which in the service come from attacker-supplied PDFs: fetching them is an SSRF vector, so by
// default loopback, private, link-local and other non-public addresses are refused. The address is
// checked where the socket connects (a `lookup` hook), so DNS that answers "public" to the check
// and "private" to the connection (rebinding) gains nothing.
import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DocaxisError } from '../errors.js';

export interface RevocationHttpOptions {
  timeoutMs: number;
  maxBytes: number;
  /** Allow loopback/private/link-local targets (tests, or an operator's internal CA). */
  allowPrivateAddresses: boolean;
}

export interface RevocationHttpRequest {
  url: string;
  method: 'GET' | 'POST';
  body?: Uint8Array;
  contentType?: string;
  accept: string;
}

export interface RevocationHttpResponse {
  status: number;
  contentType: string;
  body: Uint8Array;
}

// Not publicly routable, or not meant to be reached by a server acting for a stranger.
const NON_PUBLIC = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  NON_PUBLIC.addSubnet(net, bits, 'ipv6');
}

/** True for addresses a server fetching URLs named by strangers must not reach. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return NON_PUBLIC.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return NON_PUBLIC.check(mapped[1]!, 'ipv4');
  return NON_PUBLIC.check(address, 'ipv6');
}

/** Validates a revocation URL: http(s), no credentials. @throws DocaxisError REVOCATION_URL_REFUSED */
export function checkRevocationUrl(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new DocaxisError('REVOCATION_URL_REFUSED', `not a URL: ${url.slice(0, 200)}`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new DocaxisError('REVOCATION_URL_REFUSED', `${target.protocol} URLs are not fetched (http and https only)`);
  if (target.username !== '' || target.password !== '') throw new DocaxisError('REVOCATION_URL_REFUSED', 'URLs with credentials are not fetched');
  return target;
}

export async function revocationHttp(req: RevocationHttpRequest, opts: RevocationHttpOptions): Promise<RevocationHttpResponse> {
  const target = checkRevocationUrl(req.url);
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) !== 0 && !opts.allowPrivateAddresses && isNonPublicAddress(host)) {
    throw new DocaxisError('REVOCATION_URL_REFUSED', `${host} is a loopback, private or link-local address`);
  }
  const guardedLookup: RequestOptions['lookup'] = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const allowed = opts.allowPrivateAddresses ? addresses : addresses.filter((a) => !isNonPublicAddress(a.address));
      if (allowed.length === 0) return callback(new DocaxisError('REVOCATION_URL_REFUSED', `${hostname} resolves only to loopback, private or link-local addresses`), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      return callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<RevocationHttpResponse>((resolve, reject) => {
    const fail = (e: unknown) => reject(e instanceof DocaxisError ? e : new DocaxisError('REVOCATION_UNREACHABLE', `${target.origin}: ${e instanceof Error ? e.message : String(e)}`, { cause: e }));
    const request = send(
      target,
      {
        method: req.method,
        lookup: guardedLookup,
        headers: { Accept: req.accept, ...(req.body ? { 'Content-Type': req.contentType ?? 'application/octet-stream', 'Content-Length': req.body.byteLength } : {}) },
        signal: AbortSignal.timeout(opts.timeoutMs),
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        // No redirects at all: a redirect could point anywhere (file:, an internal host).
        if (status >= 300 && status < 400) {
          res.resume();
          return reject(new DocaxisError('REVOCATION_URL_REFUSED', `${target.origin} answered a redirect (HTTP ${status}); redirects are not followed`));
        }
        const declared = Number(res.headers['content-length'] ?? '0');
        if (declared > opts.maxBytes) {
          res.destroy();
          return reject(new DocaxisError('REVOCATION_TOO_LARGE', `${target.origin}: ${declared} bytes exceeds the limit of ${opts.maxBytes}`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > opts.maxBytes) {
            res.destroy();
            reject(new DocaxisError('REVOCATION_TOO_LARGE', `${target.origin}: more than ${opts.maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.once('end', () => resolve({ status, contentType: String(res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase(), body: new Uint8Array(Buffer.concat(chunks)) }));
        res.once('error', fail);
        // A body cut short (deadline, reset) ends in 'close' without 'end': never leave the caller waiting.
        res.once('close', () => {
          if (!res.complete) fail(new DocaxisError('REVOCATION_UNREACHABLE', `${target.origin}: the answer was cut short`));
        });
      },
    );
    request.once('error', (e) => fail(e.name === 'AbortError' || e.name === 'TimeoutError' ? new DocaxisError('REVOCATION_UNREACHABLE', `${target.origin}: no answer within ${opts.timeoutMs} ms`) : e));
    request.end(req.body);
  });
}
