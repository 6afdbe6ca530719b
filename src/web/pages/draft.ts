// One draft, for whoever may see it (the service decides): its details, the PDF, its history
// (events with comments), and the actions of the one who acts next:
// - its drafter, while it is a draft or returned: upload a new version, submit to a signer;
// - its named signer, while submitted: choose where the signature goes on the page, return it
//   with a comment, or sign with their own token (the page shows the command and turns "Signed"
//   by itself when the signature lands: components/draft-watch.ts);
// - a clerk, once signed: place the number, confirm the recipients, register, seal and send.
import { draftForm } from '../api.js';
import { confirmDialog } from '../components/dialog.js';
import { watchDraft } from '../components/draft-watch.js';
import { errorNotice, notice } from '../components/notice.js';
import { pagePicker } from '../components/page-picker.js';
import { field, h, replace, selectBox } from '../dom.js';
import { defineMessages, formatDateTime } from '../i18n.js';
import { draftEventLabel, draftStatusLabel } from '../labels.js';
import { rolesOf, type PageContext } from '../router.js';
import type { DraftDetail, PagePlacement, PickerAgency, SealAndSendResult } from '../types.js';

const t = defineMessages({
  vi: {
    title: 'Dự thảo: {subject}',
    status: 'Trạng thái',
    type: 'Loại văn bản',
    notation: 'Ký hiệu',
    signer: 'Người ký',
    recipients: 'Nơi nhận',
    version: 'Phiên bản',
    pdf: 'Tệp dự thảo (phiên bản {v})',
    history: 'Lịch sử',
    noHistory: 'Chưa có sự kiện nào.',
    you: 'Bạn',
    user: 'Người dùng {id}',
    revise: 'Sửa đổi: tải lên phiên bản mới',
    reviseFile: 'Tệp PDF phiên bản mới',
    upload: 'Tải lên phiên bản mới',
    revised: 'Đã tải lên phiên bản {v}.',
    submit: 'Trình ký',
    chooseSigner: 'Người ký',
    pickSigner: 'Chọn người ký',
    noSigners: 'Cơ quan chưa có người có thẩm quyền ký.',
    submitBtn: 'Trình ký',
    signerRequired: 'Vui lòng chọn người ký.',
    submitted: 'Đã trình ký.',
    placeSignature: 'Vị trí chữ ký',
    signatureWidget: 'Chữ ký',
    sign: 'Ký bằng thiết bị ký số của tôi',
    signIntro: 'Cắm thiết bị ký số (USB token) hoặc dùng tệp .p12, rồi chạy lệnh dưới đây trên máy tính của bạn. Mã truy cập API của bạn được đọc từ biến môi trường DOCAXIS_TOKEN. Trang này tự chuyển sang “Đã ký” khi chữ ký được ghi nhận.',
    withToken: 'USB token (PKCS#11)',
    withP12: 'Tệp .p12',
    keyKind: 'Khóa ký',
    command: 'Lệnh cần chạy',
    copy: 'Sao chép lệnh',
    copied: 'Đã sao chép lệnh.',
    copyFailed: 'Không sao chép được: hãy chọn và sao chép lệnh.',
    waiting: 'Đang chờ chữ ký…',
    signedNow: 'Dự thảo đã được ký.',
    returnBtn: 'Trả lại dự thảo',
    returnTitle: 'Trả lại dự thảo cho chuyên viên?',
    returnComment: 'Ý kiến (bắt buộc)',
    returned: 'Đã trả lại dự thảo.',
    seal: 'Vào sổ, đóng dấu và gửi',
    sealIntro: 'Nhấn vào trang để đặt vị trí số văn bản (“Số: …”), hoặc dùng vị trí mặc định. Hệ thống cấp số trong sổ văn bản đi, ký số của cơ quan và gửi văn bản tới nơi nhận.',
    numberWidget: 'Số: …',
    placeNumber: 'Vị trí số văn bản',
    sealConfirmTitle: 'Vào sổ, đóng dấu và gửi văn bản?',
    sealConfirmBody: '“{subject}” sẽ được cấp số, ký số của cơ quan và gửi tới {n} cơ quan: {names}.',
    sealConfirm: 'Vào sổ và gửi',
    sealed: 'Đã vào sổ số {number}/{notation} và gửi.',
    sealing: 'Đang vào sổ, đóng dấu và gửi…',
  },
  en: {
    title: 'Draft: {subject}',
    status: 'Status',
    type: 'Document type',
    notation: 'Notation',
    signer: 'Signer',
    recipients: 'Recipients',
    version: 'Version',
    pdf: 'The draft (version {v})',
    history: 'History',
    noHistory: 'Nothing happened yet.',
    you: 'You',
    user: 'User {id}',
    revise: 'Revise: upload a new version',
    reviseFile: 'New version (PDF)',
    upload: 'Upload the new version',
    revised: 'Version {v} uploaded.',
    submit: 'Submit for signature',
    chooseSigner: 'Signer',
    pickSigner: 'Choose the signer',
    noSigners: 'Your agency has no signer yet.',
    submitBtn: 'Submit',
    signerRequired: 'Please choose the signer.',
    submitted: 'Submitted for signature.',
    placeSignature: 'Signature position',
    signatureWidget: 'Signature',
    sign: 'Sign with my token',
    signIntro: 'Plug in your token (or use your .p12 file) and run this command on your computer. Your API token is read from the DOCAXIS_TOKEN environment variable. This page turns “Signed” by itself when the signature is recorded.',
    withToken: 'USB token (PKCS#11)',
    withP12: '.p12 file',
    keyKind: 'Signing key',
    command: 'Command to run',
    copy: 'Copy the command',
    copied: 'Command copied.',
    copyFailed: 'Could not copy: select the command and copy it.',
    waiting: 'Waiting for the signature…',
    signedNow: 'The draft is signed.',
    returnBtn: 'Return the draft',
    returnTitle: 'Return the draft to its drafter?',
    returnComment: 'Comment (required)',
    returned: 'Draft returned.',
    seal: 'Register, seal and send',
    sealIntro: 'Click on the page to place the document number (“Số: …”), or keep the default position. The service gives the number from the outgoing register, applies the agency’s seal signature and sends the document.',
    numberWidget: 'Số: …',
    placeNumber: 'Number position',
    sealConfirmTitle: 'Register, seal and send this document?',
    sealConfirmBody: '“{subject}” will get its number, the agency’s seal signature, and be sent to {n} agency(ies): {names}.',
    sealConfirm: 'Register and send',
    sealed: 'Registered as {number}/{notation} and sent.',
    sealing: 'Registering, sealing and sending…',
  },
});

