// The verification report (src/pades/report.ts) as people read it: the document's verdict, then one
// card per signature: green (passed), red (failed, or the document was changed after it in a way
// signing does not allow), amber (could not be confirmed). Each card says who signed, for which
// agency, when (claimed and proven), the certificate chain and what changed after the signature:
// one plain line per kind of change, the object-level detail behind a "technical detail" toggle
// (a native <details>: keyboard and screen-reader accessible without script).
import { h, type Child } from '../dom.js';
import { changeLabel } from '../change-labels.js';
import { changeLines } from '../change-summary.js';
import { currentLang, defineMessages, formatDateTime } from '../i18n.js';

/** The subset of the report's JSON this view reads; the service's report has more. */
export interface Report {
  file: { size: number; sha256: string; revisions: number };
  document: { verdict: 'valid' | 'invalid' | 'indeterminate' | 'no-signatures'; indication: string | null; subIndication: string | null; summary: string };
  signatures: SignatureReport[];
}

export interface SignatureReport {
  index: number;
  type: 'signature' | 'document-timestamp';
  fieldName: string;
  indication: 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';
  subIndication: string | null;
  signer: null | { commonName: string | null; organization: string | null; title: string | null; agencyCode: string | null; subject: string; issuer: string; notAfter: string };
  times: { claimed: string | null; proven: string | null; validation: string };
  coverage: { kind: string; signedRevision: number | null };
  chain: { status: string; trusted: boolean; certificates: Array<{ subject: string; issuer: string; notAfter: string }>; revocation: Array<{ subject: string; status: string; revokedAt: string | null }> };
  modifiedAfterSigning: 'none' | 'allowed' | 'disallowed';
  modifications: { allowed: Modification[]; disallowed: Modification[] };
  errors: string[];
  warnings: string[];
}

interface Modification {
  revision: number;
  /** The PDF object concerned (detail for experts; never in the words). */
  object?: number | null;
  kind: string;
  description: string;
}

/** One change in the technical detail: its label, the analyser's description and where it is. */
function modificationText(m: Modification): Child[] {
  const label = changeLabel(m.kind, currentLang() === 'vi' ? 'vi' : 'en');
  const where = m.object !== null && m.object !== undefined ? t('objectRef', { n: m.object, rev: m.revision }) : `rev ${m.revision}`;
  return [label ? `${label}: ` : '', h('code', {}, m.kind), ` — ${m.description} (${where})`];
}

