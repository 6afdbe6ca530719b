// Waits for a draft to change status while its page is open (the signer ran the command on their
// own computer: the page must turn "Signed" without a reload). The live stream first (event
// `draft` with {draftId, status}); a poll of GET /drafts/:id every 5 s as a fallback, for a server
// or a role without that event. Both stop when the page is left or the change is seen.
import type { ApiClient } from '../api.js';
import type { DraftDetail, DraftStatus } from '../types.js';

const POLL_MS = 5000;

export interface DraftWatch {
  stop(): void;
}

export function watchDraft(api: ApiClient, draftId: string, from: DraftStatus, onChange: (detail: DraftDetail) => void): DraftWatch {
  const abort = new AbortController();
  let checking = false;
  const stop = () => {
    abort.abort();
    clearInterval(timer);
    window.removeEventListener('hashchange', stop);
  };
  window.addEventListener('hashchange', stop, { once: true });

  const check = async () => {
    if (abort.signal.aborted || checking) return;
    checking = true;
    try {
      const detail = await api.get<DraftDetail>(`/drafts/${encodeURIComponent(draftId)}`);
      if (!abort.signal.aborted && detail.draft.status !== from) {
        stop();
        onChange(detail);
      }
    } catch {
      /* a failed poll is retried at the next tick */
    } finally {
      checking = false;
    }
  };

  const timer = window.setInterval(() => void check(), POLL_MS);
  void listen(draftId, abort.signal, () => void check());
  return { stop };
}

/** Reads the live stream and calls `seen` on each `draft` event about this draft; ends quietly on any failure. */
async function listen(draftId: string, signal: AbortSignal, seen: () => void): Promise<void> {
  try {
    const res = await fetch('/api/v1/events', { headers: { accept: 'text/event-stream' }, credentials: 'same-origin', cache: 'no-store', signal });
    if (!res.ok || !res.body) return void (await res.body?.cancel().catch(() => undefined));
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        if (aboutDraft(buffer.slice(0, cut), draftId)) seen();
        buffer = buffer.slice(cut + 2);
      }
    }
  } catch {
    /* aborted or no stream: the poll carries on */
  }
}

function aboutDraft(block: string, draftId: string): boolean {
  let event = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  if (event !== 'draft') return false;
  try {
    return (JSON.parse(data) as { draftId?: unknown }).draftId === draftId;
  } catch {
    return false;
  }
}
