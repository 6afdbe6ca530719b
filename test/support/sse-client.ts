// A Server-Sent Events reader over fetch for the tests: every event (and comment) as it arrives,
// and a wait for the first one matching a predicate.
import { request, type IncomingMessage } from 'node:http';
import { vi } from 'vitest';

export interface SseEvent {
  event: string;
  data: unknown;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** Events so far, in order (comments as { event: ':', data: text }). */
  events: SseEvent[];
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  waitFor(pred: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/** Over node:http, so that close() really closes the socket (an aborted fetch may keep it open). */
export async function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  const events: SseEvent[] = [];
  let done!: () => void;
  const ended = new Promise<void>((r) => (done = r));
  const req = request(url, { headers });
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
  let buffer = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      events.push(res.statusCode === 200 ? parseBlock(block) : { event: 'body', data: block });
    }
  });
  res.on('close', done);
  res.on('error', () => undefined);
  const responseHeaders = new Headers();
  for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') responseHeaders.set(k, v);
  return {
    status: res.statusCode ?? 0,
    headers: responseHeaders,
    events,
    ended,
    waitFor: (pred, timeoutMs = 10_000) =>
      vi.waitFor(
        () => {
          const e = events.find(pred);
          if (!e) throw new Error(`no matching event among ${JSON.stringify(events)}`);
          return e;
        },
        { timeout: timeoutMs, interval: 20 },
      ),
    close: () => req.destroy(),
  };
}

function parseBlock(block: string): SseEvent {
  if (block.startsWith(':')) return { event: ':', data: block.slice(1).trim() };
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
    else if (line.startsWith('retry: ')) event = 'retry';
  }
  return { event, data: data.length ? JSON.parse(data.join('\n')) : null };
}
