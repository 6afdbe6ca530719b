// Notifications on embedded PGlite: its own listen() (the embedded backend raises NOTIFY like a
// server does) and pg_notify through the stores' connection. PGlite is one process and one
// connection, so there is nothing to reconnect: a data directory is never shared by two instances.
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { checkNotification, HandlerSet, type NotificationHandler, type Notifications, type Unsubscribe } from './notifications.js';

export class PgliteNotifications implements Notifications {
  private readonly handlers = new HandlerSet(() => undefined);
  private readonly unlisten = new Map<string, Promise<() => Promise<void>>>();
  private closed = false;

  constructor(
    private readonly client: PGlite,
    private readonly db: Db,
  ) {}

  async publish(channel: string, payload: string): Promise<void> {
    checkNotification(channel, payload);
    if (this.closed) throw new Error('notifications closed');
    await this.db.execute(sql`select pg_notify(${channel}, ${payload})`);
  }

  async subscribe(channel: string, handler: NotificationHandler): Promise<Unsubscribe> {
    checkNotification(channel);
    if (this.closed) throw new Error('notifications closed');
    if (this.handlers.add(channel, handler)) {
      const listening = this.client.listen(channel, (payload) => this.handlers.deliver(channel, payload));
      this.unlisten.set(channel, listening);
      try {
        await listening;
      } catch (e) {
        this.unlisten.delete(channel);
        this.handlers.remove(channel, handler);
        throw e;
      }
    } else {
      await this.unlisten.get(channel);
    }
    return () => {
      if (!this.handlers.remove(channel, handler)) return;
      const listening = this.unlisten.get(channel);
      this.unlisten.delete(channel);
      void listening?.then((stop) => (this.client.closed ? undefined : stop())).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    // The client itself is closed by the Database that owns it.
    this.closed = true;
    this.handlers.clear();
    this.unlisten.clear();
  }
}