const t = defineMessages({
  vi: {
    valid: 'Hợp lệ',
    invalid: 'Không hợp lệ',
    indeterminate: 'Chưa xác định',
    'no-signatures': 'Không có chữ ký số',
    verdictValid: 'Tất cả {n} chữ ký hợp lệ; văn bản không bị sửa đổi trái phép sau khi ký.',
    verdictNone: 'Văn bản không có chữ ký số nào.',
    verdictFailed: 'Chữ ký {n} ({field}) không hợp lệ: {problem}',
    verdictModified: 'Văn bản bị sửa đổi sau chữ ký {n} ({field}) theo cách không được phép.',
    verdictUnknown: 'Chưa xác nhận được chữ ký {n} ({field}): {problem}',
    signature: 'Chữ ký {n}',
    timestamp: 'Dấu thời gian {n}',
    signer: 'Người ký',
    organization: 'Cơ quan',
    agencyCode: 'Mã định danh',
    field: 'Trường chữ ký',
    claimed: 'Thời gian ký (khai báo)',
    proven: 'Thời gian ký (dấu thời gian)',
    notProven: 'không có dấu thời gian',
    chain: 'Chuỗi chứng thư',
    trusted: 'tin cậy',
    untrusted: 'không tin cậy',
    revocation: 'Thu hồi',
    after: 'Thay đổi sau khi ký',
    afterNone: 'Không có thay đổi nào sau chữ ký này.',
    afterAllowed: 'Chỉ có thay đổi được phép (ví dụ chữ ký tiếp theo):',
    afterDisallowed: 'Văn bản bị sửa đổi sau khi ký:',
    problem: 'Vấn đề',
    warnings: 'Lưu ý',
    file: 'Tệp: {size} byte, {revisions} phiên bản, SHA-256 {sha}',
    passed: 'Chữ ký hợp lệ',
    failed: 'Chữ ký không hợp lệ',
    unknown: 'Chưa xác định được',
    objectRef: 'đối tượng {n}, phiên bản {rev}',
    times: '({n} lần)',
    notAllowed: 'không được phép',
    techDetail: 'Chi tiết kỹ thuật',
    techMore: '… và {n} thay đổi khác.',
  },
  en: {
    valid: 'Valid',
    invalid: 'Invalid',
    indeterminate: 'Indeterminate',
    'no-signatures': 'No digital signature',
    verdictValid: 'All {n} signature(s) are valid; nothing disallowed changed after signing.',
    verdictNone: 'The document carries no digital signature.',
    verdictFailed: 'Signature {n} ({field}) is invalid: {problem}',
    verdictModified: 'The document was changed after signature {n} ({field}) in a way signing does not allow.',
    verdictUnknown: 'Signature {n} ({field}) could not be confirmed: {problem}',
    signature: 'Signature {n}',
    timestamp: 'Document timestamp {n}',
    signer: 'Signed by',
    organization: 'Agency',
    agencyCode: 'Agency code',
    field: 'Signature field',
    claimed: 'Signing time (claimed)',
    proven: 'Signing time (timestamp)',
    notProven: 'no timestamp',
    chain: 'Certificate chain',
    trusted: 'trusted',
    untrusted: 'not trusted',
    revocation: 'Revocation',
    after: 'Changes after signing',
    afterNone: 'Nothing changed after this signature.',
    afterAllowed: 'Only allowed changes (e.g. a later signature):',
    afterDisallowed: 'The document was modified after signing:',
    problem: 'Problem',
    warnings: 'Notes',
    file: 'File: {size} bytes, {revisions} revision(s), SHA-256 {sha}',
    passed: 'Signature valid',
    failed: 'Signature invalid',
    unknown: 'Could not be confirmed',
    objectRef: 'object {n}, revision {rev}',
    times: '({n} times)',
    notAllowed: 'not allowed',
    techDetail: 'Technical detail',
    techMore: '… and {n} more change(s).',
  },
});

/** Plain words for the ETSI sub-indications a clerk will meet. */
const PROBLEMS = defineMessages({
  vi: {
    HASH_FAILURE: 'Nội dung văn bản đã bị thay đổi sau khi ký (giá trị băm không khớp).',
    SIG_CRYPTO_FAILURE: 'Chữ ký số không khớp với chứng thư (sai chữ ký).',
    FORMAT_FAILURE: 'Chữ ký bị hỏng hoặc sai định dạng.',
    REVOKED: 'Chứng thư của người ký đã bị thu hồi.',
    EXPIRED: 'Chứng thư đã hết hạn khi ký.',
    NOT_YET_VALID: 'Chứng thư chưa có hiệu lực khi ký.',
    NO_SIGNING_CERTIFICATE_FOUND: 'Không tìm thấy chứng thư của người ký.',
    NO_CERTIFICATE_CHAIN_FOUND: 'Chứng thư không được cấp bởi tổ chức chứng thực tin cậy.',
    REVOKED_NO_POE: 'Chứng thư đã bị thu hồi và không chứng minh được thời điểm ký trước đó.',
    OUT_OF_BOUNDS_NO_POE: 'Chứng thư ngoài thời hạn và không có dấu thời gian.',
    OUT_OF_BOUNDS_NOT_REVOKED: 'Chứng thư ngoài thời hạn.',
    CRYPTO_CONSTRAINTS_FAILURE_NO_POE: 'Thuật toán mật mã không còn được chấp nhận.',
    CHAIN_CONSTRAINTS_FAILURE: 'Chuỗi chứng thư không đáp ứng ràng buộc.',
    CERTIFICATE_CHAIN_GENERAL_FAILURE: 'Lỗi chuỗi chứng thư.',
    SIG_CONSTRAINTS_FAILURE: 'Chữ ký không đáp ứng chính sách (ví dụ sửa đổi không được phép sau khi ký).',
    TRY_LATER: 'Chưa kiểm tra được tình trạng thu hồi; thử lại sau.',
    MODIFIED: 'Văn bản bị sửa đổi sau chữ ký này theo cách không được phép.',
  },
  en: {
    HASH_FAILURE: 'The document’s content changed after signing (the hash does not match).',
    SIG_CRYPTO_FAILURE: 'The signature does not match the certificate.',
    FORMAT_FAILURE: 'The signature is broken or malformed.',
    REVOKED: 'The signer’s certificate has been revoked.',
    EXPIRED: 'The certificate had expired at signing time.',
    NOT_YET_VALID: 'The certificate was not yet valid at signing time.',
    NO_SIGNING_CERTIFICATE_FOUND: 'The signer’s certificate is missing.',
    NO_CERTIFICATE_CHAIN_FOUND: 'The certificate was not issued by a trusted authority.',
    REVOKED_NO_POE: 'The certificate is revoked and no proof shows the signature came before.',
    OUT_OF_BOUNDS_NO_POE: 'The certificate is out of its validity period and there is no timestamp.',
    OUT_OF_BOUNDS_NOT_REVOKED: 'The certificate is out of its validity period.',
    CRYPTO_CONSTRAINTS_FAILURE_NO_POE: 'The cryptographic algorithm is no longer accepted.',
    CHAIN_CONSTRAINTS_FAILURE: 'The certificate chain does not meet its constraints.',
    CERTIFICATE_CHAIN_GENERAL_FAILURE: 'The certificate chain failed.',
    SIG_CONSTRAINTS_FAILURE: 'The signature does not meet the policy (e.g. a disallowed change after signing).',
    TRY_LATER: 'Revocation status is not available yet; try later.',
    MODIFIED: 'The document was changed after this signature in a way signing does not allow.',
  },
});

