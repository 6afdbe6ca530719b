// The exchange log as a CSV file people open in a spreadsheet: column names in the reader's
// language (Vietnamese by default), agencies by code and name and users by name rather than ids,
// times in Vietnam time (UTC+7, what the clerks' papers show), a UTF-8 byte order mark first (Excel
// reads a file without it as the machine's ANSI code page and garbles every diacritic), and every
// text cell guarded against formula injection (csv.ts). It streams: one keyset page of entries at a
// time, names looked up once per distinct id, so memory follows the number of agencies and users,
// never the size of the log.
import { canonicalJson } from '../db/log-chain.js';
import type { Agency, LogEntry, LogFilter, PageOf, Principal } from '../db/ports.js';
import { toIsoWithOffset } from '../pades/vn-time.js';
import { csvRow } from './csv.js';
import type { ExchangeDeps } from './deps.js';
import { storeFilter, type LogQuery } from './exchange-log.js';
import { ensureRole } from './guard.js';

const BATCH = 1000;

export type CsvLang = 'vi' | 'en';

/** U+FEFF encoded as UTF-8 (EF BB BF) once the text is written out. */
export const UTF8_BOM = '\uFEFF';

const HEADERS: Record<CsvLang, readonly string[]> = {
  vi: ['Số thứ tự', 'Thời gian (giờ Việt Nam)', 'Sự kiện', 'Người thực hiện', 'Mã cơ quan', 'Tên cơ quan', 'Mã văn bản', 'Số, ký hiệu', 'Chi tiết', 'Mã băm trước', 'Mã băm'],
  en: ['Sequence', 'Time (Vietnam time UTC+7)', 'Event', 'Done by', 'Agency code', 'Agency name', 'Document id', 'Number/notation', 'Details', 'Previous hash', 'Hash'],
};

/** "16/03/2015 11:02:35": dd/MM/yyyy HH:mm:ss in Vietnam time, whatever the server's time zone. */
export function vietnamDateTime(d: Date): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})/.exec(toIsoWithOffset(d))!;
  return `${m[3]}/${m[2]}/${m[1]} ${m[4]}`;
}

/**
 * The export, newest entry first, in chunks of one page. The role, the filter and the first page
 * are checked before this resolves, so those failures are ordinary errors rather than a cut stream.
 */
export async function streamLogCsv(deps: ExchangeDeps, p: Principal, query: LogQuery, lang: CsvLang = 'vi'): Promise<AsyncIterable<string>> {
  await ensureRole(deps, p, 'export log', 'admin', 'auditor');
  const filter = await storeFilter(deps, query);
  const first = await deps.stores.log.search(filter, { limit: BATCH });
  return csvPages(deps, filter, first, lang);
}

/** The same export as one string: for small, filtered exports only (the HTTP route streams). */
export async function exportLogCsv(deps: ExchangeDeps, p: Principal, query: LogQuery, lang: CsvLang = 'vi'): Promise<string> {
  let csv = '';
  for await (const chunk of await streamLogCsv(deps, p, query, lang)) csv += chunk;
  return csv;
}

async function* csvPages(deps: ExchangeDeps, filter: LogFilter, first: PageOf<LogEntry>, lang: CsvLang): AsyncGenerator<string> {
  const names = nameBook(deps);
  yield UTF8_BOM + csvRow(HEADERS[lang]);
  for (let page = first; ; ) {
    if (page.items.length > 0) {
      const lines: string[] = [];
      for (const e of page.items) lines.push(await csvLine(e, names));
      yield lines.join('');
    }
    if (page.next === null) return;
    page = await deps.stores.log.search(filter, { limit: BATCH, after: page.next });
  }
}

async function csvLine(e: LogEntry, names: NameBook): Promise<string> {
  const agency = e.agencyId ? await names.agency(e.agencyId) : undefined;
  const number = [e.details['codeNumber'], e.details['codeNotation']].filter((x) => typeof x === 'string' && x !== '').join('/');
  return csvRow([
    String(e.seq),
    vietnamDateTime(e.at),
    e.event,
    e.actorUserId ? await names.user(e.actorUserId) : '',
    agency?.code ?? e.agencyId ?? '',
    agency?.name ?? '',
    e.documentId ?? '',
    number,
    canonicalJson(e.details),
    e.prevHash,
    e.hash,
  ]);
}

interface NameBook {
  agency(id: string): Promise<Agency | undefined>;
  /** The user's name; the id itself when the user is unknown (so the row still says who). */
  user(id: string): Promise<string>;
}

/** Each agency and user is read once per export: a log has few of them and many entries. */
function nameBook(deps: ExchangeDeps): NameBook {
  const agencies = new Map<string, Agency | undefined>();
  const users = new Map<string, string>();
  return {
    async agency(id) {
      if (!agencies.has(id)) agencies.set(id, await deps.stores.agencies.byId(id).catch(() => undefined));
      return agencies.get(id);
    },
    async user(id) {
      let name = users.get(id);
      if (name === undefined) {
        // Log entries of refused sign-ins may name no real user: keep what was logged.
        const u = await deps.stores.users.byId(id).catch(() => undefined);
        name = u?.name ?? id;
        users.set(id, name);
      }
      return name;
    },
  };
}
