// HTTP transport for our RFC 3161 responder (`docaxis tsa --port N`, and a real socket in tests).
// Plain node:http: one route, and the only HTTP knowledge is here (status codes, content types).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenPlainService, plainText } from './plain-service.js';
import type { TimestampAuthority } from '../pki/tsa-responder.js';

const DEFAULT_MAX_REQUEST_BYTES = 64 * 1024; // a TimeStampReq is ~100 bytes; extensions could add a little

export interface TsaServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startTsaServer(authority: TimestampAuthority, opts: { port: number; host?: string; maxRequestBytes?: number }): Promise<TsaServer> {
  const host = opts.host ?? '127.0.0.1';
  const limit = opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const service = await listenPlainService((req, res) => handle(authority, limit, req, res), { port: opts.port, host });
  return { url: `${service.origin}/`, port: service.port, close: () => service.close() };
}

async function handle(authority: TimestampAuthority, limit: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return drainAnd(req, res, limit, () => plainText(res, 405, 'POST a TimeStampReq'));
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/timestamp-query') return drainAnd(req, res, limit, () => plainText(res, 415, 'expected application/timestamp-query'));
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) return tooLarge(req, res);

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return tooLarge(req, res);
    chunks.push(chunk);
  }
  const reply = await authority.respond(Buffer.concat(chunks));
  res.writeHead(200, { 'Content-Type': 'application/timestamp-reply', 'Content-Length': reply.length, 'Cache-Control': 'no-store' });
  res.end(reply);
}


/** Answers once the (small) request body is read, so the client sees the status, not a reset. */
function drainAnd(req: IncomingMessage, res: ServerResponse, limit: number, answer: () => void): void {
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit && !res.headersSent) tooLarge(req, res);
  });
  req.once('end', () => {
    if (!res.headersSent) answer();
  });
}

/** 413 and close: the rest of an oversized body is not read. */
function tooLarge(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
  res.end('request too large\n', () => req.destroy());
}