type Tone = 'ok' | 'bad' | 'warn';

export function toneOf(s: SignatureReport): Tone {
  if (s.indication === 'TOTAL_FAILED' || s.modifiedAfterSigning === 'disallowed') return 'bad';
  if (s.indication === 'INDETERMINATE') return 'warn';
  return 'ok';
}

export function renderReport(report: Report): HTMLElement {
  const verdict = report.document.verdict;
  const tone = verdict === 'valid' ? 'ok' : verdict === 'indeterminate' ? 'warn' : 'bad';
  const summary = verdictSummary(report);
  return h(
    'section',
    { class: 'report', 'data-verdict': verdict },
    h('div', { class: `verdict verdict-${tone}`, role: 'status' }, h('strong', {}, t(verdict)), ' — ', summary),
    h('p', { class: 'muted small' }, t('file', { size: report.file.size.toLocaleString(currentLang() === 'vi' ? 'vi-VN' : 'en-GB'), revisions: report.file.revisions, sha: report.file.sha256 })),
    h('ol', { class: 'sig-cards' }, ...report.signatures.map((s) => h('li', {}, signatureCard(s)))),
  );
}

/** The verdict in the reader's language, naming the first signature that decided it (as the service does). */
function verdictSummary(report: Report): string {
  const { verdict } = report.document;
  if (verdict === 'valid') return t('verdictValid', { n: report.signatures.length });
  if (verdict === 'no-signatures') return t('verdictNone');
  const args = (s: SignatureReport) => ({ n: s.index + 1, field: s.fieldName, problem: s.subIndication ? PROBLEMS(s.subIndication as Parameters<typeof PROBLEMS>[0]) : '—' });
  const failed = report.signatures.find((s) => s.indication === 'TOTAL_FAILED');
  if (failed) return t('verdictFailed', args(failed));
  const modified = report.signatures.find((s) => s.modifiedAfterSigning === 'disallowed');
  if (modified) return t('verdictModified', args(modified));
  const unknown = report.signatures.find((s) => s.indication === 'INDETERMINATE');
  return unknown ? t('verdictUnknown', args(unknown)) : report.document.summary;
}

