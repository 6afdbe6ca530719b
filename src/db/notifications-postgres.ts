// Notifications on PostgreSQL: LISTEN on ONE dedicated connection per process (never one per
// browser: the HTTP layer fans out in memory), NOTIFY through the stores' pool.
//
// postgres-js's own listen() re-LISTENs once after a lost connection and gives up silently if
// that attempt fails (the database still restarting), so the listener is ours: a postgres-js
// client of one connection with no idle or lifetime limit, whose `onclose` starts a loop that
// re-issues every LISTEN until it succeeds, with a capped backoff. Notifications published while
// it was gone are lost: once it listens again every handler is told to resync.
import { sql as dsql } from 'drizzle-orm';
import postgres, { type Sql } from 'postgres';
import type { Db } from './db.js';
import { checkNotification, HandlerSet, type NotificationHandler, type Notifications, type Unsubscribe } from './notifications.js';

export interface PostgresNotificationsOptions {
  /** Seconds to wait for the listening connection (the pool's connect timeout). */
  connectTimeoutSeconds?: number;
  /** Delay before the n-th consecutive reconnection attempt (default: 50 ms doubling, capped at 2 s). */
  retryDelayMs?: (attempt: number) => number;
}

const defaultRetryDelayMs = (attempt: number): number => Math.min(50 * 2 ** attempt, 2000);

export class PostgresNotifications implements Notifications {
  private readonly handlers = new HandlerSet(() => undefined);
  private readonly listener: Sql;
  private closed = false;
  /** Set by every close of the listening connection; the loop runs until a pass saw none. */
  private lost = false;
  private reconnecting: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    url: string,
    private readonly db: Db,
    private readonly opts: PostgresNotificationsOptions = {},
  ) {
    // `onnotify` is a postgres-js option its types omit (its own listen() uses it).
    const options: postgres.Options<Record<string, never>> & { onnotify: (channel: string, payload: string) => void } = {
      max: 1,
      idle_timeout: 0,
      max_lifetime: null,
      connect_timeout: opts.connectTimeoutSeconds ?? 10,
      fetch_types: false,
      onnotice: () => undefined,
      onnotify: (channel, payload) => this.handlers.deliver(channel, payload),
      onclose: () => this.connectionLost(),
    };
    this.listener = postgres(url, options);
  }

  async publish(channel: string, payload: string): Promise<void> {
    checkNotification(channel, payload);
    if (this.closed) throw new Error('notifications closed');
    await this.db.execute(dsql`select pg_notify(${channel}, ${payload})`);
  }

  async subscribe(channel: string, handler: NotificationHandler): Promise<Unsubscribe> {
    checkNotification(channel);
    if (this.closed) throw new Error('notifications closed');
    if (this.handlers.add(channel, handler)) {
      try {
        await this.listen(channel);
      } catch (e) {
        this.handlers.remove(channel, handler);
        throw e;
      }
    } else {
      // Another handler's LISTEN may still be on its way; LISTEN twice is a no-op for the server.
      await this.listen(channel);
    }
    return () => {
      if (this.handlers.remove(channel, handler) && !this.closed) void this.listener.unsafe(`unlisten ${channel}`).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    this.handlers.clear();
    await this.listener.end({ timeout: 1 }).catch(() => undefined);
    await this.reconnecting;
  }

  /** The channel was validated (a plain identifier): safe to write unquoted. */
  private async listen(channel: string): Promise<void> {
    await this.listener.unsafe(`listen ${channel}`);
  }

  private connectionLost(): void {
    if (this.closed) return;
    this.lost = true;
    this.reconnecting ??= this.reconnect().finally(() => (this.reconnecting = undefined));
  }

  private async reconnect(): Promise<void> {
    const delay = this.opts.retryDelayMs ?? defaultRetryDelayMs;
    for (let attempt = 0; !this.closed; attempt++) {
      const channels = this.handlers.channels();
      if (channels.length === 0) return void (this.lost = false); // nobody listens: connect on the next subscribe
      this.lost = false;
      try {
        for (const c of channels) await this.listen(c);
        if (!this.lost) {
          this.handlers.resync();
          return;
        }
      } catch {
        // The database is still away: wait and try again.
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay(attempt));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
