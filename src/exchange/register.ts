// The outgoing register (sổ đăng ký văn bản đi): the clerk (văn thư) registers a signed document,
// which gives it its number for the year and its notation; the seal then writes both into the
// document. Search and CSV export for the agency's clerk, auditor and admin. Every agency sees
// only its own register: the agency always comes from the principal, never from the request.
import type { Page, PageOf, Principal, RegisterEntry, RegisterFilter } from '../db/ports.js';
import { DocaxisError } from '../errors.js';
import { formatVietnamTime } from '../pades/vn-time.js';
import { csvRow } from './csv.js';
import type { ExchangeDeps } from './deps.js';
import { deriveAgencyAbbreviation, notationFor, vietnamYear } from './document-notation.js';
import { documentTypeName } from './document-types.js';
import { ensureRole } from './guard.js';
import { isUnstorable } from './text.js';

export interface RegisterInput {
  /** Decree 30 type, by name or abbreviation ("Quyết định" or "QĐ"). */
  documentType: string;
  /** Trích yếu, at most 500 characters. */
  subject: string;
  signerName: string;
  /** Hex SHA-256 of the signed document before the seal. */
  documentSha256: string;
  /** Công văn only: the drafting unit's abbreviation after the agency's (45/UBND-VP). */
  unitAbbreviation?: string;
}

export interface Registration {
  id: string;
  number: number;
  year: number;
  notation: string;
  registeredAt: Date;
}

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const MAX_NOTATION = 30;
const ABBREVIATION = /^[\p{Lu}\p{N}]{1,10}$/u;

function invalid(field: string, why: string): never {
  throw new DocaxisError('REGISTER_INPUT_INVALID', `${field}: ${why}`, { details: { fields: { [field]: why } } });
}

function text(field: string, v: unknown, max: number): string {
  if (typeof v !== 'string') invalid(field, 'required');
  const t = v.normalize('NFC').trim();
  if (t === '') invalid(field, 'required');
  if (t.length > max) invalid(field, `at most ${max} characters`);
  if (isUnstorable(t)) invalid(field, 'holds U+0000 or a lone surrogate');
  return t;
}

function validate(input: RegisterInput): Required<Omit<RegisterInput, 'unitAbbreviation'>> & { unitAbbreviation?: string } {
  const documentType = documentTypeName(text('documentType', input.documentType, 50));
  if (!documentType) invalid('documentType', 'not a document type of Decree 30/2020, Appendix III');
  if (typeof input.documentSha256 !== 'string' || !SHA256_HEX.test(input.documentSha256)) invalid('documentSha256', '64 hex digits expected');
  let unitAbbreviation: string | undefined;
  if (input.unitAbbreviation !== undefined) {
    unitAbbreviation = input.unitAbbreviation.normalize('NFC').trim();
    if (!ABBREVIATION.test(unitAbbreviation)) invalid('unitAbbreviation', 'capitals or digits, at most 10');
    if (documentType !== 'Công văn') invalid('unitAbbreviation', 'only a Công văn carries the drafting unit in its notation');
  }
  return {
    documentType,
    subject: text('subject', input.subject, 500),
    signerName: text('signerName', input.signerName, 200),
    documentSha256: input.documentSha256.toLowerCase(),
    ...(unitAbbreviation ? { unitAbbreviation } : {}),
  };
}

/**
 * Takes the agency's next number for the year (Vietnam time) and writes the entry and its log line
 * in one transaction: a failure anywhere leaves neither, and the number goes to the next clerk.
 * Run inside a caller's transaction (deps.stores bound to it), the number is the caller's until it
 * commits, so a seal that fails after registering gives the number back too.
 */
