// The notification port: small messages between the service instances that share one database
// ("something changed, look again"), never data. PostgreSQL carries them with LISTEN/NOTIFY
// (notifications-postgres.ts), embedded PGlite with its own listen (notifications-pglite.ts), and
// tests or a single process with an in-process bus (notifications-local.ts). Delivery is at most
// once: a listener that lost its connection is told so (`onResync`) and must re-read the state.

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
export const MAX_NOTIFICATION_BYTES = 7999;

/** A plain lower-case identifier: NOTIFY/LISTEN take it unquoted on every driver. */
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

export interface NotificationHandler {
  /** One published payload, in the order this process received it. */
  message(payload: string): void;
  /**
   * The listening connection was re-established: notifications published meanwhile are lost, so
   * whatever the handler keeps must be re-read from the database.
   */
  resync?(): void;
}

export type Unsubscribe = () => void;

export interface Notifications {
  /**
   * Sends `payload` to every subscriber of `channel` in every process on this database. Call it
   * after the transaction that made the change committed: a subscriber that reacts reads the new
   * state. Rejects on a database failure (the caller decides whether that matters).
   */
  publish(channel: string, payload: string): Promise<void>;
  /** Resolves once this process listens on `channel`: a publish after that reaches `handler`. */
  subscribe(channel: string, handler: NotificationHandler): Promise<Unsubscribe>;
  /** Stops listening (idempotent); publish and subscribe refuse afterwards. */
  close(): Promise<void>;
}

/** Programming errors, thrown before anything is sent. */
export function checkNotification(channel: string, payload?: string): void {
  if (!CHANNEL.test(channel)) throw new RangeError(`notification channel must match ${CHANNEL.source}: ${channel}`);
  if (payload !== undefined && Buffer.byteLength(payload, 'utf8') > MAX_NOTIFICATION_BYTES) {
    throw new RangeError(`notification payload over ${MAX_NOTIFICATION_BYTES} bytes on ${channel}`);
  }
}

/**
 * The handlers of one process, by channel: every implementation fans out the same way, and one
 * handler that throws does not keep the message from the others.
 */
export class HandlerSet {
  private readonly byChannel = new Map<string, Set<NotificationHandler>>();

  constructor(private readonly onHandlerError: (err: unknown) => void) {}

  /** Adds the handler; true when it is the channel's first (the caller then starts listening). */
  add(channel: string, handler: NotificationHandler): boolean {
    let set = this.byChannel.get(channel);
    const first = set === undefined;
    if (!set) this.byChannel.set(channel, (set = new Set()));
    set.add(handler);
    return first;
  }

  /** Removes the handler; true when the channel has none left (the caller then stops listening). */
  remove(channel: string, handler: NotificationHandler): boolean {
    const set = this.byChannel.get(channel);
    if (!set?.delete(handler)) return false;
    if (set.size > 0) return false;
    this.byChannel.delete(channel);
    return true;
  }

  channels(): string[] {
    return [...this.byChannel.keys()];
  }

  deliver(channel: string, payload: string): void {
    for (const h of [...(this.byChannel.get(channel) ?? [])]) this.call(() => h.message(payload));
  }

  resync(channel?: string): void {
    const channels = channel === undefined ? this.channels() : [channel];
    for (const c of channels) for (const h of [...(this.byChannel.get(c) ?? [])]) this.call(() => h.resync?.());
  }

  clear(): void {
    this.byChannel.clear();
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.onHandlerError(e);
    }
  }
}