/** Who is who: the agency's signers by user id (the only names a drafter may list), agencies by code. */
interface Names {
  users: ReadonlyMap<string, string>;
  agencies: ReadonlyMap<string, string>;
}

/** Default widget sizes in points: the signature image, and the "Số: ..." line. */
const SIGNATURE_SIZE = { width: 180, height: 70 };
const NUMBER_SIZE = { width: 160, height: 20 };

export default async function draftPage(ctx: PageContext): Promise<Node> {
  const id = ctx.params['id'] ?? '';
  const [detail, signers, agencies] = await Promise.all([
    ctx.api.get<DraftDetail>(`/drafts/${encodeURIComponent(id)}`),
    ctx.api.get<Array<{ id: string; name: string }>>('/drafts/signers').catch(() => []),
    ctx.api.get<PickerAgency[]>('/agencies').catch(() => [] as PickerAgency[]),
  ]);
  const root = h('section', { class: 'draft-page', 'aria-labelledby': 'draft-title', 'data-testid': 'draft-page' });
  const names: Names = { users: new Map(signers.map((s) => [s.id, s.name])), agencies: new Map(agencies.map((a) => [a.code, a.name])) };
  draw(ctx, root, detail, names);
  return root;
}

function draw(ctx: PageContext, root: HTMLElement, d: DraftDetail, names: Names, flash?: HTMLElement): void {
  const draft = d.draft;
  ctx.setTitle(t('title', { subject: draft.metadata.subject }));
  const nameOf = (userId: string | null) => (!userId ? '—' : userId === ctx.me.user.id ? `${t('you')} (${ctx.me.user.name})` : (names.users.get(userId) ?? t('user', { id: userId.slice(0, 8) })));
  const held = rolesOf(ctx.me);
  const redraw = (next: DraftDetail, message?: HTMLElement) => draw(ctx, root, next, names, message);

  const isDrafter = draft.drafterUserId === ctx.me.user.id && held.includes('drafter') && (draft.status === 'draft' || draft.status === 'returned');
  const isSigner = draft.signerUserId === ctx.me.user.id && held.includes('signer') && draft.status === 'submitted';
  const isClerk = held.includes('clerk') && draft.status === 'signed';

  const picker = pagePicker(ctx.api, {
    path: `/drafts/${encodeURIComponent(draft.id)}/file?version=${draft.currentVersion}`,
    title: isSigner ? t('placeSignature') : isClerk ? t('placeNumber') : t('pdf', { v: draft.currentVersion }),
    widgetLabel: isSigner ? t('signatureWidget') : t('numberWidget'),
    size: isSigner ? SIGNATURE_SIZE : NUMBER_SIZE,
    pick: isSigner || isClerk,
  });

  const m = draft.metadata;
  replace(
    root,
    h('h1', { id: 'draft-title' }, m.subject),
    flash ?? null,
    h(
      'dl',
      { class: 'draft-meta' },
      h('dt', {}, t('status')),
      h('dd', {}, h('span', { class: `pill draft-${draft.status}`, 'data-testid': 'draft-status', 'data-status': draft.status }, draftStatusLabel(draft.status))),
      h('dt', {}, t('type')),
      h('dd', {}, m.documentType),
      h('dt', {}, t('notation')),
      h('dd', {}, m.codeNotation),
      h('dt', {}, t('signer')),
      h('dd', {}, draft.signerUserId ? nameOf(draft.signerUserId) : m.signer.fullName),
      h('dt', {}, t('recipients')),
      h('dd', {}, m.recipients.map((c) => names.agencies.get(c) ?? c).join(', ')),
      h('dt', {}, t('version')),
      h('dd', {}, String(draft.currentVersion)),
    ),
    isDrafter ? drafterActions(ctx, d, names, redraw) : null,
    isSigner ? signerActions(ctx, d, picker, redraw) : null,
    isClerk ? clerkActions(ctx, d, picker, names) : null,
    h('section', { class: 'draft-pdf', 'aria-labelledby': 'draft-pdf-title' }, h('h2', { id: 'draft-pdf-title' }, t('pdf', { v: draft.currentVersion })), picker.el),
    history(d, nameOf),
  );
}

