// What a clerk may do with a document now (status-machine.ts): a recipient accepts / rejects,
// assigns, marks it in progress or complete, or answers a recall with one of two explicit choices
// (agree: 15, refuse: 16) after reading the sender's reason; the sender recalls it, saying why,
// while a recipient has not acted yet. Each action is confirmed in a dialog (a rejection and a
// recall ask why), calls the endpoint, and shows the axis's signed receipt of the change in the
// page's flash area.
import { ApiError, type ApiClient } from '../api.js';
import { h, replace } from '../dom.js';
import { defineMessages } from '../i18n.js';
import { statusLabel } from '../labels.js';
import type { Delivery, DocumentDetail, PickerAgency, StatusEvent } from '../types.js';
import { agencyName } from './badges.js';
import { confirmDialog, type ConfirmOptions } from './dialog.js';
import { errorNotice, notice } from './notice.js';
import { receiptView } from './receipt-view.js';
import type { DeliveryWithEvents } from './status-history.js';

const t = defineMessages({
  vi: {
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
    recallReason: 'Lý do lấy lại (nơi nhận sẽ thấy)',
    recallAccept: 'Đồng ý thu hồi',
    recallRefuse: 'Từ chối thu hồi',
    recallPending: 'Nơi gửi yêu cầu lấy lại (thu hồi) văn bản này. Vui lòng chọn Đồng ý thu hồi hoặc Từ chối thu hồi.',
    recallWhy: 'Lý do nơi gửi nêu: {reason}',
    recallNote: 'Ghi chú cho nơi gửi (không bắt buộc)',
    keptLead: 'Cơ quan bạn đã từ chối thu hồi và giữ lại văn bản. Văn bản vẫn chờ tiếp nhận: hãy tiếp nhận hoặc từ chối tiếp nhận.',
    senderRecallPending: '{n} nơi nhận chưa trả lời yêu cầu lấy lại.',
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
    confirmRecallAcceptTitle: 'Đồng ý thu hồi văn bản?',
    confirmRecallAcceptBody: 'Văn bản sẽ bị rút khỏi hộp thư đến của cơ quan bạn (trạng thái 15 · Đồng ý lấy lại) và nơi gửi được thông báo. Không thể hoàn tác.',
    confirmRecallRefuseTitle: 'Từ chối thu hồi văn bản?',
    confirmRecallRefuseBody: 'Cơ quan bạn giữ lại văn bản (trạng thái 16 · Từ chối lấy lại). Sau đó bạn vẫn cần tiếp nhận hoặc từ chối tiếp nhận văn bản.',
    confirmRecallTitle: 'Yêu cầu lấy lại văn bản?',
    confirmRecallBody: 'Yêu cầu lấy lại (trạng thái 13) được gửi tới {n} nơi nhận chưa tiếp nhận: {names}. Nơi nhận đã tiếp nhận hoặc đã xử lý không bị ảnh hưởng. Hãy nêu lý do: nơi nhận sẽ đọc trước khi trả lời.',
    done: 'Đã ghi nhận: {status}.',
    doneRecall: 'Đã gửi yêu cầu lấy lại tới {n} nơi nhận.',
    doneFor: 'Nơi nhận {name}: {status}',
    noReceipt: 'Sự kiện không có biên nhận (trục chưa cấu hình khóa ký biên nhận).',
  },
  en: {
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
    recallReason: 'Why it is recalled (the recipients will see this)',
    recallAccept: 'Agree to the recall',
    recallRefuse: 'Refuse the recall',
    recallPending: 'The sender asks to take this document back (recall). Please choose Agree to the recall or Refuse the recall.',
    recallWhy: 'The sender’s reason: {reason}',
    recallNote: 'Note to the sender (optional)',
    keptLead: 'Your agency refused the recall and kept the document. It still waits to be accepted: accept or reject it.',
    senderRecallPending: '{n} recipient(s) have not answered the recall yet.',
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
    confirmRecallAcceptTitle: 'Agree to the recall?',
    confirmRecallAcceptBody: 'The document leaves your agency’s inbox (status 15 · Recall accepted) and the sender is told. This cannot be undone.',
    confirmRecallRefuseTitle: 'Refuse the recall?',
    confirmRecallRefuseBody: 'Your agency keeps the document (status 16 · Recall refused). You still need to accept or reject it afterwards.',
    confirmRecallTitle: 'Recall this document?',
    confirmRecallBody: 'A recall request (status 13) goes to the {n} recipient(s) that have not accepted it yet: {names}. Recipients that already accepted or handled it are not affected. Say why: the recipients read it before answering.',
    done: 'Recorded: {status}.',
    doneRecall: 'Recall requested from {n} recipient(s).',
    doneFor: 'Recipient {name}: {status}',
    noReceipt: 'The event has no receipt (the axis has no receipt signing key configured).',
  },
});

