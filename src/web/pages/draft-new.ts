// A new draft: the drafter drops the unsigned PDF and fills in the send form's metadata without
// the number (the outgoing register gives it when the clerk registers the signed document).
// The upload sends the metadata first: a classified draft is refused by the service before any
// byte of the file is stored, and its refusal is shown next to the classification.
import { ApiError, draftForm } from '../api.js';
import { metadataForm } from '../components/metadata-form.js';
import { errorNotice, notice } from '../components/notice.js';
import { pdfDrop } from '../components/pdf-drop.js';
import { progressBar } from '../components/progress.js';
import { h, replace } from '../dom.js';
import { defineMessages } from '../i18n.js';
import type { PageContext } from '../router.js';
import type { DraftDetail, Metadata, PickerAgency } from '../types.js';

const t = defineMessages({
  vi: {
    title: 'Tạo dự thảo',
    intro: 'Tải lên tệp PDF dự thảo (chưa ký) và điền thông tin văn bản. Số văn bản được cấp khi văn thư vào sổ văn bản đi.',
    fileSection: '1. Tệp dự thảo',
    create: 'Lưu dự thảo',
    uploading: 'Đang tải lên dự thảo',
    fileRequired: 'Vui lòng chọn tệp PDF dự thảo.',
    classifiedRefused: 'Hệ thống không nhận dự thảo văn bản mật: tệp chưa được lưu.',
  },
  en: {
    title: 'New draft',
    intro: 'Upload the draft PDF (unsigned) and fill in the document details. The number is given when the clerk registers the document in the outgoing register.',
    fileSection: '1. The draft file',
    create: 'Save the draft',
    uploading: 'Uploading the draft',
    fileRequired: 'Please choose the draft PDF.',
    classifiedRefused: 'Classified drafts are refused: the file was not stored.',
  },
});

/** The number is not the drafter's to give: the shared form's field is hidden and dropped. */
const NO_NUMBER_YET = '0';

export default async function draftNewPage(ctx: PageContext): Promise<Node> {
  ctx.setTitle(t('title'));
  const agencies = await ctx.api.get<PickerAgency[]>('/agencies');
  const drop = pdfDrop(ctx.api);
  const meta = metadataForm({ agencies, ownCode: ctx.me.agency.code, sent: [] });
  const numberField = meta.sections[0]?.querySelector<HTMLElement>('[data-field="codeNumber"]');
  const numberInput = numberField?.querySelector('input');
  if (numberInput) numberInput.value = NO_NUMBER_YET;
  numberField?.remove();
  // A draft is always new business: its relations are set when it is sent.
  meta.sections[0]?.querySelector('[data-field="relatedDocumentId"]')?.remove();

  const create = h('button', { type: 'submit', class: 'primary', 'data-action': 'create-draft' }, t('create'));
  const progress = progressBar(t('uploading'));
  const errors = h('div', { 'data-testid': 'draft-errors' });
  const form = h(
    'form',
    { class: 'send-form', 'data-testid': 'draft-form', novalidate: true, 'aria-labelledby': 'draft-new-title' },
    h('fieldset', { class: 'send-section' }, h('legend', {}, t('fileSection')), drop.el),
    ...meta.sections,
    errors,
    progress.el,
    h('div', { class: 'actions' }, create),
  );

  let busy = false;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (busy) return;
    busy = true;
    create.disabled = true;
    void save().finally(() => {
      busy = false;
      create.disabled = false;
    });
  });

  const save = async () => {
    meta.clearErrors();
    drop.clearProblem();
    replace(errors);
    const m = meta.collect();
    const file = drop.file();
    // A classified choice goes to the service without the file: it must refuse it (and log it).
    const classified = m.classification !== 'NONE';
    const problems = classified ? [] : meta.check(m);
    if (!classified && !file) {
      drop.showProblem(notice('error', t('fileRequired')));
      problems.push(drop.el);
    }
    if (problems.length > 0) {
      problems[0]?.focus();
      return;
    }
    try {
      const detail = await ctx.api.upload<DraftDetail>('/drafts', draftForm(withoutNumber(m), classified ? null : file, file?.name || 'draft.pdf'), {
        onProgress: (l, total) => progress.update(l, total),
      });
      ctx.navigate(`/drafts/${encodeURIComponent(detail.draft.id)}`);
    } catch (err) {
      const placed = err instanceof ApiError ? meta.placeRefusal(err, m) : null;
      if (err instanceof ApiError && err.code.startsWith('CLASSIFIED')) replace(errors, notice('error', t('classifiedRefused')), errorNotice(err));
      else if (!placed || placed.unplaced) replace(errors, errorNotice(err));
      (placed?.targets[0] ?? errors).focus?.();
    } finally {
      progress.done();
    }
  };

  return h('section', { class: 'send-page', 'aria-labelledby': 'draft-new-title', 'data-testid': 'draft-new-page' }, h('h1', { id: 'draft-new-title' }, t('title')), h('p', { class: 'muted' }, t('intro')), form);
}

function withoutNumber(m: Metadata): Omit<Metadata, 'codeNumber'> {
  const { codeNumber: _number, ...rest } = m;
  return rest;
}
