// The filter form of the inbox and the outbox: text search, status, urgency, type, (the inbox's)
// sender, dates and "urgent first", read from and written back to the page's URL query, which maps
// one to one onto GET /inbox's and GET /outbox's query.
import { field, h, selectBox } from '../dom.js';
import { DOCUMENT_TYPES, PRIORITY, STATUS, priorityLabel, statusLabel } from '../labels.js';
import { dateField } from './date-field.js';

export type MailboxFilterLabel = 'search' | 'searchHint' | 'status' | 'priority' | 'type' | 'from' | 'to' | 'urgentFirst' | 'apply' | 'reset' | 'any';

export interface MailboxFilterOptions {
  /** The page's route, e.g. '/inbox': the form navigates there with the chosen query. */
  route: string;
  /** The page's current URL query. */
  query: URLSearchParams;
  label: (key: MailboxFilterLabel) => string;
  /** The form's accessible name. */
  formLabel: string;
  /** The sender filter: its label and [code, name] options; none: no sender filter. */
  senders?: { label: string; options: Array<[string, string]> };
  /** The inbox lists urgent first unless told not to; the outbox only when asked. */
  urgentByDefault: boolean;
  navigate: (path: string) => void;
}

export interface MailboxFilters {
  form: HTMLFormElement;
  /** The API query the current URL asks for (without paging). */
  apiQuery: Record<string, string | boolean | undefined>;
}

const TEXT_FILTERS = ['q', 'status', 'priority', 'type', 'sender', 'from', 'to'] as const;

export function mailboxFilters(o: MailboxFilterOptions): MailboxFilters {
  const q = o.query;
  const select = (name: string, options: Array<[string, string]>) => selectBox(name, o.label('any'), options, q.get(name) ?? '');
  // Sorted: '13', '15', '16' are integer-like keys, which JavaScript lists before '01'.
  const status = select('status', Object.keys(STATUS).sort().map((c) => [c, statusLabel(c)]));
  const priority = select('priority', Object.keys(PRIORITY).map((p) => [p, priorityLabel(Number(p))]));
  const type = select('type', DOCUMENT_TYPES.map(([name]) => [name, name]));
  const sender = o.senders ? select('sender', o.senders.options) : null;
  // dd/mm/yyyy whatever the browser's locale; the URL and the API keep yyyy-mm-dd.
  const from = dateField(o.label('from'), { name: 'from', value: q.get('from') });
  const to = dateField(o.label('to'), { name: 'to', value: q.get('to') });
  const urgentFirst = o.urgentByDefault ? q.get('urgentFirst') !== 'false' : q.get('urgentFirst') === 'true';
  const urgent = h('input', { type: 'checkbox', name: 'urgentFirst', checked: urgentFirst });
  const search = h('input', { type: 'search', name: 'q', maxlength: 200, value: q.get('q') ?? '' });
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': o.formLabel },
    field(o.label('search'), search, { hint: o.label('searchHint') }).wrap,
    field(o.label('status'), status).wrap,
    field(o.label('priority'), priority).wrap,
    field(o.label('type'), type).wrap,
    sender && o.senders && field(o.senders.label, sender).wrap,
    from.wrap,
    to.wrap,
    h('div', { class: 'field' }, h('label', {}, urgent, ' ', o.label('urgentFirst'))),
    h('div', { class: 'field actions' }, h('button', { type: 'submit', class: 'primary' }, o.label('apply')), h('a', { class: 'button', href: `#${o.route}` }, o.label('reset'))),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const dates = { from: from.iso(), to: to.iso() };
    const bad = dates.from === undefined ? from : dates.to === undefined ? to : null;
    if (bad) {
      bad.control.focus();
      return;
    }
    const params = new URLSearchParams();
    for (const el of [search, status, priority, type, sender]) if (el && el.value.trim()) params.set(el.name, el.value.trim());
    for (const [name, iso] of Object.entries(dates)) if (iso) params.set(name, iso);
    // Only a departure from the page's default goes into the URL.
    if (urgent.checked !== o.urgentByDefault) params.set('urgentFirst', String(urgent.checked));
    o.navigate(`${o.route}${params.size ? `?${params}` : ''}`);
  });

  const apiQuery: MailboxFilters['apiQuery'] = {};
  for (const name of TEXT_FILTERS) if (name !== 'sender' || o.senders) apiQuery[name] = q.get(name) ?? undefined;
  apiQuery['urgentFirst'] = o.urgentByDefault ? urgentFirst : urgentFirst || undefined;
  return { form, apiQuery };
}
