// Vietnamese first, English on request. Each module declares its own messages with
// defineMessages, so pages never collide in one big table; the language lives in localStorage.
import { formatVnDate, formatVnDateTime } from './vn-date.js';

export type Lang = 'vi' | 'en';
export type Params = Record<string, string | number>;
export type Messages<K extends string> = { vi: Record<K, string>; en: Record<K, string> };
export type Translate<K extends string> = (key: K, params?: Params) => string;

const STORAGE_KEY = 'docaxis.lang';

export function currentLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

export function setLang(lang: Lang): void {
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
}

/** `{name}` placeholders are replaced by params; the current language is read at each call. */
export function defineMessages<K extends string>(messages: Messages<K>): Translate<K> {
  return (key, params) => {
    const text = messages[currentLang()][key] ?? messages.vi[key] ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
  };
}

/** Dates and times as a Vietnamese clerk reads them: dd/MM/yyyy HH:mm, in Vietnam time, in both languages (vn-date.ts). */
export function formatDateTime(iso: string | null | undefined): string {
  return formatVnDateTime(iso);
}

export function formatDate(isoDate: string | null | undefined): string {
  return formatVnDate(isoDate);
}
