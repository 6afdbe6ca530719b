// The live event streams of one process (GET /api/v1/events): ONE subscription to the exchange
// channel, fanned out in memory to the streams of the agencies a notice names (live-access.ts),
// with each agency's "not handled" count read once per notice, not once per stream.
//
// Budgets (config.live): streams per user and in total; a heartbeat comment keeps a quiet stream
// alive through proxies and the idle timeout; a stream ends after maxConnectionSeconds (the
// browser reconnects through the auth hook, so a revoked credential stops hearing); a reader that
// lets maxBufferBytes pile up unread is dropped rather than buffered without end. close() ends
// every stream, so the server's own close() does not wait on them.
import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { LiveLimits } from '../config.js';
import type { Principal } from '../db/ports.js';
import { DocaxisError } from '../errors.js';
import type { ExchangeDeps } from './deps.js';
import { draftEventFor, hearsDocuments, liveEventFor } from '../exchange/live-access.js';
import { statusesIn } from '../exchange/status-machine.js';
import { EXCHANGE_CHANNEL, parseDraftNotice, parseNotice, type DraftNotice } from '../exchange/notify-events.js';

/** The part of a ServerResponse a stream writes to (a test double implements it too). */
export type StreamSink = Pick<ServerResponse, 'write' | 'end' | 'destroy' | 'writableLength' | 'destroyed'>;

const RETRY_AFTER_SECONDS = 10;

export class LiveStream {
  private ended = false;

  constructor(
    readonly userId: string,
    readonly agencyId: string,
    /** A clerk's stream hears documents and the inbox count; the others their drafts only. */
    readonly clerk: boolean,
    private readonly sink: StreamSink,
    private readonly maxBufferBytes: number,
    private readonly onEnd: (s: LiveStream) => void,
  ) {}

  get open(): boolean {
    return !this.ended;
  }

  /** One SSE event; false (and the stream dropped) when the reader is too far behind. */
  send(event: string, data: unknown): boolean {
    return this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  comment(text: string): boolean {
    return this.write(`: ${text}\n\n`);
  }

  write(chunk: string): boolean {
    if (this.ended) return false;
    if (this.sink.destroyed || this.sink.writableLength + Buffer.byteLength(chunk) > this.maxBufferBytes) {
      // A stalled reader: what it has not read would only grow. It reconnects and re-reads the count.
      this.sink.destroy();
      this.finish();
      return false;
    }
    this.sink.write(chunk);
    return true;
  }

  /** Ends the stream politely (shutdown, lifetime reached). */
  end(): void {
    if (this.ended) return;
    this.sink.end();
    this.finish();
  }

  /** The client went away (or we dropped it). */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd(this);
  }
}