type ActionName = 'accept' | 'reject' | 'assign' | 'in-progress' | 'complete' | 'recall' | 'recall-accept' | 'recall-refuse';

/** One status change an action made: the recipient's delivery it moved and the event recorded. */
type Outcome = { recipientCode: string; event: StatusEvent };

interface ActionSpec {
  name: ActionName;
  label: string;
  tone?: 'primary' | 'danger';
  confirm: ConfirmOptions;
  /** Performs the change; `reason` is the dialog's text ('' when none was asked). */
  run: (reason: string) => Promise<Outcome[]>;
}

/** The answer of POST /status and POST /recall-answer. */
type Change = { delivery: Delivery; event: StatusEvent };

export interface DocumentActionsOptions {
  api: ApiClient;
  /** The document in the API: /documents/<id>. */
  base: string;
  directory: ReadonlyMap<string, PickerAgency>;
  /** The signed-in user and agency. */
  meId: string;
  myCode: string;
  /** The signed-in agency sent the document (otherwise it is one of its recipients). */
  asSender: boolean;
  /** Names the receipts' .p7s files, as the status history does. */
  fileBase: string;
  /** The page's message area: an action's result or error goes there, and focus follows. */
  flash: HTMLElement;
  /** The document as the page last loaded it. */
  detail(): DocumentDetail;
  /** Loads the document again and redraws the page, these actions included. */
  reload(): Promise<void>;
  /** Our copy went back to the sender (an accepted recall): the page has nothing left to show. */
  withdrawn(): void;
}

export interface DocumentActions {
  el: HTMLElement;
  /** Draws the lead line and the buttons for the document's current status. */
  draw(): void;
}

/** The signed-in agency's own delivery of the document, when it is a recipient. */
export function ownDelivery(detail: DocumentDetail, agencyCode: string): DeliveryWithEvents | undefined {
  return detail.deliveries.find((d) => d.recipientCode === agencyCode);
}

export function documentActions(opts: DocumentActionsOptions): DocumentActions {
  const el = h('section', { class: 'doc-actions', 'aria-labelledby': 'doc-actions-title', 'data-testid': 'actions' });
  const draw = () => {
    const buttons = actionsFor(opts).map((spec) => {
      const b = h('button', { type: 'button', class: spec.tone ?? null, 'data-action': spec.name }, spec.label);
      b.addEventListener('click', () => void perform(spec, buttons, el, opts));
      return b;
    });
    const mine = ownDelivery(opts.detail(), opts.myCode);
    replace(
      el,
      h('h2', { id: 'doc-actions-title' }, t('actionsHeading')),
      leadLine(opts, mine),
      !opts.asSender && mine?.status === '13' ? recallNotice(mine) : null,
      !opts.asSender && mine?.status === '16' ? notice('info', t('keptLead')) : null,
      buttons.length ? h('div', { class: 'actions' }, ...buttons) : opts.asSender ? null : h('p', { class: 'muted' }, t('noActions')),
    );
  };
  return { el, draw };
}

/** The recall request as the recipient must read it before answering: what is asked, and why. */
function recallNotice(mine: DeliveryWithEvents): HTMLElement {
  const asked = [...mine.events].filter((e) => e.status === '13').sort((a, b) => b.at.localeCompare(a.at))[0];
  const why = asked?.reason ? [h('p', { class: 'recall-reason' }, t('recallWhy', { reason: asked.reason }))] : [];
  const n = notice('warn', h('p', {}, t('recallPending')), ...why);
  n.setAttribute('data-testid', 'recall-pending');
  return n;
}

