// POST /documents for one send form: multipart with `metadata` FIRST and `file` after it (the
// server refuses a classified document before reading a byte of the file), under one
// Idempotency-Key per form, so a double click, a retry after a lost answer or a resubmission
// never sends the document twice.
import type { ApiClient, Progress } from '../api.js';
import type { ExchangeDocument, Metadata } from '../types.js';

export interface DocumentUpload {
  /** Sends the metadata and the signed PDF; resolves to the stored document (or the one sent before with this key). */
  send(m: Metadata, file: File, onProgress: Progress): Promise<ExchangeDocument>;
  /** Sends the metadata alone, without a key: a classified document, which the axis must refuse (and log). */
  sendMetadataOnly(m: Metadata): Promise<void>;
}

export function documentUpload(api: ApiClient): DocumentUpload {
  /** Made at the first send and kept for every later attempt from the same form. */
  let idempotencyKey: string | null = null;
  return {
    async send(m, file, onProgress) {
      idempotencyKey ??= newIdempotencyKey();
      // Order matters: `metadata` first, so a refusal comes before the file is read.
      const fd = new FormData();
      fd.append('metadata', JSON.stringify(m));
      fd.append('file', new Blob([file], { type: 'application/pdf' }), file.name || 'document.pdf');
      const result = await api.upload<{ document: ExchangeDocument; replayed: boolean }>('/documents', fd, {
        headers: { 'idempotency-key': idempotencyKey },
        onProgress,
      });
      return result.document;
    },
    async sendMetadataOnly(m) {
      // The PDF itself never leaves this computer: the metadata goes alone.
      const fd = new FormData();
      fd.append('metadata', JSON.stringify(m));
      await api.upload('/documents', fd);
    },
  };
}

/** crypto.randomUUID exists only in secure contexts; getRandomValues everywhere. */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