export async function registerOutgoing(deps: ExchangeDeps, p: Principal, input: RegisterInput): Promise<Registration> {
  await ensureRole(deps, p, 'register outgoing document', 'clerk');
  const v = validate(input);
  const at = deps.clock();
  const year = vietnamYear(at);
  return deps.stores.transaction(async (tx) => {
    const abbreviation = (await tx.register.abbreviation(p.agency.id)) ?? deriveAgencyAbbreviation(p.agency.name);
    const notation = notationFor(v.documentType, abbreviation, v.unitAbbreviation);
    // The send path's limit on a ký hiệu (validate-metadata.ts): a longer one could never be sent.
    if (notation.length > MAX_NOTATION) invalid('unitAbbreviation', `the notation ${notation} is longer than ${MAX_NOTATION} characters`);
    const entry = await tx.register.register({
      agencyId: p.agency.id,
      year,
      notation,
      documentType: v.documentType,
      subject: v.subject,
      signerName: v.signerName,
      registeredAt: at,
      registeredBy: p.user.id,
      documentSha256: v.documentSha256,
    });
    await tx.log.append(
      {
        event: 'register.entry',
        actorUserId: p.user.id,
        agencyId: p.agency.id,
        documentId: null,
        // codeNumber/codeNotation: the log search by document number finds the registration too.
        details: { registerEntryId: entry.id, year, codeNumber: String(entry.number), codeNotation: notation, documentType: v.documentType, documentSha256: v.documentSha256 },
      },
      at,
    );
    return { id: entry.id, number: entry.number, year, notation, registeredAt: entry.registeredAt };
  });
}

const READERS = ['clerk', 'auditor', 'admin'] as const;
const MAX_PAGE = 200;
const BATCH = 500;

export type RegisterQuery = Omit<RegisterFilter, 'agencyId'>;

function scoped(p: Principal, q: RegisterQuery): RegisterFilter {
  // The type forbids agencyId, but a parsed query object could still carry it.
  const { agencyId: _ignored, ...rest } = q as RegisterFilter;
  return { ...rest, agencyId: p.agency.id };
}

export async function searchRegister(deps: ExchangeDeps, p: Principal, q: RegisterQuery, page: Page): Promise<PageOf<RegisterEntry>> {
  await ensureRole(deps, p, 'search register', ...READERS);
  const limit = Math.min(Math.max(Math.trunc(page.limit) || 1, 1), MAX_PAGE);
  return deps.stores.register.search(scoped(p, q), { ...page, limit });
}

/** Vietnamese column names: the file is for the agency's staff and its spreadsheet. */
const CSV_HEADER = ['Năm', 'Số', 'Ký hiệu', 'Số và ký hiệu', 'Loại văn bản', 'Trích yếu', 'Người ký', 'Thời gian đăng ký', 'Người đăng ký', 'SHA-256 văn bản trước khi đóng dấu', 'Mã văn bản đã gửi'];
/** A spreadsheet opening the file reads it as UTF-8 only with the byte-order mark. */
const BOM = '\uFEFF';

/**
 * The export as CSV text, newest first, read page by page as the consumer asks (memory stays
 * constant). The role and the first page are checked before this resolves, so those failures are
 * ordinary errors rather than a cut stream. Times are Vietnam time (dd.MM.yyyy HH:mm:ss +07:00).
 */
export async function streamRegisterCsv(deps: ExchangeDeps, p: Principal, q: RegisterQuery): Promise<AsyncIterable<string>> {
  await ensureRole(deps, p, 'export register', ...READERS);
  const filter = scoped(p, q);
  const first = await deps.stores.register.search(filter, { limit: BATCH });
  return csvPages(deps, filter, first);
}

/** The same export as one string (tests, small exports). */
export async function exportRegisterCsv(deps: ExchangeDeps, p: Principal, q: RegisterQuery): Promise<string> {
  let csv = '';
  for await (const chunk of await streamRegisterCsv(deps, p, q)) csv += chunk;
  return csv;
}

async function* csvPages(deps: ExchangeDeps, filter: RegisterFilter, first: PageOf<RegisterEntry>): AsyncGenerator<string> {
  yield BOM + csvRow(CSV_HEADER);
  const names = new Map<string, string>();
  for (let page = first; ; ) {
    const lines: string[] = [];
    for (const e of page.items) lines.push(csvRow(await csvFields(deps, names, e)));
    if (lines.length > 0) yield lines.join('');
    if (page.next === null) return;
    page = await deps.stores.register.search(filter, { limit: BATCH, after: page.next });
  }
}

async function csvFields(deps: ExchangeDeps, names: Map<string, string>, e: RegisterEntry): Promise<string[]> {
  let who = names.get(e.registeredBy);
  if (who === undefined) {
    who = (await deps.stores.users.byId(e.registeredBy))?.name ?? e.registeredBy;
    names.set(e.registeredBy, who);
  }
  return [String(e.year), String(e.number), e.notation, `${e.number}/${e.notation}`, e.documentType, e.subject, e.signerName, formatVietnamTime(e.registeredAt), who, e.documentSha256, e.documentId ?? ''];
}
