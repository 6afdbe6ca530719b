// Small labels used across lists: urgency, delivery status, the agency a code stands for.
import { h } from '../dom.js';
import { priorityLabel, statusLabel } from '../labels.js';
import type { PickerAgency } from '../types.js';

export function priorityBadge(priority: number): HTMLElement {
  return h('span', { class: `badge badge-p${priority}`, 'data-priority': priority }, priorityLabel(priority));
}

export function statusPill(status: string): HTMLElement {
  return h('span', { class: `status status-${status}`, 'data-status': status }, statusLabel(status));
}

/** "Sở Y tế (000.00.12.H54)", or the bare code when the agency is not in the directory. */
export function agencyName(directory: ReadonlyMap<string, PickerAgency>, code: string): string {
  const a = directory.get(code);
  return a ? `${a.name} (${code})` : code;
}

export async function agencyDirectory(get: <T>(path: string) => Promise<T>): Promise<Map<string, PickerAgency>> {
  const list = await get<PickerAgency[]>('/agencies');
  return new Map(list.map((a) => [a.code, a]));
}
