// The digital-signature check of a document: the report stored when it was sent, and a
// "Verify again" button that asks the axis to check it once more (POST /documents/<id>/verify)
// against today's trust anchors and CRLs, replacing the report shown.
import type { ApiClient } from '../api.js';
import { h, replace } from '../dom.js';
import { defineMessages, formatDateTime } from '../i18n.js';
import { errorNotice } from './notice.js';
import { renderReport, type Report } from './report-view.js';

const t = defineMessages({
  vi: {
    reportHeading: 'Kết quả kiểm tra chữ ký số',
    storedNote: 'Kết quả kiểm tra khi văn bản được gửi lên trục ({time}).',
    freshNote: 'Kết quả kiểm tra lại lúc {time}, theo danh sách tổ chức chứng thực tin cậy và danh sách chứng thư bị thu hồi (CRL) hiện hành của trục.',
    noReport: 'Không có kết quả kiểm tra đã lưu.',
    reverify: 'Kiểm tra lại',
    reverifying: 'Đang kiểm tra lại chữ ký…',
  },
  en: {
    reportHeading: 'Digital signature check',
    storedNote: 'Result of the check when the document was sent to the axis ({time}).',
    freshNote: 'Checked again at {time}, against the axis’s current trust anchors and certificate revocation lists (CRLs).',
    noReport: 'No stored check result.',
    reverify: 'Verify again',
    reverifying: 'Checking the signatures again…',
  },
});

export interface VerificationOptions {
  /** Where to ask for a fresh check: /documents/<id>/verify. */
  path: string;
  /** The report stored when the document was sent, if any. */
  stored: Report | null | undefined;
  /** When the document was sent (the time of the stored check). */
  sentAt: string;
}

export function documentVerification(api: ApiClient, opts: VerificationOptions): HTMLElement {
  const note = h('p', { class: 'muted', 'data-report': 'stored' }, t('storedNote', { time: formatDateTime(opts.sentAt) }));
  const body = h('div', {}, opts.stored ? renderReport(opts.stored) : h('p', { class: 'muted' }, t('noReport')));
  const errors = h('div');
  const again = h('button', { type: 'button', 'data-action': 'reverify' }, t('reverify'));

  const reverify = async () => {
    again.disabled = true;
    body.setAttribute('aria-busy', 'true');
    replace(errors, h('p', { class: 'loading' }, t('reverifying')));
    try {
      const r = await api.post<{ report: Report }>(opts.path);
      replace(errors);
      note.setAttribute('data-report', 'fresh');
      note.textContent = t('freshNote', { time: formatDateTime(new Date().toISOString()) });
      replace(body, renderReport(r.report));
    } catch (e) {
      replace(errors, errorNotice(e));
    } finally {
      again.disabled = false;
      body.removeAttribute('aria-busy');
    }
  };
  again.addEventListener('click', () => void reverify());

  return h(
    'section',
    { class: 'doc-report', 'aria-labelledby': 'doc-report-title', 'data-testid': 'verification' },
    h('div', { class: 'doc-report-head' }, h('h2', { id: 'doc-report-title' }, t('reportHeading')), again),
    h('div', { 'aria-live': 'polite' }, note, errors),
    body,
  );
}