export class LiveHub {
  private readonly streams = new Set<LiveStream>();
  private readonly byAgency = new Map<string, Set<LiveStream>>();
  private readonly byUser = new Map<string, number>();
  /** Per agency: a count read in flight, and whether another must follow it. */
  private readonly counting = new Map<string, { again: boolean }>();
  private subscribed: Promise<() => void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly deps: ExchangeDeps,
    private readonly limits: LiveLimits,
    private readonly log: FastifyBaseLogger,
  ) {}

  get size(): number {
    return this.streams.size;
  }

  /** A refusal over a budget, before anything is written. */
  checkCapacity(p: Principal): DocaxisError | undefined {
    const retry = { details: { retryAfterSeconds: RETRY_AFTER_SECONDS } };
    if (this.closed) return new DocaxisError('LIVE_CONNECTIONS_FULL', 'the service is shutting down', retry);
    if ((this.byUser.get(p.user.id) ?? 0) >= this.limits.connectionsPerUser) return new DocaxisError('LIVE_CONNECTIONS_PER_USER_LIMIT', undefined, retry);
    if (this.streams.size >= this.limits.connectionsTotal) return new DocaxisError('LIVE_CONNECTIONS_FULL', undefined, retry);
    return undefined;
  }

  /** Subscribes to the exchange channel once per process; DB_UNAVAILABLE if the database does not answer. */
  async ready(): Promise<void> {
    const notifications = this.deps.notifications;
    if (!notifications) return;
    this.subscribed ??= notifications.subscribe(EXCHANGE_CHANNEL, { message: (p) => this.onNotice(p), resync: () => this.onResync() });
    try {
      await this.subscribed;
    } catch (e) {
      this.subscribed = undefined;
      throw new DocaxisError('DB_UNAVAILABLE', 'the live event channel could not be opened', { cause: e });
    }
  }

  /** Registers an open stream; its first count follows. */
  add(p: Principal, sink: StreamSink): LiveStream {
    const lifetime: { timer?: NodeJS.Timeout } = {};
    const stream = new LiveStream(p.user.id, p.agency.id, hearsDocuments(p), sink, this.limits.maxBufferBytes, (s) => {
      clearTimeout(lifetime.timer);
      this.remove(s);
    });
    this.streams.add(stream);
    let agency = this.byAgency.get(stream.agencyId);
    if (!agency) this.byAgency.set(stream.agencyId, (agency = new Set()));
    agency.add(stream);
    this.byUser.set(stream.userId, (this.byUser.get(stream.userId) ?? 0) + 1);
    lifetime.timer = setTimeout(() => stream.end(), this.limits.maxConnectionSeconds * 1000).unref();
    this.heartbeat ??= setInterval(() => this.beat(), this.limits.heartbeatSeconds * 1000).unref();
    if (stream.clerk) this.refreshCount(stream.agencyId);
    return stream;
  }

  /** Ends every stream and stops listening: called before the server closes. */
  async close(): Promise<void> {
    this.closed = true;
    for (const s of [...this.streams]) s.end();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    const unsubscribe = await this.subscribed?.catch(() => undefined);
    unsubscribe?.();
  }

  private remove(s: LiveStream): void {
    this.streams.delete(s);
    const agency = this.byAgency.get(s.agencyId);
    agency?.delete(s);
    if (agency?.size === 0) this.byAgency.delete(s.agencyId);
    const n = (this.byUser.get(s.userId) ?? 1) - 1;
    if (n > 0) this.byUser.set(s.userId, n);
    else this.byUser.delete(s.userId);
    if (this.streams.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }

  private beat(): void {
    for (const s of [...this.streams]) s.comment('heartbeat');
  }

  private onNotice(payload: string): void {
    const draft = parseDraftNotice(payload);
    if (draft) return this.onDraftNotice(draft);
    const notice = parseNotice(payload);
    if (!notice) return void this.log.warn('live: an unreadable notice on the exchange channel was ignored');
    for (const agencyId of [notice.senderAgencyId, ...notice.recipientAgencyIds]) {
      const streams = this.byAgency.get(agencyId);
      if (!streams) continue;
      const event = liveEventFor(notice, agencyId);
      if (!event) continue;
      for (const s of [...streams]) if (s.clerk) s.send(event.box, { kind: event.kind, documentId: event.documentId });
      if (event.box === 'inbox') this.refreshCount(agencyId);
    }
  }

  /** `draft {draftId, status}` to the draft's drafter and signer and the clerks of its agency. */
  private onDraftNotice(notice: DraftNotice): void {
    for (const s of [...(this.byAgency.get(notice.agencyId) ?? [])]) {
      const event = draftEventFor(notice, s);
      if (event) s.send('draft', event);
    }
  }

  /** The listener reconnected: notices may have been lost, so every stream re-reads. */
  private onResync(): void {
    this.log.info('live: the notification listener reconnected; streams told to refresh');
    for (const s of [...this.streams]) s.send('resync', {});
    for (const agencyId of this.byAgency.keys()) this.refreshCount(agencyId);
  }

  /**
   * Reads the agency's count and sends it to its streams. One read at a time per agency; a notice
   * during a read asks for one more, so the last count sent is read after the last notice.
   */
  private refreshCount(agencyId: string): void {
    const running = this.counting.get(agencyId);
    if (running) return void (running.again = true);
    const state = { again: false };
    this.counting.set(agencyId, state);
    void (async () => {
      do {
        state.again = false;
        try {
          const n = await this.deps.stores.deliveries.notHandledCount(agencyId, statusesIn('waiting'));
          for (const s of [...(this.byAgency.get(agencyId) ?? [])]) if (s.clerk) s.send('count', { notHandled: n });
        } catch (err) {
          // The database is away: the streams keep their last count; the next notice or reconnection re-reads.
          this.log.warn({ err }, 'live: the inbox count could not be read');
        }
      } while (state.again && this.byAgency.has(agencyId));
      this.counting.delete(agencyId);
    })();
  }
}
