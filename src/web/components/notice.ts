// Messages on a page: a banner for success or failure, and the text an ApiError should show.
import { ApiError } from '../api.js';
import { authErrorLabel } from '../auth-errors.js';
import { h } from '../dom.js';
import { defineMessages } from '../i18n.js';

const t = defineMessages({
  vi: { network: 'Không kết nối được tới máy chủ. Vui lòng thử lại.', code: 'Mã lỗi' },
  en: { network: 'Cannot reach the server. Please try again.', code: 'Error code' },
});

export type Tone = 'ok' | 'error' | 'warn' | 'info';

export function notice(tone: Tone, ...lines: Array<string | Node>): HTMLElement {
  return h('div', { class: `notice notice-${tone}`, role: tone === 'error' ? 'alert' : 'status' }, ...lines.map((l) => (typeof l === 'string' ? h('p', {}, l) : l)));
}

/** The service's message with its stable code, so a clerk can quote it to the help desk. */
export function errorNotice(e: unknown): HTMLElement {
  if (e instanceof ApiError) {
    if (e.code === 'NETWORK') return notice('error', t('network'));
    return notice('error', h('p', {}, authErrorLabel(e.code) ?? e.message), h('p', { class: 'muted' }, `${t('code')}: `, h('code', { 'data-error-code': e.code }, e.code)));
  }
  return notice('error', e instanceof Error ? e.message : String(e));
}
