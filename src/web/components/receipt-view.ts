// An axis receipt (base64 DER CMS signed by the axis over one status event) as a clerk reads it:
// a "Biên nhận" disclosure that, when opened, asks the service to check it (POST /receipts/verify)
// and shows who signed it, when, and what it says; and a download of the receipt as a .p7s file
// that the agency can keep and show a third party (`openssl cms -verify` prints the same JSON).
import { ApiError, type ApiClient } from '../api.js';
import { formatBytes, h, replace } from '../dom.js';
import { defineMessages, formatDateTime } from '../i18n.js';
import { statusLabel } from '../labels.js';
import { errorNotice, notice } from './notice.js';

const t = defineMessages({
  vi: {
    receipt: 'Biên nhận',
    receiptOf: 'Biên nhận có chữ ký số của trục ({size})',
    checking: 'Đang kiểm tra chữ ký của biên nhận…',
    valid: 'Biên nhận hợp lệ: do trục liên thông văn bản ký, nội dung nguyên vẹn.',
    invalid: 'Biên nhận KHÔNG hợp lệ.',
    signer: 'Ký bởi',
    signedAt: 'Thời điểm ghi nhận',
    content: 'Nội dung được ký',
    unavailable: 'Máy chủ chưa hỗ trợ kiểm tra biên nhận. Biên nhận có kích thước {size}; hãy tải tệp .p7s để lưu hoặc kiểm tra bằng công cụ khác (ví dụ openssl cms -verify).',
    download: 'Tải biên nhận (.p7s)',
    downloadLabel: 'Tải biên nhận {name} về máy',
    kind: 'Loại sự kiện',
    kindDelivery: 'Văn bản đến nơi nhận',
    kindStatus: 'Thay đổi trạng thái',
    status: 'Trạng thái',
    reason: 'Lý do',
    documentId: 'Mã văn bản trên trục',
    edxmlDocumentId: 'Mã văn bản (edXML)',
    fileSha256: 'SHA-256 của tệp',
    deliveryId: 'Mã lượt chuyển',
    recipientCode: 'Nơi nhận',
    senderCode: 'Nơi gửi',
    at: 'Thời gian',
    actorUserId: 'Người thực hiện (mã)',
    type: 'Định dạng',
  },
  en: {
    receipt: 'Receipt',
    receiptOf: 'Receipt digitally signed by the axis ({size})',
    checking: 'Checking the receipt’s signature…',
    valid: 'Valid receipt: signed by the document exchange axis, content intact.',
    invalid: 'The receipt is NOT valid.',
    signer: 'Signed by',
    signedAt: 'Recorded at',
    content: 'Signed content',
    unavailable: 'The server cannot check receipts yet. The receipt is {size}; download the .p7s file to keep it or check it with another tool (e.g. openssl cms -verify).',
    download: 'Download receipt (.p7s)',
    downloadLabel: 'Download receipt {name}',
    kind: 'Event',
    kindDelivery: 'Document delivered',
    kindStatus: 'Status change',
    status: 'Status',
    reason: 'Reason',
    documentId: 'Document id on the axis',
    edxmlDocumentId: 'Document id (edXML)',
    fileSha256: 'File SHA-256',
    deliveryId: 'Delivery id',
    recipientCode: 'Recipient',
    senderCode: 'Sender',
    at: 'Time',
    actorUserId: 'Done by (id)',
    type: 'Format',
  },
});

export interface ReceiptCheck {
  valid: boolean;
  signedAt: string | null;
  content: Record<string, unknown> | null;
  signer: string | null;
  errors: string[];
}

/** Decoded size of a base64 string, without decoding it. */
function base64Size(b64: string): number {
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return Math.floor((b64.length * 3) / 4) - padding;
}