function history(d: DraftDetail, nameOf: (id: string) => string): HTMLElement {
  const events = [...d.events].sort((a, b) => a.at.localeCompare(b.at));
  return h(
    'section',
    { class: 'draft-history', 'aria-labelledby': 'draft-history-title', 'data-testid': 'draft-history' },
    h('h2', { id: 'draft-history-title' }, t('history')),
    events.length === 0
      ? h('p', { class: 'muted' }, t('noHistory'))
      : h(
          'ol',
          { class: 'timeline' },
          ...events.map((e) =>
            h(
              'li',
              { 'data-event': e.kind },
              h('strong', {}, draftEventLabel(e.kind)),
              ' · ',
              h('time', { datetime: e.at }, formatDateTime(e.at)),
              ' · ',
              nameOf(e.actorUserId),
              ` · v${e.version}`,
              e.comment ? h('blockquote', { class: 'draft-comment' }, e.comment) : null,
            ),
          ),
        ),
  );
}

function drafterActions(ctx: PageContext, d: DraftDetail, names: Names, redraw: (next: DraftDetail, message?: HTMLElement) => void): HTMLElement {
  const id = encodeURIComponent(d.draft.id);
  // Revise: a new PDF under the same metadata (metadata first: the service screens it before the file).
  const fileInput = h('input', { type: 'file', accept: 'application/pdf,.pdf', 'data-testid': 'revise-file' });
  const fileField = field(t('reviseFile'), fileInput);
  const uploadBtn = h('button', { type: 'submit', 'data-action': 'revise' }, t('upload'));
  const reviseOut = h('div');
  const revise = h('form', { class: 'draft-action', novalidate: true, 'aria-labelledby': 'draft-revise-title' }, h('h2', { id: 'draft-revise-title' }, t('revise')), fileField.wrap, h('div', { class: 'actions' }, uploadBtn), reviseOut);
  revise.addEventListener('submit', (e) => {
    e.preventDefault();
    const file = fileInput.files?.[0];
    if (!file) return;
    uploadBtn.disabled = true;
    ctx.api
      .upload<DraftDetail>(`/drafts/${id}/versions`, draftForm(d.draft.metadata, file, file.name || 'draft.pdf'))
      .then((next) => redraw(next, notice('ok', t('revised', { v: next.draft.currentVersion }))))
      .catch((err: unknown) => replace(reviseOut, errorNotice(err)))
      .finally(() => (uploadBtn.disabled = false));
  });

  // Submit to a named signer of the agency.
  const options: Array<[string, string]> = [...names.users];
  const select = selectBox('signer', t('pickSigner'), options);
  const selectField = field(t('chooseSigner'), select);
  const submitBtn = h('button', { type: 'submit', class: 'primary', 'data-action': 'submit-draft' }, t('submitBtn'));
  const submitOut = h('div');
  const submit = h(
    'form',
    { class: 'draft-action', novalidate: true, 'aria-labelledby': 'draft-submit-title' },
    h('h2', { id: 'draft-submit-title' }, t('submit')),
    options.length === 0 ? notice('warn', t('noSigners')) : null,
    selectField.wrap,
    h('div', { class: 'actions' }, submitBtn),
    submitOut,
  );
  submit.addEventListener('submit', (e) => {
    e.preventDefault();
    replace(submitOut);
    if (!select.value) {
      replace(submitOut, notice('error', t('signerRequired')));
      select.focus();
      return;
    }
    submitBtn.disabled = true;
    ctx.api
      .post<DraftDetail>(`/drafts/${id}/submit`, { signerUserId: select.value })
      .then((next) => redraw(next, notice('ok', t('submitted'))))
      .catch((err: unknown) => replace(submitOut, errorNotice(err)))
      .finally(() => (submitBtn.disabled = false));
  });
  return h('div', { class: 'draft-actions' }, submit, revise);
}

