// A TCP proxy between the service's pool and PostgreSQL that a test controls, to cut the network
// without touching the machine's shared server:
// - pause(): nothing passes either way (both sides stop being read; new connections wait), as in
//   a partition; resume() lets everything through again, in order.
// - dropAll(): every connection is reset (RST), as when the server or a middlebox dies.
// - down() / up(): dropAll() and the port closed, so connects are refused, then open again on the
//   same port: a server restart seen from the client.
import net from 'node:net';

interface Pair {
  client: net.Socket;
  server: net.Socket | undefined;
}

export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private readonly held: net.Socket[] = [];
  private listener: net.Server | undefined;
  private paused = false;
  /** Connections accepted so far (a reconnecting pool shows here). */
  accepted = 0;

  private boundPort = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    proxy.boundPort = await proxy.listen(0);
    return proxy;
  }

  /** The proxy's port on 127.0.0.1 (the same across down() and up()). */
  get port(): number {
    return this.boundPort;
  }

  /** `url` with its host and port replaced by this proxy's. */
  url(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  pause(): void {
    this.paused = true;
    // Unpiped, not only paused: a pipe resumes its source whenever the destination drains.
    for (const p of this.pairs) {
      p.client.unpipe();
      p.server?.unpipe();
      p.client.pause();
      p.server?.pause();
    }
  }

  resume(): void {
    this.paused = false;
    for (const p of this.pairs) this.pipe(p);
    for (const c of this.held.splice(0)) this.connect(c);
  }

  private pipe(p: Pair): void {
    if (!p.server) return;
    p.client.pipe(p.server);
    p.server.pipe(p.client);
  }

  dropAll(): void {
    for (const c of this.held.splice(0)) c.resetAndDestroy();
    for (const p of this.pairs) {
      p.client.resetAndDestroy();
      p.server?.resetAndDestroy();
    }
    this.pairs.clear();
  }

  async down(): Promise<void> {
    const closing = new Promise<void>((r) => (this.listener ? this.listener.close(() => r()) : r()));
    this.listener = undefined;
    this.dropAll();
    await closing;
  }

  async up(): Promise<void> {
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    await this.down();
  }

  private listen(port: number): Promise<number> {
    const server = net.createServer((client) => {
      this.accepted++;
      client.on('error', () => undefined);
      if (this.paused) {
        client.pause();
        this.held.push(client);
      } else {
        this.connect(client);
      }
    });
    this.listener = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
    });
  }

  private connect(client: net.Socket): void {
    const pair: Pair = { client, server: undefined };
    const server = net.connect(this.target.port, this.target.host);
    pair.server = server;
    this.pairs.add(pair);
    server.on('error', () => client.destroy());
    client.on('error', () => server.destroy());
    client.on('close', () => {
      server.destroy();
      this.pairs.delete(pair);
    });
    server.on('close', () => {
      client.destroy();
      this.pairs.delete(pair);
    });
    if (this.paused) server.pause();
    else this.pipe(pair);
  }
}
