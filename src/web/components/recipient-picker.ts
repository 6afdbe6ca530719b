// Recipients of a document, picked by name or code from the agency tree (GET /agencies: code, name,
// level, parentCode). One checkbox per agency (value = its code), nested under its parent; a filter
// box keeps the agencies whose name or code matches (Vietnamese diacritics optional) with their
// parents for context. The sender's own agency cannot be picked but still groups its children.
import { h, replace, uid } from '../dom.js';
import { defineMessages } from '../i18n.js';
import { isolatedMessage } from '../isolated-message.js';
import { levelLabel } from '../labels.js';
import type { PickerAgency } from '../types.js';

const t = defineMessages({
  vi: {
    legend: 'Nơi nhận',
    filter: 'Tìm cơ quan nhận',
    filterHint: 'Gõ tên hoặc mã định danh, ví dụ “Sở Y tế” hoặc “000.00.12.H54”',
    selectShown: 'Chọn tất cả cơ quan đang hiển thị',
    clear: 'Bỏ chọn tất cả',
    none: 'Chưa chọn cơ quan nhận nào.',
    chosen: 'Đã chọn {n} cơ quan nhận:',
    remove: 'Bỏ {name}',
    noMatch: 'Không có cơ quan nào khớp với “{q}”.',
    own: 'cơ quan của bạn',
    empty: 'Chưa có cơ quan nào khác trên trục.',
  },
  en: {
    legend: 'Recipients',
    filter: 'Find a recipient agency',
    filterHint: 'Type a name or a code, e.g. “Sở Y tế” or “000.00.12.H54”',
    selectShown: 'Select every agency shown',
    clear: 'Clear the selection',
    none: 'No recipient selected yet.',
    chosen: '{n} recipient(s) selected:',
    remove: 'Remove {name}',
    noMatch: 'No agency matches “{q}”.',
    own: 'your agency',
    empty: 'There is no other agency on the axis yet.',
  },
});

export interface RecipientPicker {
  el: HTMLElement;
  selected(): string[];
  /** An error next to the recipients (role=alert), or null to clear it. */
  showError(message: string | null): void;
  focus(): void;
  onChange(cb: () => void): void;
}

interface TreeNode {
  agency: PickerAgency;
  children: TreeNode[];
  li: HTMLLIElement;
  box: HTMLInputElement | null;
}

/** Lower case without diacritics: "Đông Hưng" and "dong hung" match. */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