/** The exact command the signer runs; `origin` is this service's. */
export function signCommand(origin: string, draftId: string, placement: PagePlacement | null, key: 'p12' | 'pkcs11'): string {
  const parts = ['docaxis', 'sign-draft', '--server', origin, '--draft', draftId];
  if (placement) parts.push('--page', String(placement.page), '--rect', [placement.x, placement.y, placement.width, placement.height].join(','));
  if (key === 'p12') parts.push('--p12', 'FILE');
  else parts.push('--pkcs11-module', 'PATH', '--token-label', 'L', '--key-label', 'K');
  return parts.join(' ');
}

function signerActions(ctx: PageContext, d: DraftDetail, picker: ReturnType<typeof pagePicker>, redraw: (next: DraftDetail, message?: HTMLElement) => void): HTMLElement {
  const draftId = d.draft.id;
  const keyKind = selectBox('key-kind', t('keyKind'), [
    ['pkcs11', t('withToken')],
    ['p12', t('withP12')],
  ], 'pkcs11');
  const keyField = field(t('keyKind'), keyKind);
  const command = h('code', { class: 'sign-command', 'data-testid': 'sign-command' });
  const copyOut = h('p', { class: 'small', 'aria-live': 'polite' });
  const copy = h('button', { type: 'button', 'data-action': 'copy-command' }, t('copy'));
  const waiting = h('p', { class: 'muted', 'data-testid': 'sign-waiting', 'aria-live': 'polite' });
  const commandBox = h('div', { class: 'sign-box', hidden: true, 'data-testid': 'sign-box' }, h('p', {}, t('signIntro')), keyField.wrap, h('p', { class: 'small' }, t('command')), h('pre', { class: 'command' }, command), h('div', { class: 'actions' }, copy), copyOut, waiting);
  const show = () => (command.textContent = signCommand(location.origin, draftId, picker.placement(), keyKind.value === 'p12' ? 'p12' : 'pkcs11'));
  picker.onChange(show);
  keyKind.addEventListener('change', show);
  copy.addEventListener('click', () => {
    navigator.clipboard.writeText(command.textContent ?? '').then(
      () => (copyOut.textContent = t('copied')),
      () => {
        copyOut.textContent = t('copyFailed');
        getSelection()?.selectAllChildren(command);
      },
    );
  });

  let watching = false;
  const sign = h('button', { type: 'button', class: 'primary', 'data-action': 'sign' }, t('sign'));
  sign.addEventListener('click', () => {
    commandBox.hidden = false;
    show();
    command.focus();
    if (watching) return;
    watching = true;
    waiting.textContent = t('waiting');
    watchDraft(ctx.api, draftId, 'submitted', (next) => redraw(next, notice('ok', next.draft.status === 'signed' ? t('signedNow') : draftStatusLabel(next.draft.status))));
  });

  const returnOut = h('div');
  const ret = h('button', { type: 'button', 'data-action': 'return-draft' }, t('returnBtn'));
  ret.addEventListener('click', () => {
    void confirmDialog({ title: t('returnTitle'), confirmLabel: t('returnBtn'), input: { label: t('returnComment'), required: true } }).then((comment) => {
      if (comment === null) return;
      ctx.api
        .post<DraftDetail>(`/drafts/${encodeURIComponent(draftId)}/return`, { comment })
        .then((next) => redraw(next, notice('ok', t('returned'))))
        .catch((err: unknown) => replace(returnOut, errorNotice(err)));
    });
  });
  return h('div', { class: 'draft-action', 'data-testid': 'signer-actions' }, h('div', { class: 'actions' }, sign, ret), commandBox, returnOut);
}