/** The sender reads how many recipients are still to act; a recipient, its own status. */
function leadLine(opts: DocumentActionsOptions, mine: DeliveryWithEvents | undefined): HTMLElement | null {
  if (opts.asSender) {
    const deliveries = opts.detail().deliveries;
    const arrived = deliveries.filter((d) => d.status === '01' || d.status === '16').length;
    const recalling = deliveries.filter((d) => d.status === '13').length;
    if (arrived === 0 && recalling === 0) return h('p', {}, t('senderNoActions'));
    return h('p', {}, [arrived > 0 ? t('senderWaiting', { n: arrived }) : '', recalling > 0 ? t('senderRecallPending', { n: recalling }) : ''].filter(Boolean).join(' '));
  }
  return mine ? h('p', { 'data-status': mine.status }, t('yourStatus', { status: statusLabel(mine.status) })) : null;
}

function actionsFor(opts: DocumentActionsOptions): ActionSpec[] {
  if (opts.asSender) return senderActions(opts);
  const mine = ownDelivery(opts.detail(), opts.myCode);
  return mine ? recipientActions(opts, mine.status) : [];
}

/** The sender may recall the document from the recipients that have not acted yet (still 01). */
function senderActions(opts: DocumentActionsOptions): ActionSpec[] {
  const waiting = opts.detail().deliveries.filter((d) => d.status === '01');
  if (waiting.length === 0) return [];
  return [
    {
      name: 'recall',
      label: t('recall'),
      tone: 'danger',
      confirm: {
        title: t('confirmRecallTitle'),
        body: t('confirmRecallBody', { n: waiting.length, names: waiting.map((d) => agencyName(opts.directory, d.recipientCode)).join('; ') }),
        confirmLabel: t('recall'),
        danger: true,
        input: { label: t('recallReason'), required: true },
      },
      run: async (reason) => {
        const r = await opts.api.post<{ deliveries: Delivery[] }>(`${opts.base}/recall`, { reason });
        await opts.reload();
        return r.deliveries.map((d) => ({ recipientCode: d.recipientCode, event: newestRecallEvent(opts, d) }));
      },
    },
  ];
}

/** The recall answer carries no events: the receipt is the newest 13 of the reloaded delivery. */
function newestRecallEvent(opts: DocumentActionsOptions, d: Delivery): StatusEvent {
  const events = opts.detail().deliveries.find((x) => x.id === d.id)?.events ?? [];
  const event = [...events].filter((e) => e.status === '13').sort((a, b) => b.at.localeCompare(a.at))[0];
  return event ?? { id: '', status: '13', reason: null, actorUserId: opts.meId, at: d.statusUpdatedAt, receipt: null };
}

/** The next steps from a recipient's current status. */
function recipientActions(opts: DocumentActionsOptions, status: string): ActionSpec[] {
  const progress = (tone?: 'primary') => statusAction(opts, '05', 'in-progress', t('inProgress'), t('confirmProgressTitle'), t('confirmProgressBody'), tone);
  switch (status) {
    case '01':
    case '16': // kept after a recall: handled as if it had just arrived
      return [
        statusAction(opts, '03', 'accept', t('accept'), t('confirmAcceptTitle'), t('confirmAcceptBody'), 'primary'),
        statusAction(opts, '02', 'reject', t('reject'), t('confirmRejectTitle'), t('confirmRejectBody'), 'danger', { label: t('rejectReason'), required: true }),
      ];
    case '03':
      return [statusAction(opts, '04', 'assign', t('assign'), t('confirmAssignTitle'), t('confirmAssignBody'), 'primary'), progress()];
    case '04':
      return [progress('primary')];
    case '05':
      return [statusAction(opts, '06', 'complete', t('complete'), t('confirmCompleteTitle'), t('confirmCompleteBody'), 'primary')];
    case '13':
      return [recallAnswer(opts, '15'), recallAnswer(opts, '16')];
    default:
      return [];
  }
}

