// What changed after a signature, as a clerk reads it: one line per kind of change, in the
// reader's language (change-labels.ts), with how many times it occurs; the object-level detail
// (object numbers, revisions, the analyser's own words) is kept for a "technical detail" toggle.
// No DOM here, so a test can check the grouping and the wording.
import { changeLabel } from './change-labels.js';

export interface ChangeLike {
  kind: string;
  description: string;
  revision: number;
  object?: number | null;
}

export interface ChangeLine {
  kind: string;
  /** The plain label; the analyser's description when the kind has no label (a newer server). */
  text: string;
  count: number;
  /** A change signing does not allow: shown first and marked. */
  disallowed: boolean;
}

/** Disallowed kinds first (they decide the verdict), then allowed ones, each in first-seen order. */
export function changeLines(mods: { allowed: readonly ChangeLike[]; disallowed: readonly ChangeLike[] }, lang: 'vi' | 'en'): ChangeLine[] {
  const lines = new Map<string, ChangeLine>();
  const add = (m: ChangeLike, disallowed: boolean) => {
    const key = `${disallowed ? 'x' : 'a'}:${m.kind}`;
    const line = lines.get(key);
    if (line) line.count++;
    else lines.set(key, { kind: m.kind, text: changeLabel(m.kind, lang) ?? m.description, count: 1, disallowed });
  };
  for (const m of mods.disallowed) add(m, true);
  for (const m of mods.allowed) add(m, false);
  return [...lines.values()];
}
