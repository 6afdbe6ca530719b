// A progress bar for long transfers (uploads, downloads, exports), announced to screen readers.
import { formatBytes, h } from '../dom.js';

export interface ProgressBar {
  el: HTMLElement;
  update(loaded: number, total: number): void;
  done(): void;
}

export function progressBar(label: string): ProgressBar {
  const bar = h('progress', { max: 100, value: 0, 'aria-label': label });
  const text = h('span', { class: 'progress-text', 'aria-live': 'polite' });
  const el = h('div', { class: 'progress', hidden: true }, h('span', {}, label), bar, text);
  return {
    el,
    update(loaded, total) {
      el.hidden = false;
      if (total > 0) {
        bar.value = Math.round((loaded / total) * 100);
        text.textContent = `${bar.value}% (${formatBytes(loaded)} / ${formatBytes(total)})`;
      } else {
        bar.removeAttribute('value');
        text.textContent = formatBytes(loaded);
      }
    },
    done() {
      el.hidden = true;
    },
  };
}
