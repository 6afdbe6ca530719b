// The UI's only way to the service: /api/v1 with the session cookie (sent by the browser, never
// read here) and the session's CSRF token in X-CSRF-Token on every request (the server checks it
// on each state-changing one). Every failure becomes an ApiError carrying the service's stable
// code, message and details.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | undefined,
  ) {
    super(message);
  }
}

export type Progress = (loaded: number, total: number) => void;

export class ApiClient {
  constructor(
    /** The session's CSRF token (not a credential: useless without the HttpOnly cookie). */
    private readonly csrfToken: string,
    /** Called on 401 so the shell can send the user back to sign-in. */
    private readonly onUnauthenticated: () => void = () => undefined,
  ) {}

  get<T>(path: string, query?: Record<string, string | number | boolean | undefined>): Promise<T> {
    return this.json<T>('GET', path + queryString(query));
  }

  post<T>(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    return this.json<T>('POST', path, body, headers);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('PATCH', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.json<T>('DELETE', path);
  }

  async json<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const init: RequestInit = { method, credentials: 'same-origin', headers: { 'x-csrf-token': this.csrfToken, ...headers } };
    if (body !== undefined) {
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await fetch(`/api/v1${path}`, init);
    return this.read<T>(res.status, await res.text());
  }

  /** A binary download (the signed PDF, the CSV export) with its headers, progress as it arrives. */
  async download(path: string, onProgress?: Progress): Promise<{ blob: Blob; headers: Headers }> {
    const res = await fetch(`/api/v1${path}`, { credentials: 'same-origin', headers: { 'x-csrf-token': this.csrfToken } });
    if (!res.ok) this.read(res.status, await res.text());
    const total = Number(res.headers.get('content-length') ?? 0);
    if (!res.body || !onProgress) return { blob: await res.blob(), headers: res.headers };
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let loaded = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onProgress(loaded, total);
    }
    return { blob: new Blob(chunks as BlobPart[], { type: res.headers.get('content-type') ?? 'application/octet-stream' }), headers: res.headers };
  }

  /**
   * An upload with progress (fetch cannot report upload progress; XMLHttpRequest can).
   * `body` is a FormData (multipart) or a Blob sent as it is with its own type.
   */
  upload<T>(path: string, body: FormData | Blob, opts: { onProgress?: Progress; headers?: Record<string, string> } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `/api/v1${path}`);
      xhr.setRequestHeader('x-csrf-token', this.csrfToken);
      for (const [k, v] of Object.entries(opts.headers ?? {})) xhr.setRequestHeader(k, v);
      if (body instanceof Blob && body.type) xhr.setRequestHeader('content-type', body.type);
      if (opts.onProgress) {
        const cb = opts.onProgress;
        xhr.upload.onprogress = (e) => cb(e.loaded, e.lengthComputable ? e.total : 0);
      }
      xhr.onload = () => {
        try {
          resolve(this.read<T>(xhr.status, xhr.responseText));
        } catch (e) {
          reject(e);
        }
      };
      xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'network error', undefined));
      xhr.send(body);
    });
  }

  private read<T>(status: number, text: string): T {
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (status >= 200 && status < 300) return parsed as T;
    const err = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
    if (status === 401) this.onUnauthenticated();
    throw new ApiError(status, err?.code ?? `HTTP_${status}`, err?.message ?? `HTTP ${status}`, err?.details);
  }
}

function queryString(query: Record<string, string | number | boolean | undefined> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The per-field messages of a refusal (details.fields of METADATA_INVALID: { path: message }). */
export function fieldErrorsOf(e: unknown): Record<string, string> {
  if (!(e instanceof ApiError)) return {};
  const fields = e.details?.['fields'];
  if (!fields || typeof fields !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** POST /drafts and POST /drafts/:id/versions: multipart, `metadata` FIRST (a classified draft is refused before the file is read). */
export function draftForm(metadata: unknown, file: Blob | null, fileName = 'draft.pdf'): FormData {
  const fd = new FormData();
  fd.append('metadata', JSON.stringify(metadata));
  if (file) fd.append('file', new Blob([file], { type: 'application/pdf' }), fileName);
  return fd;
}
