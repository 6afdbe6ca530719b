// A modal confirmation (the native <dialog>: focus is trapped and Escape cancels), optionally
// asking for a reason. Resolves to the reason (or '' when none was asked), null if cancelled.
import { field, h, showFieldError } from '../dom.js';
import { defineMessages } from '../i18n.js';

const t = defineMessages({
  vi: { cancel: 'Hủy', required: 'Vui lòng nhập nội dung.' },
  en: { cancel: 'Cancel', required: 'Please fill this in.' },
});

export interface ConfirmOptions {
  title: string;
  body?: string;
  confirmLabel: string;
  danger?: boolean;
  /** Ask for a text (e.g. the reason for a rejection). */
  input?: { label: string; required: boolean };
}

export function confirmDialog(opts: ConfirmOptions): Promise<string | null> {
  return new Promise((resolve) => {
    const input = opts.input ? field(opts.input.label, h('textarea', { rows: 3, maxlength: 1000 })) : null;
    const ok = h('button', { type: 'submit', class: opts.danger ? 'danger' : 'primary' }, opts.confirmLabel);
    const cancel = h('button', { type: 'button' }, t('cancel'));
    const form = h('form', { method: 'dialog' }, h('h2', {}, opts.title), opts.body ? h('p', {}, opts.body) : null, input?.wrap, h('div', { class: 'actions' }, ok, cancel));
    const dlg = h('dialog', { class: 'confirm', 'aria-label': opts.title }, form);
    let result: string | null = null;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = input ? (input.control as HTMLTextAreaElement).value.trim() : '';
      if (input && opts.input?.required && !text) {
        showFieldError(input, t('required'));
        return;
      }
      result = text;
      dlg.close();
    });
    cancel.addEventListener('click', () => dlg.close());
    dlg.addEventListener('close', () => {
      dlg.remove();
      resolve(result);
    });
    document.body.append(dlg);
    dlg.showModal();
    ((input?.control as HTMLElement | undefined) ?? ok).focus();
  });
}
