// A date (or date and time) field typed as dd/mm/yyyy (HH:mm) whatever the browser's locale: a
// text input with a pattern, a placeholder that shows the format, and a clear message in the
// page's language when the text is no real date (shown under the field and given to the browser's
// own validation, so a form is not submitted with it). The value leaves as ISO (yyyy-mm-dd, or an
// instant with +07:00), which is what the API and the URLs carry.
import { field, h, showFieldError } from '../dom.js';
import { defineMessages } from '../i18n.js';
import { formatVnDate, instantToVnInput, parseVnDate, parseVnDateTime } from '../vn-date.js';

const t = defineMessages({
  vi: {
    dateFormat: 'Nhập theo dạng ngày/tháng/năm, ví dụ 07/12/2026.',
    timeFormat: 'Nhập theo dạng ngày/tháng/năm, có thể kèm giờ:phút (giờ Việt Nam), ví dụ 07/12/2026 14:30.',
    badDate: '“{text}” không phải ngày hợp lệ. Nhập theo dạng dd/mm/yyyy, ví dụ 07/12/2026.',
    badTime: '“{text}” không hợp lệ. Nhập theo dạng dd/mm/yyyy hoặc dd/mm/yyyy HH:mm, ví dụ 07/12/2026 14:30.',
  },
  en: {
    dateFormat: 'Type day/month/year, e.g. 07/12/2026.',
    timeFormat: 'Type day/month/year, optionally with hour:minute (Vietnam time), e.g. 07/12/2026 14:30.',
    badDate: '“{text}” is not a valid date. Type dd/mm/yyyy, e.g. 07/12/2026.',
    badTime: '“{text}” is not valid. Type dd/mm/yyyy or dd/mm/yyyy HH:mm, e.g. 07/12/2026 14:30.',
  },
});

const SEP = '(/|\\.|-)';
const DATE_PATTERN = `\\s*\\d{1,2}${SEP}\\d{1,2}${SEP}\\d{4}`;

export interface DateField {
  wrap: HTMLElement;
  error: HTMLElement;
  control: HTMLInputElement;
  /** '' when empty, the ISO value when valid (a date, or with `withTime` an instant at +07:00), undefined when the text is no date (the error is then shown). */
  iso(): string | undefined;
}

export interface DateFieldOptions {
  name: string;
  /** The current value as ISO: yyyy-mm-dd, or (when `withTime`) also an instant. */
  value?: string | null;
  withTime?: boolean;
  required?: boolean;
  /** Replaces the format hint. */
  hint?: string;
}

export function dateField(label: string, opts: DateFieldOptions): DateField {
  const withTime = opts.withTime === true;
  const shown = opts.value ? (withTime ? (/T/.test(opts.value) ? instantToVnInput(opts.value) : formatVnDate(opts.value)) : formatVnDate(opts.value)) : '';
  const control = h('input', {
    type: 'text',
    name: opts.name,
    value: shown,
    inputmode: 'numeric',
    autocomplete: 'off',
    placeholder: withTime ? 'dd/mm/yyyy HH:mm' : 'dd/mm/yyyy',
    // No character classes: browsers compile pattern with the v flag, where [/.-] needs escapes.
    pattern: withTime ? `${DATE_PATTERN}(\\s+\\d{1,2}:\\d{2})?\\s*` : `${DATE_PATTERN}\\s*`,
    maxlength: withTime ? 19 : 12,
    required: opts.required === true,
    'data-date-field': withTime ? 'datetime' : 'date',
  });
  const f = field(label, control, { hint: opts.hint ?? (withTime ? t('timeFormat') : t('dateFormat')) });
  // A date alone stays a date (yyyy-mm-dd): the API reads it as the whole day in Vietnam time.
  const parse = (text: string) => parseVnDate(text) ?? (withTime ? parseVnDateTime(text) : undefined);
  const check = (show: boolean): string | undefined => {
    const text = control.value.trim();
    const iso = text === '' ? '' : parse(text);
    const message = iso === undefined ? t(withTime ? 'badTime' : 'badDate', { text }) : '';
    // The browser's own check (pattern, submit) speaks our words, not its locale's.
    control.setCustomValidity(message);
    if (show || !message) showFieldError(f, message || null);
    return iso;
  };
  control.addEventListener('input', () => check(false));
  control.addEventListener('change', () => check(true));
  control.addEventListener('invalid', () => check(true));
  check(false);
  return { wrap: f.wrap, error: f.error, control, iso: () => check(true) };
}
