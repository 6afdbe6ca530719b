// Live arrivals: one stream from GET /api/v1/events per signed-in clerk's tab. It keeps the
// "not handled" count in the top bar (a badge linking to the inbox) and in the tab title
// ("(3) Văn bản đến — …"), and redraws the inbox or outbox when it is on screen and changed.
//
// Read with fetch(), not EventSource: fetch sends whatever credential the other API calls send
// (the bearer header today; a same-origin session cookie goes with it anyway), and it shows the
// status of a refusal, so 401/403 stop it and 429/503 back off (Retry-After honoured) instead of
// EventSource's blind retries. A stream that ends is reopened; every reopening starts with a fresh
// count from the server, so nothing missed while away stays wrong. It stops for good when the
// shell it belongs to leaves the page (sign-out, language switch: a new shell starts its own).
import { h } from './dom.js';
import { defineMessages } from './i18n.js';
import { currentPath } from './router.js';
import type { Me } from './session.js';

const t = defineMessages({
  vi: { badge: '{n} văn bản chưa xử lý', badgeNone: 'Không có văn bản chưa xử lý' },
  en: { badge: '{n} document(s) not yet handled', badgeNone: 'No document waiting to be handled' },
});

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;
/** A stream that stayed open this long ended normally (server lifetime, restart): reopen at once. */
const HEALTHY_STREAM_MS = 10_000;
/** Changes arriving together redraw the page once. */
const REDRAW_DELAY_MS = 400;
const TITLE_PREFIX = /^\(\d+\) /;

/** Starts the live stream for a clerk's shell (others have no inbox); call once per rendered shell. */
export function startLive(shellRoot: HTMLElement, me: Me): void {
  if (me.user.role !== 'clerk') return;
  const live = new LiveSession(shellRoot);
  // The shell is put in the page right after it is built.
  queueMicrotask(() => live.start());
}

class LiveSession {
  private readonly abort = new AbortController();
  private readonly badge = h('a', { class: 'live-badge', href: '#/inbox', 'data-testid': 'unread-badge', hidden: true });
  private count = 0;
  private retryMs = FIRST_RETRY_MS;
  private redrawTimer: number | undefined;
  private watchers: MutationObserver[] = [];

  constructor(private readonly root: HTMLElement) {
    root.querySelector('.topbar .top-actions')?.prepend(this.badge);
  }

  start(): void {
    if (!this.root.isConnected) return;
    // Stop once the shell is replaced; keep the count in the title whatever a page sets it to.
    const gone = new MutationObserver(() => {
      if (!this.root.isConnected) this.stop();
    });
    gone.observe(document.body, { childList: true, subtree: true });
    const title = new MutationObserver(() => this.showTitle());
    title.observe(document.head, { childList: true, subtree: true, characterData: true });
    this.watchers = [gone, title];
    void this.run();
  }

  private stop(): void {
    this.abort.abort();
    for (const w of this.watchers) w.disconnect();
    clearTimeout(this.redrawTimer);
    this.count = 0;
    this.showTitle();
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const opened = Date.now();
      let wait: number;
      try {
        wait = await this.readStream();
      } catch {
        wait = -1; // network error: back off
      }
      if (this.stopped || wait === Infinity) return;
      if (wait < 0) {
        wait = Date.now() - opened > HEALTHY_STREAM_MS ? FIRST_RETRY_MS : this.retryMs;
        this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
      }
      // Jitter: many tabs reconnecting after a restart do not arrive together.
      await sleep(wait * (0.75 + Math.random() / 2), this.abort.signal);
    }
  }

  /** Reads one stream to its end: ms to wait before the next (-1: back off), Infinity: stop. */
  private async readStream(): Promise<number> {
    // The session cookie authenticates the stream (a GET: no CSRF token needed).
    const res = await fetch('/api/v1/events', {
      headers: { accept: 'text/event-stream' },
      credentials: 'same-origin',
      cache: 'no-store',
      signal: this.abort.signal,
    });
    // Signed out or not a clerk: the rest of the app handles that; a stream will not help.
    if (res.status === 401 || res.status === 403) return Infinity;
    if (!res.ok || !res.body) {
      const after = Number(res.headers.get('retry-after'));
      await res.body?.cancel().catch(() => undefined);
      return Number.isFinite(after) && after > 0 ? Math.max(after * 1000, this.retryMs) : -1;
    }
    this.retryMs = FIRST_RETRY_MS;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return -1;
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        this.onBlock(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
      }
    }
  }

  private onBlock(block: string): void {
    let event = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (event === 'count') {
      const n = (JSON.parse(data) as { notHandled?: unknown }).notHandled;
      if (typeof n === 'number' && Number.isInteger(n) && n >= 0) this.setCount(n);
    } else if (event === 'inbox' || event === 'outbox') {
      this.redrawIfShowing(`/${event}`);
    } else if (event === 'resync') {
      this.redrawIfShowing('/inbox');
      this.redrawIfShowing('/outbox');
    }
  }

  private setCount(n: number): void {
    this.count = n;
    this.badge.textContent = String(n);
    this.badge.hidden = n === 0;
    this.badge.setAttribute('aria-label', n === 0 ? t('badgeNone') : t('badge', { n }));
    this.badge.title = this.badge.getAttribute('aria-label') ?? '';
    this.showTitle();
  }

  private showTitle(): void {
    const bare = document.title.replace(TITLE_PREFIX, '');
    const wanted = this.count > 0 && !this.stopped ? `(${this.count}) ${bare}` : bare;
    if (document.title !== wanted) document.title = wanted;
  }

  /** The list on screen is redrawn, unless the clerk is typing in it: then once they leave the field. */
  private redrawIfShowing(path: string): void {
    const here = currentPath().split('?')[0];
    if (here !== path) return;
    clearTimeout(this.redrawTimer);
    this.redrawTimer = window.setTimeout(() => {
      if (this.stopped || currentPath().split('?')[0] !== path) return;
      const active = document.activeElement;
      if (active instanceof HTMLInputElement || active instanceof HTMLSelectElement || active instanceof HTMLTextAreaElement) {
        active.addEventListener('blur', () => this.redrawIfShowing(path), { once: true });
        return;
      }
      // The router redraws the current screen on hashchange (main.ts): same route, fresh data.
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    }, REDRAW_DELAY_MS);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