export function recipientPicker(agencies: readonly PickerAgency[], ownCode: string, opts: { legend?: string } = {}): RecipientPicker {
  const byCode = new Map(agencies.map((a) => [a.code, a]));
  const nodes = new Map<string, TreeNode>();
  const listeners: Array<() => void> = [];
  const changed = () => {
    drawChosen();
    for (const cb of listeners) cb();
  };

  for (const a of agencies) {
    const own = a.code === ownCode;
    const box = own ? null : h('input', { type: 'checkbox', name: 'recipients', value: a.code });
    box?.addEventListener('change', changed);
    const text = [h('span', { class: 'rp-name' }, a.name), ' ', h('span', { class: 'rp-code mono' }, a.code), ' ', h('span', { class: 'rp-level' }, levelLabel(a.level))];
    const line = box ? h('label', { class: 'rp-line' }, box, ' ', ...text) : h('span', { class: 'rp-line rp-own' }, ...text, ` (${t('own')})`);
    nodes.set(a.code, { agency: a, children: [], li: h('li', { 'data-code': a.code }, line), box });
  }
  const roots: TreeNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.agency.parentCode && n.agency.parentCode !== n.agency.code ? nodes.get(n.agency.parentCode) : undefined;
    if (parent) parent.children.push(n);
    else roots.push(n);
  }
  const sortTree = (list: TreeNode[]) => {
    list.sort((x, y) => x.agency.name.localeCompare(y.agency.name, 'vi'));
    for (const n of list) {
      sortTree(n.children);
      if (n.children.length > 0) n.li.append(h('ul', {}, ...n.children.map((c) => c.li)));
    }
  };
  sortTree(roots);

  const filterId = uid('rp');
  const filter = h('input', { type: 'search', id: filterId, autocomplete: 'off', 'aria-describedby': `${filterId}-hint ${filterId}-error`, 'data-testid': 'recipient-filter', 'aria-controls': `${filterId}-tree` });
  const noMatch = h('p', { class: 'muted', hidden: true, 'aria-live': 'polite' });
  const tree = h('div', { class: 'recipient-tree', id: `${filterId}-tree`, 'data-testid': 'recipient-tree' }, h('ul', {}, ...roots.map((r) => r.li)));
  const selectShown = h('button', { type: 'button', 'data-action': 'select-shown-recipients' }, t('selectShown'));
  const clear = h('button', { type: 'button', 'data-action': 'clear-recipients' }, t('clear'));
  const chosen = h('div', { class: 'rp-chosen', 'aria-live': 'polite', 'data-testid': 'recipients-chosen' });
  const errorId = `${filterId}-error`;
  const error = h('p', { class: 'field-error', id: errorId, role: 'alert', hidden: true });
  const el = h(
    'fieldset',
    { class: 'recipient-picker', 'data-field': 'recipients', 'aria-describedby': errorId },
    h('legend', {}, opts.legend ?? t('legend')),
    h('div', { class: 'field' }, h('label', { for: filterId }, t('filter')), filter, h('p', { class: 'hint', id: `${filterId}-hint` }, t('filterHint'))),
    byCode.size <= 1 ? h('p', { class: 'muted' }, t('empty')) : null,
    tree,
    noMatch,
    h('div', { class: 'actions' }, selectShown, clear),
    chosen,
    error,
  );

  const boxes = () => [...nodes.values()].flatMap((n) => (n.box ? [n.box] : []));

  function applyFilter(): void {
    const q = fold(filter.value.trim());
    // A node is shown when it matches or one of its descendants does.
    const visit = (n: TreeNode): boolean => {
      const self = q === '' || fold(n.agency.name).includes(q) || fold(n.agency.code).includes(q);
      let any = false;
      for (const c of n.children) any = visit(c) || any;
      const shown = self || any;
      n.li.hidden = !shown;
      n.li.classList.toggle('rp-context', !self && any);
      return shown;
    };
    let shown = false;
    for (const r of roots) shown = visit(r) || shown;
    noMatch.hidden = shown;
    // What the user typed is isolated like any user text (it may hold a bidi control).
    replace(noMatch, ...(shown ? [] : isolatedMessage(t, 'noMatch', { q: filter.value.trim() }, ['q'])));
  }

  function drawChosen(): void {
    const codes = selectedCodes();
    if (codes.length === 0) {
      replace(chosen, h('p', { class: 'muted' }, t('none')));
      return;
    }
    replace(
      chosen,
      h('p', {}, t('chosen', { n: codes.length })),
      h(
        'ul',
        { class: 'rp-chips' },
        ...codes.map((code) => {
          const name = byCode.get(code)?.name ?? code;
          const remove = h('button', { type: 'button', class: 'rp-remove', 'aria-label': t('remove', { name }), 'data-action': 'remove-recipient', 'data-code': code }, '×');
          remove.addEventListener('click', () => {
            const box = nodes.get(code)?.box;
            if (box) {
              box.checked = false;
              changed();
              filter.focus();
            }
          });
          return h('li', { 'data-code': code }, `${name} (${code}) `, remove);
        }),
      ),
    );
  }

  function selectedCodes(): string[] {
    return boxes()
      .filter((b) => b.checked)
      .map((b) => b.value);
  }

  filter.addEventListener('input', applyFilter);
  // Enter in the filter box must not submit the whole form.
  filter.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') e.preventDefault();
  });
  selectShown.addEventListener('click', () => {
    for (const n of nodes.values()) if (n.box && !n.li.hidden && !n.li.classList.contains('rp-context')) n.box.checked = true;
    changed();
  });
  clear.addEventListener('click', () => {
    for (const b of boxes()) b.checked = false;
    changed();
  });
  drawChosen();

  return {
    el,
    selected: selectedCodes,
    showError(message) {
      replace(error, message ?? '');
      error.hidden = !message;
      el.classList.toggle('invalid', Boolean(message));
    },
    focus: () => (boxes().find((b) => b.checked) ?? filter).focus(),
    onChange: (cb) => listeners.push(cb),
  };
}