function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** Saves the receipt as a .p7s file (a blob URL made for the click and revoked right after). */
export function downloadReceiptButton(receipt: string, fileName: string): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'link', 'data-action': 'download-receipt', 'aria-label': t('downloadLabel', { name: fileName }) }, t('download'));
  button.addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([base64Bytes(receipt) as BlobPart], { type: 'application/pkcs7-signature' }));
    const a = h('a', { href: url, download: fileName, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    // The browser has taken the file by the next tick; a later revoke frees the bytes.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  return button;
}

/** The check result: green for a receipt this axis signed, red with the reasons otherwise. */
export function renderReceiptCheck(check: ReceiptCheck): HTMLElement {
  const content = check.content;
  return h(
    'div',
    { class: `receipt-check receipt-${check.valid ? 'ok' : 'bad'}`, 'data-receipt-valid': String(check.valid) },
    notice(check.valid ? 'ok' : 'error', check.valid ? t('valid') : t('invalid'), ...check.errors.map((e) => h('p', { class: 'small' }, e))),
    h(
      'dl',
      { class: 'receipt-fields' },
      h('dt', {}, t('signer')),
      h('dd', {}, check.signer ?? '—'),
      h('dt', {}, t('signedAt')),
      h('dd', {}, check.signedAt ? formatDateTime(check.signedAt) : '—'),
    ),
    content ? h('details', {}, h('summary', {}, t('content')), h('dl', { class: 'receipt-fields' }, ...contentRows(content))) : null,
  );
}

const CONTENT_KEYS = ['kind', 'status', 'reason', 'at', 'senderCode', 'recipientCode', 'edxmlDocumentId', 'fileSha256', 'documentId', 'deliveryId', 'actorUserId', 'type'] as const;

function contentRows(content: Record<string, unknown>): HTMLElement[] {
  const rows: HTMLElement[] = [];
  const shown = new Set<string>();
  for (const key of CONTENT_KEYS) {
    if (!(key in content)) continue;
    shown.add(key);
    rows.push(h('dt', {}, t(key)), h('dd', { class: key === 'fileSha256' || key.endsWith('Id') ? 'mono' : null }, contentValue(key, content[key])));
  }
  for (const [key, value] of Object.entries(content)) if (!shown.has(key)) rows.push(h('dt', {}, key), h('dd', { class: 'mono' }, contentValue(key, value)));
  return rows;
}

function contentValue(key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (key === 'kind') return value === 'delivery' ? t('kindDelivery') : value === 'status' ? t('kindStatus') : String(value);
  if (key === 'status' && typeof value === 'string') return statusLabel(value);
  if (key === 'at' && typeof value === 'string') return `${formatDateTime(value)} (${value})`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The "Biên nhận" disclosure for one receipt. The check runs the first time it is opened (and
 * at once with `open: true`, e.g. right after an action). A 404 from /receipts/verify means the
 * server has no such endpoint: the size and the .p7s download are shown instead.
 */
export function receiptView(api: ApiClient, receipt: string, opts: { fileName: string; open?: boolean }): HTMLElement {
  const size = formatBytes(base64Size(receipt));
  const body = h('div', { class: 'receipt-body', 'aria-live': 'polite' });
  const details = h(
    'details',
    { class: 'receipt', 'data-testid': 'receipt' },
    h('summary', { 'data-action': 'show-receipt' }, t('receipt')),
    h('p', { class: 'muted small' }, t('receiptOf', { size })),
    body,
    h('p', {}, downloadReceiptButton(receipt, opts.fileName)),
  );
  let checked = false;
  const check = async () => {
    if (checked) return;
    checked = true;
    replace(body, h('p', { class: 'loading', 'aria-busy': 'true' }, t('checking')));
    try {
      replace(body, renderReceiptCheck(await api.post<ReceiptCheck>('/receipts/verify', { receipt })));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) replace(body, notice('info', t('unavailable', { size })));
      else {
        checked = false;
        replace(body, errorNotice(e));
      }
    }
  };
  details.addEventListener('toggle', () => {
    if (details.open) void check();
  });
  if (opts.open) details.open = true;
  return details;
}
