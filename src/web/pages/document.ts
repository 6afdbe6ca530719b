// One document, for a clerk of the sending agency or of a recipient: its metadata, the signed PDF
// (downloaded, its SHA-256 checked in the browser against the axis's, then shown), the
// verification report stored when it was sent (and a fresh check against today's trust anchors
// and CRLs), the status history with the axis's signed receipts, and the actions the clerk may
// take now (status-machine.ts): accept / reject / assign / in progress / complete, answering a
// recall, or, for the sender, recalling it while a recipient has not acted yet.
import { confirmDialog, type ConfirmOptions } from '../components/dialog.js';
import { agencyDirectory, agencyName, priorityBadge } from '../components/badges.js';
import { errorNotice, notice } from '../components/notice.js';
import { progressBar } from '../components/progress.js';
import { receiptView } from '../components/receipt-view.js';
import { renderReport, type Report } from '../components/report-view.js';
import { statusHistory, type DeliveryWithEvents } from '../components/status-history.js';
import { ApiError } from '../api.js';
import { formatBytes, h, replace } from '../dom.js';
import { currentLang, defineMessages, formatDate, formatDateTime } from '../i18n.js';
import { businessTypeLabel, classificationLabel, statusLabel, steeringLabel } from '../labels.js';
import type { PageContext } from '../router.js';
import type { Delivery, DocumentDetail, PickerAgency, StatusEvent } from '../types.js';

