// Notifications within one process: the test double, and what a process that shares its database
// with nobody could use. Delivered on a later tick, like a database's, never inside publish().
import { checkNotification, HandlerSet, type NotificationHandler, type Notifications, type Unsubscribe } from './notifications.js';

export class LocalNotifications implements Notifications {
  private readonly handlers: HandlerSet;
  private closed = false;

  constructor(onHandlerError: (err: unknown) => void = () => undefined) {
    this.handlers = new HandlerSet(onHandlerError);
  }

  async publish(channel: string, payload: string): Promise<void> {
    checkNotification(channel, payload);
    if (this.closed) throw new Error('notifications closed');
    setImmediate(() => this.handlers.deliver(channel, payload));
  }

  async subscribe(channel: string, handler: NotificationHandler): Promise<Unsubscribe> {
    checkNotification(channel);
    if (this.closed) throw new Error('notifications closed');
    this.handlers.add(channel, handler);
    return () => void this.handlers.remove(channel, handler);
  }

  /** Tests: what a lost and re-established database connection tells the subscribers. */
  simulateResync(): void {
    this.handlers.resync();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }
}
