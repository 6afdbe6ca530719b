// What a client gets when Node itself gives up on its request before Fastify routes it: headers or
// a body that did not arrive within the server's timeouts (408 REQUEST_TIMEOUT), headers too large,
// or bytes that are not HTTP. The same error shape as every other answer, written on the socket,
// which is then closed.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { ErrorBody } from './error-body.js';

export function answerClientError(err: Error, socket: Socket, log: FastifyBaseLogger): void {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNRESET' || socket.destroyed) return;
  const [status, body]: [number, ErrorBody] =
    code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, { error: { code: 'REQUEST_TIMEOUT', message: 'The request did not arrive in time and was cut' } }]
      : code === 'HPE_HEADER_OVERFLOW'
        ? [431, { error: { code: 'USAGE', message: 'Invalid request: the headers are too large' } }]
        : [400, { error: { code: 'USAGE', message: 'Invalid request: not a valid HTTP request' } }];
  log.info({ code, status }, 'client error');
  const json = JSON.stringify(body);
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(json)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${json}`);
  socket.destroy();
}
