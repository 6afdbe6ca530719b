// One document, for a clerk of the sending agency or of a recipient. The page loads it and lays
// out its parts: the actions the clerk may take now (components/document-actions.ts), its
// metadata, the status history with the axis's signed receipts, the signed PDF checked against
// the axis's SHA-256 (components/pdf-view.ts) and the verification report with a fresh check.
// After an action it loads the document again and redraws what follows the status.
import { agencyDirectory, priorityBadge } from '../components/badges.js';
import { documentActions, ownDelivery } from '../components/document-actions.js';
import { documentMeta } from '../components/document-meta.js';
import { documentVerification } from '../components/document-verification.js';
import { errorNotice, notice } from '../components/notice.js';
import { fallbackFileName, pdfView } from '../components/pdf-view.js';
import { statusHistory } from '../components/status-history.js';
import { h, replace } from '../dom.js';
import { defineMessages } from '../i18n.js';
import type { PageContext } from '../router.js';
import type { DocumentDetail } from '../types.js';

const t = defineMessages({
  vi: {
    title: 'Văn bản {number}',
    historyHeading: 'Lịch sử trạng thái',
    withdrawn: 'Văn bản đã được trả lại nơi gửi và không còn trong hộp thư đến của cơ quan bạn.',
    backInbox: 'Về danh sách văn bản đến',
    reloadFailed: 'Thao tác đã thành công nhưng không tải lại được trạng thái mới.',
  },
  en: {
    title: 'Document {number}',
    historyHeading: 'Status history',
    withdrawn: 'The document went back to the sender and is no longer in your agency’s inbox.',
    backInbox: 'Back to the inbox',
    reloadFailed: 'The action succeeded but the new status could not be loaded.',
  },
});

export default async function documentPage(ctx: PageContext): Promise<Node> {
  const base = `/documents/${encodeURIComponent(ctx.params.id ?? '')}`;
  const [first, directory] = await Promise.all([ctx.api.get<DocumentDetail>(base), agencyDirectory((p) => ctx.api.get(p))]);
  let detail = first;
  const doc = detail.document;
  const m = doc.metadata;
  const number = `${m.codeNumber}/${m.codeNotation}`;
  ctx.setTitle(t('title', { number }));
  const myCode = ctx.me.agency.code;
  const asSender = doc.senderCode === myCode;
  const fileBase = fallbackFileName(m.codeNumber, m.codeNotation).replace(/\.pdf$/, '');

  const flash = h('div', { class: 'flash', tabindex: -1, 'data-testid': 'flash' });
  const content = h('div', { class: 'doc-content' });
  const historyBody = h('div');
  const drawHistory = () => replace(historyBody, statusHistory(detail.deliveries, { api: ctx.api, directory, meId: ctx.me.user.id, senderCode: doc.senderCode, fileBase }));
  const actions = documentActions({ api: ctx.api, base, directory, meId: ctx.me.user.id, myCode, asSender, fileBase, flash, detail: () => detail, reload, withdrawn });

  /** After an action: the new status, in the actions and the history. */
  async function reload(): Promise<void> {
    try {
      detail = await ctx.api.get<DocumentDetail>(base);
    } catch (e) {
      flash.append(notice('warn', t('reloadFailed')), errorNotice(e));
      return;
    }
    actions.draw();
    drawHistory();
  }

  /** An accepted recall took our copy away: nothing of it stays on screen. */
  function withdrawn(): void {
    pdf.dispose();
    replace(content, notice('info', t('withdrawn')), h('p', {}, h('a', { href: '#/inbox', class: 'button' }, t('backInbox'))));
  }

  actions.draw();
  drawHistory();
  const meta = documentMeta(detail, directory, asSender ? undefined : ownDelivery(detail, myCode));
  const pdf = pdfView(ctx.api, { path: `${base}/file`, document: doc, number });
  const report = documentVerification(ctx.api, { path: `${base}/verify`, stored: doc.verification, sentAt: doc.createdAt });
  const history = h('section', { class: 'doc-history', 'aria-labelledby': 'doc-history-title', 'data-testid': 'status-history' }, h('h2', { id: 'doc-history-title' }, t('historyHeading')), historyBody);
  replace(content, actions.el, h('div', { class: 'doc-grid' }, h('div', { class: 'doc-side' }, meta, history), pdf.el), report);

  return h(
    'article',
    { class: 'document-page', 'aria-labelledby': 'doc-title', 'data-document-id': doc.id, 'data-role': asSender ? 'sender' : 'recipient' },
    h('header', { class: 'doc-head' }, h('h1', { id: 'doc-title' }, t('title', { number })), priorityBadge(m.priority), h('p', { class: 'doc-subject' }, m.subject)),
    flash,
    content,
  );
}