/** A move of the recipient's delivery to status `to` (POST /status). */
function statusAction(
  opts: DocumentActionsOptions,
  to: string,
  name: ActionName,
  label: string,
  title: string,
  body: string,
  tone?: 'primary' | 'danger',
  input?: ConfirmOptions['input'],
): ActionSpec {
  return {
    name,
    label,
    ...(tone ? { tone } : {}),
    confirm: { title, body, confirmLabel: label, danger: tone === 'danger', ...(input ? { input } : {}) },
    run: async (reason) => {
      const r = await opts.api.post<Change>(`${opts.base}/status`, { status: to, ...(reason ? { reason } : {}) });
      await opts.reload();
      return [{ recipientCode: r.delivery.recipientCode, event: r.event }];
    },
  };
}

/** The recipient's answer to a recall request, sent as the status it records: agree (15) or refuse (16). */
function recallAnswer(opts: DocumentActionsOptions, answer: '15' | '16'): ActionSpec {
  const accept = answer === '15';
  const note = { label: t('recallNote'), required: false };
  return {
    name: accept ? 'recall-accept' : 'recall-refuse',
    label: accept ? t('recallAccept') : t('recallRefuse'),
    tone: accept ? 'danger' : 'primary',
    confirm: accept
      ? { title: t('confirmRecallAcceptTitle'), body: t('confirmRecallAcceptBody'), confirmLabel: t('recallAccept'), danger: true, input: note }
      : { title: t('confirmRecallRefuseTitle'), body: t('confirmRecallRefuseBody'), confirmLabel: t('recallRefuse'), input: note },
    run: async (reason) => {
      const r = await opts.api.post<Change>(`${opts.base}/recall-answer`, { answer, ...(reason ? { reason } : {}) });
      // An accepted recall withdraws our copy: the document is no longer ours to read.
      if (accept) opts.withdrawn();
      else await opts.reload();
      return [{ recipientCode: r.delivery.recipientCode, event: r.event }];
    },
  };
}

/** Confirms, runs the action with every button off, and shows the outcome in the flash area. */
async function perform(spec: ActionSpec, buttons: HTMLButtonElement[], region: HTMLElement, opts: DocumentActionsOptions): Promise<void> {
  const reason = await confirmDialog(spec.confirm);
  if (reason === null) return;
  for (const b of buttons) b.disabled = true;
  region.setAttribute('aria-busy', 'true');
  try {
    const changes = await spec.run(reason);
    const title = spec.name === 'recall' ? t('doneRecall', { n: changes.length }) : t('done', { status: statusLabel(changes[0]?.event.status ?? '') });
    showChanges(opts, title, changes);
  } catch (e) {
    replace(opts.flash, errorNotice(e));
    // The status may have moved under us (another clerk, a recall): show what it is now.
    if (e instanceof ApiError && e.status === 409) await opts.reload();
  } finally {
    region.removeAttribute('aria-busy');
    for (const b of buttons) if (b.isConnected) b.disabled = false;
  }
  opts.flash.focus();
}

/** The result, with the axis's receipt of each change opened (and checked) at once. */
function showChanges(opts: DocumentActionsOptions, title: string, changes: Outcome[]): void {
  const lines: Array<string | Node> = [h('p', {}, h('strong', {}, title))];
  for (const c of changes) {
    if (opts.asSender) lines.push(h('p', {}, t('doneFor', { name: agencyName(opts.directory, c.recipientCode), status: statusLabel(c.event.status) })));
    const stamp = c.event.at.replace(/[^0-9]/g, '').slice(0, 14);
    lines.push(c.event.receipt ? receiptView(opts.api, c.event.receipt, { fileName: `${opts.fileBase}-${c.recipientCode}-${c.event.status}-${stamp}.p7s`, open: true }) : h('p', { class: 'small' }, t('noReceipt')));
  }
  const n = notice('ok', ...lines);
  n.setAttribute('data-testid', 'action-result');
  replace(opts.flash, n);
}