function clerkActions(ctx: PageContext, d: DraftDetail, picker: ReturnType<typeof pagePicker>, names: Names): HTMLElement {
  const draft = d.draft;
  const out = h('div', { 'data-testid': 'seal-result' });
  const go = h('button', { type: 'button', class: 'primary', 'data-action': 'seal-and-send' }, t('seal'));
  go.addEventListener('click', () => {
    void (async () => {
      replace(out);
      const recipients = draft.metadata.recipients.map((c) => names.agencies.get(c) ?? c);
      const ok = await confirmDialog({
        title: t('sealConfirmTitle'),
        body: t('sealConfirmBody', { subject: draft.metadata.subject, n: recipients.length, names: recipients.join(', ') }),
        confirmLabel: t('sealConfirm'),
      });
      if (ok === null) return;
      go.disabled = true;
      replace(out, h('p', { class: 'loading', 'aria-busy': 'true' }, t('sealing')));
      try {
        const p = picker.placement();
        const res = await ctx.api.post<SealAndSendResult>(`/drafts/${encodeURIComponent(draft.id)}/seal-and-send`, p ? { numberPlacement: p } : {});
        replace(out, notice('ok', t('sealed', { number: res.registerEntry.number, notation: res.registerEntry.notation })));
        ctx.navigate(`/documents/${encodeURIComponent(res.documentId)}`);
      } catch (e) {
        replace(out, errorNotice(e));
        go.disabled = false;
      }
    })();
  });
  return h('div', { class: 'draft-action', 'data-testid': 'clerk-actions' }, h('h2', {}, t('seal')), h('p', {}, t('sealIntro')), h('div', { class: 'actions' }, go), out);
}
