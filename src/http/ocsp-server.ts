// HTTP transport for the TEST-ONLY OCSP responder (`docaxis ocsp --port N`, and a real socket in
// tests): POST application/ocsp-request (RFC 6960 Appendix A.1), answered with
// application/ocsp-response; also GET …/ocsp/{url-encoded base64 of the request} (RFC 6960
// Appendix A.1, RFC 5019 §5), which our client does not use but other tools do. Test hooks: a delay
// (misbehave.delayMs), and extra paths that only a test names: /redirect (a 302 to file:),
// /oversize (a body larger than any OCSP response) and /stall (a body that never ends).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenPlainService, plainText } from './plain-service.js';
import { MAX_OCSP_REQUEST_BYTES } from '../pki/ocsp-request.js';
import type { OcspResponder } from '../pki/ocsp-responder.js';

export interface OcspServer {
  /** The responder's URL (…/ocsp). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startOcspServer(responder: OcspResponder, opts: { port: number; host?: string }): Promise<OcspServer> {
  const host = opts.host ?? '127.0.0.1';
  const service = await listenPlainService((req, res) => handle(responder, req, res), { port: opts.port, host });
  return { url: `${service.origin}/ocsp`, port: service.port, close: () => service.close() };
}

async function handle(responder: OcspResponder, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const body = await readBody(req);
  if (body === undefined) {
    res.writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
    res.end('request too large\n', () => req.destroy());
    return;
  }
  if (path === '/redirect') {
    res.writeHead(302, { Location: 'file:///etc/passwd' });
    res.end();
    return;
  }
  if (path === '/stall') {
    res.writeHead(200, { 'Content-Type': 'application/ocsp-response', 'Content-Length': 1000 });
    res.write(Buffer.alloc(10, 0x30)); // then nothing: the client's deadline must cut it
    return;
  }
  if (path === '/oversize') {
    const big = Buffer.alloc(1024 * 1024, 0x30);
    res.writeHead(200, { 'Content-Type': 'application/ocsp-response' }); // no Content-Length: the client must count
    res.end(big);
    return;
  }
  let request: Uint8Array;
  if (req.method === 'GET' && path !== undefined && path.startsWith('/ocsp/')) {
    let encoded: string;
    try {
      encoded = decodeURIComponent(path.slice('/ocsp/'.length));
    } catch {
      return plainText(res, 400, 'bad percent-encoding');
    }
    if (encoded.length > MAX_OCSP_REQUEST_BYTES * 2 || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return plainText(res, 400, 'expected the base64 of an OCSPRequest');
    request = Buffer.from(encoded, 'base64');
  } else if (req.method === 'POST') {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/ocsp-request') return plainText(res, 415, 'expected application/ocsp-request');
    request = body;
  } else {
    res.setHeader('Allow', 'GET, POST');
    return plainText(res, 405, 'POST an OCSPRequest, or GET …/ocsp/{base64}');
  }
  const delay = responder.misbehave.delayMs ?? 0;
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  if (res.destroyed) return;
  const reply = responder.respond(request);
  res.writeHead(200, { 'Content-Type': 'application/ocsp-response', 'Content-Length': reply.length, 'Cache-Control': 'no-store' });
  res.end(reply);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_OCSP_REQUEST_BYTES) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_OCSP_REQUEST_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

