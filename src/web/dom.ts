// A tiny element builder. Text always goes in as text nodes (never innerHTML), so nothing a
// document's metadata or a certificate's subject carries can become markup. Nor can it reorder
// what surrounds it: a string that holds right-to-left letters or a bidi/zero-width control goes
// into its own <bdi> (direction from its own first strong letter, isolated from its neighbours),
// and a control character is shown as a visible [U+202E] marker instead of acting (the service
// refuses them since issue 11; rows stored earlier may still hold them). A string without either
// renders the same isolated or not, so it stays a plain text node and the DOM is unchanged.
export type Child = Node | string | number | null | undefined | false | Child[];
export type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.appendChild(c instanceof Node ? c : textNode(parent, String(c)));
  }
}

/** Bidi controls (U+061C, U+200E/F, U+202A-E, U+2066-9) and zero-width characters. */
const INVISIBLE = /[\p{Bidi_Control}\u200B-\u200D\u2060\uFEFF]/gu;
/** A character that can change the order of what is displayed around it. */
const NEEDS_ISOLATION =
  /[\p{Bidi_Control}\u200B-\u200D\u2060\uFEFF\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}\p{Script=Yezidi}\p{Script=Old_Hungarian}\p{Script=Mende_Kikakui}]/u;
/** Elements whose content is text only: they get dir="auto" themselves instead of a <bdi> child. */
const TEXT_ONLY = new Set(['OPTION', 'TEXTAREA', 'TITLE']);

/** `s` with every bidi or zero-width control shown as a visible marker, e.g. "[U+202E]". */
export function revealInvisible(s: string): string {
  return s.replace(INVISIBLE, (ch) => `[U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
}

/** The node for a piece of text: a plain text node, or an isolated <bdi> when the text needs one. */
export function textNode(parent: Node, s: string): Node {
  if (!NEEDS_ISOLATION.test(s)) return document.createTextNode(s);
  const shown = revealInvisible(s);
  if (parent instanceof Element && TEXT_ONLY.has(parent.tagName)) {
    if (!parent.hasAttribute('dir')) parent.setAttribute('dir', 'auto');
    return document.createTextNode(shown);
  }
  const bdi = document.createElement('bdi');
  bdi.textContent = shown;
  return bdi;
}

/** Replaces everything inside `el`. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

let idCounter = 0;
/** A fresh id to tie a label or an error message to its field. */
export function uid(prefix = 'f'): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A labelled field: label, control, hint and an error slot read by screen readers with it. */
export function field(label: string, control: HTMLElement, opts: { hint?: string; name?: string } = {}): { wrap: HTMLElement; error: HTMLElement; control: HTMLElement } {
  const id = control.id || uid();
  control.id = id;
  const errId = `${id}-error`;
  const hintId = `${id}-hint`;
  const error = h('p', { class: 'field-error', id: errId, role: 'alert', hidden: true });
  const describedBy = [opts.hint ? hintId : '', errId].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', describedBy);
  if (opts.name) control.setAttribute('name', opts.name);
  const wrap = h('div', { class: 'field', 'data-field': opts.name ?? null }, h('label', { for: id }, label), control, opts.hint ? h('p', { class: 'hint', id: hintId }, opts.hint) : null, error);
  return { wrap, error, control };
}

export function showFieldError(f: { error: HTMLElement; control: HTMLElement }, message: string | null): void {
  if (message) {
    f.error.textContent = message;
    f.error.hidden = false;
    f.control.setAttribute('aria-invalid', 'true');
  } else {
    f.error.textContent = '';
    f.error.hidden = true;
    f.control.removeAttribute('aria-invalid');
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A table head of column titles; the columns at `hideNarrow` are left out on a phone. */
export function tableHead(titles: string[], opts: { hideNarrow?: number[] } = {}): HTMLTableSectionElement {
  const narrow = new Set(opts.hideNarrow ?? []);
  return h('thead', {}, h('tr', {}, ...titles.map((c, i) => h('th', { scope: 'col', class: narrow.has(i) ? 'hide-narrow' : null }, c))));
}

/** A <select> with a first "any"/"choose" option of value '' and the given [value, label] pairs. */
export function selectBox(name: string, empty: string, options: Array<[string, string]>, value = ''): HTMLSelectElement {
  const s = h('select', { name }, h('option', { value: '' }, empty), ...options.map(([v, label]) => h('option', { value: v }, label)));
  s.value = value;
  return s;
}