const t = defineMessages({
  vi: {
    title: 'Văn bản {number}',
    metaHeading: 'Thông tin văn bản',
    number: 'Số/ký hiệu',
    type: 'Loại văn bản',
    subject: 'Trích yếu',
    sender: 'Cơ quan ban hành',
    issued: 'Nơi, ngày ban hành',
    signer: 'Người ký',
    priority: 'Độ khẩn',
    classification: 'Độ mật',
    dueDate: 'Hạn xử lý',
    none: 'Không có',
    steering: 'Chỉ đạo',
    businessType: 'Nghiệp vụ',
    related: 'Văn bản liên quan',
    responseFor: 'Trả lời văn bản',
    edxmlId: 'Mã văn bản (edXML)',
    recipients: 'Nơi nhận',
    sha256: 'SHA-256 của tệp',
    size: 'Kích thước tệp',
    sentAt: 'Thời gian gửi lên trục',
    arrivedAt: 'Thời gian đến cơ quan bạn',
    pdfHeading: 'Văn bản điện tử (PDF)',
    pdfTitle: 'Nội dung văn bản {number} (PDF)',
    downloading: 'Đang tải văn bản',
    pdfLoading: 'Đang tải và đối chiếu tệp PDF…',
    hashOk: 'SHA-256 khớp: tệp tải về đúng là tệp đã gửi lên trục.',
    hashBad: 'Cảnh báo: SHA-256 của tệp tải về KHÔNG khớp với giá trị trục đã ghi nhận. Không sử dụng tệp này và báo ngay cho quản trị hệ thống.',
    hashComputed: 'Tính được: {sha}',
    hashExpected: 'Trục ghi nhận: {sha}',
    hashUnchecked: 'Trình duyệt không tính được SHA-256 (chỉ hỗ trợ trên HTTPS); chưa đối chiếu được tệp.',
    download: 'Tải văn bản về máy ({name}, {size})',
    pdfHint: 'Nếu trình duyệt không hiển thị được PDF (ví dụ trên điện thoại), hãy tải tệp về để xem.',
    reportHeading: 'Kết quả kiểm tra chữ ký số',
    storedNote: 'Kết quả kiểm tra khi văn bản được gửi lên trục ({time}).',
    freshNote: 'Kết quả kiểm tra lại lúc {time}, theo danh sách tổ chức chứng thực tin cậy và danh sách chứng thư bị thu hồi (CRL) hiện hành của trục.',
    noReport: 'Không có kết quả kiểm tra đã lưu.',
    reverify: 'Kiểm tra lại',
    reverifying: 'Đang kiểm tra lại chữ ký…',
    historyHeading: 'Lịch sử trạng thái',
    actionsHeading: 'Xử lý văn bản',
    yourStatus: 'Trạng thái tại cơ quan bạn: {status}',
    noActions: 'Hiện không có thao tác nào cần thực hiện với văn bản này.',
    senderNoActions: 'Tất cả nơi nhận đã xử lý văn bản; không thể yêu cầu lấy lại.',
    senderWaiting: '{n} nơi nhận chưa tiếp nhận văn bản.',
    accept: 'Tiếp nhận',
    reject: 'Từ chối tiếp nhận',
    assign: 'Phân công',
    inProgress: 'Đang xử lý',
    complete: 'Hoàn thành',
    recall: 'Yêu cầu lấy lại',
    recallAccept: 'Đồng ý trả lại',
    recallRefuse: 'Từ chối trả lại',
    recallPending: 'Nơi gửi yêu cầu lấy lại văn bản này. Vui lòng trả lời yêu cầu.',
    confirmAcceptTitle: 'Tiếp nhận văn bản?',
    confirmAcceptBody: 'Văn bản được vào sổ văn bản đến (trạng thái 03 · Đã tiếp nhận). Nơi gửi sẽ nhận được biên nhận có chữ ký số của trục.',
    confirmRejectTitle: 'Từ chối tiếp nhận văn bản?',
    confirmRejectBody: 'Văn bản được trả lại nơi gửi (trạng thái 02 · Từ chối tiếp nhận). Cần nêu rõ lý do (sai nơi nhận, văn bản lỗi, không thuộc thẩm quyền…) để nơi gửi biết cần xử lý gì.',
    rejectReason: 'Lý do từ chối',
    confirmAssignTitle: 'Chuyển văn bản sang trạng thái Phân công?',
    confirmAssignBody: 'Ghi nhận văn bản đã được phân công cho người xử lý (trạng thái 04).',
    confirmProgressTitle: 'Chuyển văn bản sang trạng thái Đang xử lý?',
    confirmProgressBody: 'Ghi nhận văn bản đang được xử lý (trạng thái 05).',
    confirmCompleteTitle: 'Đánh dấu văn bản đã hoàn thành?',
    confirmCompleteBody: 'Ghi nhận văn bản đã được xử lý xong (trạng thái 06). Sau bước này không còn thao tác nào khác.',
    confirmRecallAcceptTitle: 'Đồng ý trả lại văn bản?',
    confirmRecallAcceptBody: 'Văn bản sẽ bị rút khỏi hộp thư đến của cơ quan bạn (trạng thái 15 · Đồng ý lấy lại) và nơi gửi được thông báo. Không thể hoàn tác.',
    confirmRecallRefuseTitle: 'Từ chối trả lại văn bản?',
    confirmRecallRefuseBody: 'Cơ quan bạn giữ lại văn bản (trạng thái 16 · Từ chối lấy lại). Sau đó bạn vẫn cần tiếp nhận hoặc từ chối tiếp nhận văn bản.',
    confirmRecallTitle: 'Yêu cầu lấy lại văn bản?',
    confirmRecallBody: 'Yêu cầu lấy lại (trạng thái 13) được gửi tới {n} nơi nhận chưa tiếp nhận: {names}. Nơi nhận đã tiếp nhận hoặc đã xử lý không bị ảnh hưởng.',
    done: 'Đã ghi nhận: {status}.',
    doneRecall: 'Đã gửi yêu cầu lấy lại tới {n} nơi nhận.',
    doneFor: 'Nơi nhận {name}: {status}',
    noReceipt: 'Sự kiện không có biên nhận (trục chưa cấu hình khóa ký biên nhận).',
    withdrawn: 'Văn bản đã được trả lại nơi gửi và không còn trong hộp thư đến của cơ quan bạn.',
    backInbox: 'Về danh sách văn bản đến',
    reloadFailed: 'Thao tác đã thành công nhưng không tải lại được trạng thái mới.',
  },
  en: {
    title: 'Document {number}',
    metaHeading: 'Document details',
    number: 'Number/notation',
    type: 'Document type',
    subject: 'Subject',
    sender: 'Issuing agency',
    issued: 'Place and date of issue',
    signer: 'Signed by',
    priority: 'Urgency',
    classification: 'Classification',
    dueDate: 'Due date',
    none: 'None',
    steering: 'Steering',
    businessType: 'Business type',
    related: 'Related document',
    responseFor: 'In reply to',
    edxmlId: 'Document id (edXML)',
    recipients: 'Recipients',
    sha256: 'File SHA-256',
    size: 'File size',
    sentAt: 'Sent to the axis',
    arrivedAt: 'Arrived at your agency',
    pdfHeading: 'Electronic document (PDF)',
    pdfTitle: 'Content of document {number} (PDF)',
    downloading: 'Downloading the document',
    pdfLoading: 'Downloading and checking the PDF…',
    hashOk: 'SHA-256 matches: the downloaded file is the file sent to the axis.',
    hashBad: 'Warning: the SHA-256 of the downloaded file does NOT match the one the axis recorded. Do not use this file and tell the administrator at once.',
    hashComputed: 'Computed: {sha}',
    hashExpected: 'Recorded by the axis: {sha}',
    hashUnchecked: 'This browser cannot compute SHA-256 (HTTPS only); the file was not checked.',
    download: 'Download the document ({name}, {size})',
    pdfHint: 'If your browser cannot show the PDF (e.g. on a phone), download the file to read it.',
    reportHeading: 'Digital signature check',
    storedNote: 'Result of the check when the document was sent to the axis ({time}).',
    freshNote: 'Checked again at {time}, against the axis’s current trust anchors and certificate revocation lists (CRLs).',
    noReport: 'No stored check result.',
    reverify: 'Verify again',
    reverifying: 'Checking the signatures again…',
    historyHeading: 'Status history',
    actionsHeading: 'Handle this document',
    yourStatus: 'Status at your agency: {status}',
    noActions: 'There is nothing to do on this document now.',
    senderNoActions: 'Every recipient has acted on the document; it can no longer be recalled.',
    senderWaiting: '{n} recipient(s) have not accepted the document yet.',
    accept: 'Accept',
    reject: 'Reject',
    assign: 'Assign',
    inProgress: 'In progress',
    complete: 'Complete',
    recall: 'Recall',
    recallAccept: 'Give it back',
    recallRefuse: 'Keep it',
    recallPending: 'The sender asks to take this document back. Please answer.',
    confirmAcceptTitle: 'Accept this document?',
    confirmAcceptBody: 'The document is entered in the incoming register (status 03 · Accepted). The sender receives a receipt signed by the axis.',
    confirmRejectTitle: 'Reject this document?',
    confirmRejectBody: 'The document goes back to the sender (status 02 · Rejected). Say why (wrong recipient, broken file, outside your authority…) so the sender knows what to fix.',
    rejectReason: 'Reason for rejecting',
    confirmAssignTitle: 'Mark the document as assigned?',
    confirmAssignBody: 'Records that the document was assigned to someone for handling (status 04).',
    confirmProgressTitle: 'Mark the document as in progress?',
    confirmProgressBody: 'Records that the document is being handled (status 05).',
    confirmCompleteTitle: 'Mark the document as completed?',
    confirmCompleteBody: 'Records that handling is finished (status 06). No further step follows.',
    confirmRecallAcceptTitle: 'Give the document back?',
    confirmRecallAcceptBody: 'The document leaves your agency’s inbox (status 15 · Recall accepted) and the sender is told. This cannot be undone.',
    confirmRecallRefuseTitle: 'Refuse to give the document back?',
    confirmRecallRefuseBody: 'Your agency keeps the document (status 16 · Recall refused). You still need to accept or reject it afterwards.',
    confirmRecallTitle: 'Recall this document?',
    confirmRecallBody: 'A recall request (status 13) goes to the {n} recipient(s) that have not accepted it yet: {names}. Recipients that already accepted or handled it are not affected.',
    done: 'Recorded: {status}.',
    doneRecall: 'Recall requested from {n} recipient(s).',
    doneFor: 'Recipient {name}: {status}',
    noReceipt: 'The event has no receipt (the axis has no receipt signing key configured).',
    withdrawn: 'The document went back to the sender and is no longer in your agency’s inbox.',
    backInbox: 'Back to the inbox',
    reloadFailed: 'The action succeeded but the new status could not be loaded.',
  },
});