function signatureCard(s: SignatureReport): HTMLElement {
  const tone = toneOf(s);
  const who = s.signer?.commonName ?? s.signer?.subject ?? '—';
  const heading = (s.type === 'document-timestamp' ? t('timestamp', { n: s.index + 1 }) : t('signature', { n: s.index + 1 })) + ': ' + who;
  const state = tone === 'ok' ? t('passed') : tone === 'bad' ? t('failed') : t('unknown');
  const problems: string[] = [];
  if (s.subIndication) problems.push(PROBLEMS(s.subIndication as Parameters<typeof PROBLEMS>[0]));
  if (s.modifiedAfterSigning === 'disallowed' && s.subIndication !== 'HASH_FAILURE') problems.push(PROBLEMS('MODIFIED'));
  return h(
    'article',
    { class: `sig-card sig-${tone}`, 'data-indication': s.indication, 'data-sub-indication': s.subIndication ?? '', 'aria-label': `${heading} — ${state}` },
    h('header', {}, h('span', { class: 'sig-icon', 'aria-hidden': 'true' }, tone === 'ok' ? '✔' : tone === 'bad' ? '✖' : '!'), h('h3', {}, heading), h('span', { class: 'sig-state' }, state)),
    problems.length > 0 ? h('div', { class: 'sig-problem' }, h('strong', {}, `${t('problem')}: `), ...problems.map((p) => h('p', {}, p)), ...s.errors.map((e) => h('p', { class: 'muted small' }, e))) : null,
    h(
      'dl',
      {},
      row(t('signer'), [who, s.signer?.title ? ` — ${s.signer.title}` : '']),
      row(t('organization'), s.signer?.organization ?? '—'),
      s.signer?.agencyCode ? row(t('agencyCode'), s.signer.agencyCode) : null,
      row(t('field'), s.fieldName),
      row(t('claimed'), formatDateTime(s.times.claimed)),
      row(t('proven'), s.times.proven ? formatDateTime(s.times.proven) : t('notProven')),
    ),
    h(
      'details',
      {},
      h('summary', {}, `${t('chain')} (${s.chain.trusted ? t('trusted') : t('untrusted')})`),
      h('ol', { class: 'chain' }, ...s.chain.certificates.map((c) => h('li', {}, c.subject))),
      s.chain.revocation.length > 0 ? h('p', {}, `${t('revocation')}: `, s.chain.revocation.map((r) => `${r.status}`).join(', ')) : null,
    ),
    h('div', { class: 'sig-after' }, h('strong', {}, `${t('after')}: `), afterSigning(s)),
    s.warnings.length > 0 ? h('details', {}, h('summary', {}, t('warnings')), h('ul', {}, ...s.warnings.map((w) => h('li', {}, w)))) : null,
  );
}

/** Up to this many object-level changes in the technical detail (a DSS update adds dozens). */
const MAX_DETAIL = 100;

function afterSigning(s: SignatureReport): HTMLElement {
  if (s.modifiedAfterSigning === 'none') return h('span', { 'data-after': 'none' }, t('afterNone'));
  const disallowed = s.modifiedAfterSigning === 'disallowed';
  const lang = currentLang() === 'vi' ? 'vi' : 'en';
  const lines = changeLines(s.modifications, lang).map((l) =>
    h('li', { 'data-kind': l.kind, class: l.disallowed ? 'change-bad' : null }, l.text, l.count > 1 ? ` ${t('times', { n: l.count })}` : '', l.disallowed ? h('strong', {}, ` — ${t('notAllowed')}`) : ''),
  );
  const all = [...s.modifications.disallowed, ...s.modifications.allowed];
  const detail = h(
    'details',
    { class: 'tech-detail' },
    h('summary', {}, t('techDetail')),
    h('ul', { class: 'small' }, ...all.slice(0, MAX_DETAIL).map((m) => h('li', { 'data-kind': m.kind }, ...modificationText(m)))),
    all.length > MAX_DETAIL ? h('p', { class: 'muted small' }, t('techMore', { n: all.length - MAX_DETAIL })) : null,
  );
  return h('span', { 'data-after': s.modifiedAfterSigning }, disallowed ? t('afterDisallowed') : t('afterAllowed'), h('ul', { class: 'change-lines' }, ...lines), detail);
}

function row(label: string, value: string | Array<string>): HTMLElement[] {
  return [h('dt', {}, label), h('dd', {}, ...(Array.isArray(value) ? value : [value]))];
}
