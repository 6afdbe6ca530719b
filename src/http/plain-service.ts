// The plain node:http listener shared by the TEST-ONLY protocol services (`docaxis tsa`,
// `docaxis ocsp`): one handler, bounded header and request times, a 500 for a handler that throws,
// and a close that also ends kept-alive connections.
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PlainService {
  /** http://host:port (IPv6 hosts in brackets), without a path. */
  origin: string;
  port: number;
  close(): Promise<void>;
}

export async function listenPlainService(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>, opts: { port: number; host?: string }): Promise<PlainService> {
  const host = opts.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) plainText(res, 500, 'internal error');
      else res.destroy();
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    origin: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export function plainText(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}