type ActionName = 'accept' | 'reject' | 'assign' | 'in-progress' | 'complete' | 'recall' | 'recall-accept' | 'recall-refuse';

interface ActionSpec {
  name: ActionName;
  label: string;
  tone?: 'primary' | 'danger';
  confirm: ConfirmOptions;
  /** Performs the change; `reason` is the dialog's text ('' when none was asked). */
  run: (reason: string) => Promise<Array<{ recipientCode: string; event: StatusEvent }>>;
}

type Change = { delivery: Delivery; event: StatusEvent };

export default async function documentPage(ctx: PageContext): Promise<Node> {
  const id = ctx.params.id ?? '';
  const base = `/documents/${encodeURIComponent(id)}`;
  const [first, directory] = await Promise.all([ctx.api.get<DocumentDetail>(base), agencyDirectory((p) => ctx.api.get(p))]);
  let detail = first;
  const doc = detail.document;
  const m = doc.metadata;
  const number = `${m.codeNumber}/${m.codeNotation}`;
  ctx.setTitle(t('title', { number }));
  const myCode = ctx.me.agency.code;
  const asSender = doc.senderCode === myCode;
  const fileBase = fallbackFileName(m.codeNumber, m.codeNotation).replace(/\.pdf$/, '');

  // Whatever the page made for itself (the PDF's blob URL) goes when the user leaves it.
  let left = false;
  let pdfUrl: string | null = null;
  const leave = () => {
    left = true;
    if (pdfUrl) URL.revokeObjectURL(pdfUrl);
    pdfUrl = null;
  };
  window.addEventListener('hashchange', leave, { once: true });

  const flash = h('div', { class: 'flash', tabindex: -1, 'data-testid': 'flash' });
  const actionsRegion = h('section', { class: 'doc-actions', 'aria-labelledby': 'doc-actions-title', 'data-testid': 'actions' });
  const historyBody = h('div');
  const content = h('div', { class: 'doc-content' });

  const own = (): DeliveryWithEvents | undefined => detail.deliveries.find((d) => d.recipientCode === myCode);

  const showChanges = (title: string, changes: Array<{ recipientCode: string; event: StatusEvent }>) => {
    const lines: Array<string | Node> = [h('p', {}, h('strong', {}, title))];
    for (const c of changes) {
      if (asSender) lines.push(h('p', {}, t('doneFor', { name: agencyName(directory, c.recipientCode), status: statusLabel(c.event.status) })));
      const stamp = c.event.at.replace(/[^0-9]/g, '').slice(0, 14);
      lines.push(c.event.receipt ? receiptView(ctx.api, c.event.receipt, { fileName: `${fileBase}-${c.recipientCode}-${c.event.status}-${stamp}.p7s`, open: true }) : h('p', { class: 'small' }, t('noReceipt')));
    }
    const n = notice('ok', ...lines);
    n.setAttribute('data-testid', 'action-result');
    replace(flash, n);
  };

  const actionsFor = (): ActionSpec[] => {
    if (asSender) {
      const waiting = detail.deliveries.filter((d) => d.status === '01');
      if (waiting.length === 0) return [];
      return [
        {
          name: 'recall',
          label: t('recall'),
          tone: 'danger',
          confirm: {
            title: t('confirmRecallTitle'),
            body: t('confirmRecallBody', { n: waiting.length, names: waiting.map((d) => agencyName(directory, d.recipientCode)).join('; ') }),
            confirmLabel: t('recall'),
            danger: true,
          },
          run: async () => {
            const r = await ctx.api.post<{ deliveries: Delivery[] }>(`${base}/recall`);
            await reload();
            // The recall answer carries no events: the receipts are the newest 13 of each delivery.
            return r.deliveries.map((d) => {
              const events = detail.deliveries.find((x) => x.id === d.id)?.events ?? [];
              const event = [...events].filter((e) => e.status === '13').sort((a, b) => b.at.localeCompare(a.at))[0];
              return { recipientCode: d.recipientCode, event: event ?? { id: '', status: '13', reason: null, actorUserId: ctx.me.user.id, at: d.statusUpdatedAt, receipt: null } };
            });
          },
        },
      ];
    }
    const mine = own();
    if (!mine) return [];
    const status = (to: string, name: ActionName, label: string, title: string, body: string, tone?: 'primary' | 'danger', input?: ConfirmOptions['input']): ActionSpec => ({
      name,
      label,
      ...(tone ? { tone } : {}),
      confirm: { title, body, confirmLabel: label, danger: tone === 'danger', ...(input ? { input } : {}) },
      run: async (reason) => {
        const r = await ctx.api.post<Change>(`${base}/status`, { status: to, ...(reason ? { reason } : {}) });
        await reload();
        return [{ recipientCode: r.delivery.recipientCode, event: r.event }];
      },
    });
    const answer = (accept: boolean): ActionSpec => ({
      name: accept ? 'recall-accept' : 'recall-refuse',
      label: accept ? t('recallAccept') : t('recallRefuse'),
      tone: accept ? 'danger' : 'primary',
      confirm: accept
        ? { title: t('confirmRecallAcceptTitle'), body: t('confirmRecallAcceptBody'), confirmLabel: t('recallAccept'), danger: true }
        : { title: t('confirmRecallRefuseTitle'), body: t('confirmRecallRefuseBody'), confirmLabel: t('recallRefuse') },
      run: async () => {
        const r = await ctx.api.post<Change>(`${base}/recall-answer`, { accept });
        // An accepted recall withdraws our copy: the document is no longer ours to read.
        if (accept) withdrawn();
        else await reload();
        return [{ recipientCode: r.delivery.recipientCode, event: r.event }];
      },
    });
    const acceptIt = status('03', 'accept', t('accept'), t('confirmAcceptTitle'), t('confirmAcceptBody'), 'primary');
    const rejectIt = status('02', 'reject', t('reject'), t('confirmRejectTitle'), t('confirmRejectBody'), 'danger', { label: t('rejectReason'), required: true });
    const assign = status('04', 'assign', t('assign'), t('confirmAssignTitle'), t('confirmAssignBody'), 'primary');
    const progress = (tone?: 'primary') => status('05', 'in-progress', t('inProgress'), t('confirmProgressTitle'), t('confirmProgressBody'), tone);
    switch (mine.status) {
      case '01':
      case '16': // kept after a recall: handled as if it had just arrived
        return [acceptIt, rejectIt];
      case '03':
        return [assign, progress()];
      case '04':
        return [progress('primary')];
      case '05':
        return [status('06', 'complete', t('complete'), t('confirmCompleteTitle'), t('confirmCompleteBody'), 'primary')];
      case '13':
        return [answer(false), answer(true)];
      default:
        return [];
    }
  };

  const drawActions = () => {
    const specs = actionsFor();
    const buttons = specs.map((spec) => {
      const b = h('button', { type: 'button', class: spec.tone ?? null, 'data-action': spec.name }, spec.label);
      b.addEventListener('click', () => void perform(spec, buttons));
      return b;
    });
    const mine = own();
    let lead: HTMLElement | null = null;
    if (asSender) {
      const waiting = detail.deliveries.filter((d) => d.status === '01').length;
      lead = h('p', {}, waiting > 0 ? t('senderWaiting', { n: waiting }) : t('senderNoActions'));
    } else if (mine) {
      lead = h('p', { 'data-status': mine.status }, t('yourStatus', { status: statusLabel(mine.status) }));
    }
    replace(
      actionsRegion,
      h('h2', { id: 'doc-actions-title' }, t('actionsHeading')),
      lead,
      !asSender && mine?.status === '13' ? notice('warn', t('recallPending')) : null,
      buttons.length ? h('div', { class: 'actions' }, ...buttons) : asSender ? null : h('p', { class: 'muted' }, t('noActions')),
    );
  };

  const drawHistory = () => replace(historyBody, statusHistory(detail.deliveries, { api: ctx.api, directory, meId: ctx.me.user.id, senderCode: doc.senderCode, fileBase }));

  const reload = async () => {
    try {
      detail = await ctx.api.get<DocumentDetail>(base);
    } catch (e) {
      flash.append(notice('warn', t('reloadFailed')), errorNotice(e));
      return;
    }
    drawActions();
    drawHistory();
  };

  const withdrawn = () => {
    leave();
    window.removeEventListener('hashchange', leave);
    replace(content, notice('info', t('withdrawn')), h('p', {}, h('a', { href: '#/inbox', class: 'button' }, t('backInbox'))));
  };

  const perform = async (spec: ActionSpec, buttons: HTMLButtonElement[]) => {
    const reason = await confirmDialog(spec.confirm);
    if (reason === null) return;
    for (const b of buttons) b.disabled = true;
    actionsRegion.setAttribute('aria-busy', 'true');
    try {
      const changes = await spec.run(reason);
      const title = spec.name === 'recall' ? t('doneRecall', { n: changes.length }) : t('done', { status: statusLabel(changes[0]?.event.status ?? '') });
      showChanges(title, changes);
    } catch (e) {
      replace(flash, errorNotice(e));
      // The status may have moved under us (another clerk, a recall): show what it is now.
      if (e instanceof ApiError && e.status === 409) await reload();
    } finally {
      actionsRegion.removeAttribute('aria-busy');
      for (const b of buttons) if (b.isConnected) b.disabled = false;
    }
    flash.focus();
  };

  drawActions();
  drawHistory();

  const meta = metadataList(detail, directory, asSender ? undefined : own());
  const pdf = pdfRegion();
  const report = reportRegion(doc.verification);

  function pdfRegion(): HTMLElement {
    const bar = progressBar(t('downloading'));
    const check = h('div', { 'data-hash': 'pending' });
    const view = h('div', { class: 'pdf-view-body' }, h('p', { class: 'loading', 'aria-busy': 'true' }, t('pdfLoading')));
    const region = h('section', { class: 'pdf-view', 'aria-labelledby': 'doc-pdf-title', 'data-testid': 'pdf-view' }, h('h2', { id: 'doc-pdf-title' }, t('pdfHeading')), bar.el, check, view);
    void (async () => {
      try {
        const { blob, headers } = await ctx.api.download(`${base}/file`, (loaded, total) => bar.update(loaded, total || doc.fileSize));
        bar.done();
        if (left) return;
        const recorded = (headers.get('x-content-sha256') ?? doc.fileSha256).toLowerCase();
        const computed = await sha256Hex(blob);
        if (left) return;
        const expectedOk = recorded === doc.fileSha256.toLowerCase();
        if (computed === null) {
          check.setAttribute('data-hash', 'unchecked');
          replace(check, notice('warn', t('hashUnchecked')));
        } else if (computed === recorded && expectedOk) {
          check.setAttribute('data-hash', 'match');
          replace(check, notice('ok', t('hashOk'), h('p', { class: 'small mono' }, computed)));
        } else {
          check.setAttribute('data-hash', 'mismatch');
          replace(check, notice('error', t('hashBad'), h('p', { class: 'small mono' }, t('hashComputed', { sha: computed })), h('p', { class: 'small mono' }, t('hashExpected', { sha: doc.fileSha256 }))));
          // A file that is not the one the axis holds is never shown as the document.
          replace(view);
          return;
        }
        const name = fileNameFrom(headers.get('content-disposition')) ?? fallbackFileName(m.codeNumber, m.codeNotation);
        pdfUrl = URL.createObjectURL(new Blob([blob], { type: 'application/pdf' }));
        replace(
          view,
          h('p', {}, h('a', { href: pdfUrl, download: name, class: 'button', 'data-action': 'download-pdf' }, t('download', { name, size: formatBytes(blob.size) }))),
          h('iframe', { class: 'pdf-frame', title: t('pdfTitle', { number }), src: pdfUrl }),
          h('p', { class: 'muted small' }, t('pdfHint')),
        );
      } catch (e) {
        bar.done();
        replace(view);
        check.setAttribute('data-hash', 'error');
        replace(check, errorNotice(e));
      }
    })();
    return region;
  }

  function reportRegion(stored: Report | null | undefined): HTMLElement {
    const note = h('p', { class: 'muted', 'data-report': 'stored' }, t('storedNote', { time: formatDateTime(doc.createdAt) }));
    const body = h('div', {}, stored ? renderReport(stored) : h('p', { class: 'muted' }, t('noReport')));
    const errors = h('div');
    const again = h('button', { type: 'button', 'data-action': 'reverify' }, t('reverify'));
    again.addEventListener('click', () => {
      void (async () => {
        again.disabled = true;
        body.setAttribute('aria-busy', 'true');
        replace(errors, h('p', { class: 'loading' }, t('reverifying')));
        try {
          const r = await ctx.api.post<{ report: Report }>(`${base}/verify`);
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
      })();
    });
    return h(
      'section',
      { class: 'doc-report', 'aria-labelledby': 'doc-report-title', 'data-testid': 'verification' },
      h('div', { class: 'doc-report-head' }, h('h2', { id: 'doc-report-title' }, t('reportHeading')), again),
      h('div', { 'aria-live': 'polite' }, note, errors),
      body,
    );
  }

  replace(
    content,
    actionsRegion,
    h(
      'div',
      { class: 'doc-grid' },
      h(
        'div',
        { class: 'doc-side' },
        h('section', { 'aria-labelledby': 'doc-meta-title' }, h('h2', { id: 'doc-meta-title' }, t('metaHeading')), meta),
        h('section', { class: 'doc-history', 'aria-labelledby': 'doc-history-title', 'data-testid': 'status-history' }, h('h2', { id: 'doc-history-title' }, t('historyHeading')), historyBody),
      ),
      pdf,
    ),
    report,
  );

  return h(
    'article',
    { class: 'document-page', 'aria-labelledby': 'doc-title', 'data-document-id': doc.id, 'data-role': asSender ? 'sender' : 'recipient' },
    h('header', { class: 'doc-head' }, h('h1', { id: 'doc-title' }, t('title', { number })), priorityBadge(m.priority), h('p', { class: 'doc-subject' }, m.subject)),
    flash,
    content,
  );
}

function metadataList(detail: DocumentDetail, directory: ReadonlyMap<string, PickerAgency>, mine: DeliveryWithEvents | undefined): HTMLElement {
  const doc = detail.document;
  const m = doc.metadata;
  const rows: Array<[string, ...Array<Node | string>]> = [
    [t('number'), h('strong', {}, `${m.codeNumber}/${m.codeNotation}`)],
    [t('type'), m.documentType],
    [t('subject'), m.subject],
    [t('sender'), agencyName(directory, doc.senderCode)],
    [t('issued'), `${m.promulgationPlace}, ${formatDate(m.promulgationDate)}`],
    [t('signer'), [m.signer.competence, m.signer.position, m.signer.fullName].filter((x): x is string => !!x).join(' — ')],
    [t('priority'), priorityBadge(m.priority)],
    [t('classification'), classificationLabel(m.classification)],
    [t('dueDate'), m.dueDate ? formatDate(m.dueDate) : t('none')],
    [t('steering'), steeringLabel(m.steeringType)],
    [t('businessType'), businessTypeLabel(m.businessType)],
  ];
  if (m.relatedDocumentId) {
    const related = m.relatedDocumentId;
    rows.push([t('related'), /^[0-9a-f-]{36}$/i.test(related) ? h('a', { href: `#/documents/${encodeURIComponent(related)}`, class: 'mono' }, related) : h('span', { class: 'mono' }, related)]);
  }
  if (m.responseFor.length) rows.push([t('responseFor'), h('ul', { class: 'plain' }, ...m.responseFor.map((r) => h('li', { class: 'mono' }, r)))]);
  rows.push(
    [t('edxmlId'), h('span', { class: 'mono' }, doc.edxmlDocumentId)],
    [t('recipients'), h('ul', { class: 'plain' }, ...m.recipients.map((c) => h('li', { 'data-recipient': c }, agencyName(directory, c))))],
    [t('sha256'), h('code', { 'data-sha256': doc.fileSha256 }, doc.fileSha256)],
    [t('size'), `${formatBytes(doc.fileSize)} (${doc.fileSize.toLocaleString(currentLang() === 'vi' ? 'vi-VN' : 'en-GB')} byte)`],
    [t('sentAt'), h('time', { datetime: doc.createdAt }, formatDateTime(doc.createdAt))],
  );
  const arrived = mine?.events.find((e) => e.status === '01')?.at;
  if (arrived) rows.push([t('arrivedAt'), h('time', { datetime: arrived }, formatDateTime(arrived))]);
  return h('dl', { class: 'meta', 'data-testid': 'document-meta' }, ...rows.flatMap(([label, ...value]) => [h('dt', {}, label), h('dd', {}, ...value)]));
}

async function sha256Hex(blob: Blob): Promise<string | null> {
  // crypto.subtle exists only in secure contexts (HTTPS or localhost).
  if (typeof crypto === 'undefined' || !crypto.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The name in Content-Disposition (RFC 6266: filename* first, then filename). */
function fileNameFrom(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      /* fall through to the plain name */
    }
  }
  const plain = /filename\s*=\s*"([^"]+)"/.exec(header) ?? /filename\s*=\s*([^;]+)/.exec(header);
  return plain?.[1]?.trim() || null;
}

/** The same ASCII name the service gives (get-document.ts fileNameOf), for when the header is missing. */
function fallbackFileName(codeNumber: string, codeNotation: string): string {
  const base = `${codeNumber}-${codeNotation}`
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '');
  return `${base || 'document'}.pdf`;
}
