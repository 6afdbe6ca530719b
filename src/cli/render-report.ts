// The human-readable form of a verification report (the JSON form is the report itself).
import { formatVietnamTime } from '../pades/vn-time.js';
import type { SignatureReport, VerificationReport } from '../pades/report.js';

export interface RenderOptions {
  /** False when the caller gave no trust anchor: then no chain can be trusted, and the text says so. */
  trustAnchorsGiven?: boolean;
}

export function renderReport(file: string, r: VerificationReport, options: RenderOptions = {}): string {
  const anchors = options.trustAnchorsGiven ?? true;
  const out: string[] = [];
  out.push(`${file}: ${r.document.verdict.toUpperCase()} - ${documentSummary(r, anchors)}`);
  out.push(`  ${r.file.size} bytes, ${r.file.revisions} revision(s), sha256 ${r.file.sha256}`);
  if (!anchors) out.push('  no trust anchor was given (--trust PEM): no certificate chain can be trusted, so no signature can be VALID');
  for (const s of r.signatures) out.push('', ...renderSignature(s, r.file.revisions, anchors));
  return out.join('\n');
}

/** The verdict's reason, naming every signature that has a problem (not only the first). */
function documentSummary(r: VerificationReport, anchors: boolean): string {
  const problems = r.signatures.flatMap((s) => {
    const p = problemOf(s, anchors);
    return p ? [`[${s.index + 1}] ${s.fieldName}: ${p}`] : [];
  });
  if (r.document.verdict === 'valid' || r.document.verdict === 'no-signatures' || problems.length === 0) return r.document.summary;
  // The library's summary names the deciding signature; the list names every one with a problem.
  return `${r.document.summary}. ${problems.length} of ${r.signatures.length} signature(s) ${r.document.verdict === 'invalid' ? 'with a problem' : 'not confirmed'}: ${problems.join('; ')}`;
}

/** One signature's problem in a few words, or null when it has none. */
export function problemOf(s: SignatureReport, anchors = true): string | null {
  const replays = s.replays ?? [];
  if (replays.length > 0) return `replayed: copied into ${replays.length} other field(s)`;
  const parts: string[] = [];
  if (s.indication === 'TOTAL_FAILED') parts.push(`failed: ${s.subIndication ?? 'unknown'}${s.errors[0] ? ` (${s.errors[0]})` : ''}`);
  if (s.modifiedAfterSigning === 'disallowed') parts.push(`changed afterwards in a way signing does not allow (${[...new Set(s.modifications.disallowed.map((m) => m.kind))].join(', ')})`);
  if (s.indication === 'INDETERMINATE') {
    if (s.subIndication === 'NO_CERTIFICATE_CHAIN_FOUND' && !anchors) parts.push('certificate chain not trusted: no trust anchor was given (--trust PEM)');
    else parts.push(`not confirmed: ${s.subIndication ?? 'unknown'}${s.errors[0] ? ` (${s.errors[0]})` : ''}`);
  }
  return parts.length > 0 ? parts.join('; ') : null;
}

function renderSignature(s: SignatureReport, revisions: number, anchors: boolean): string[] {
  const head = `[${s.index + 1}] ${s.fieldName} (${s.type === 'document-timestamp' ? 'document timestamp' : s.subFilter ?? 'no SubFilter'}): ${s.indication}${s.subIndication ? ` / ${s.subIndication}` : ''}`;
  const lines = [head];
  // Older stored reports lack fieldNames and replays.
  const others = (s.fieldNames ?? []).filter((n) => n !== s.fieldName);
  if (others.length > 0) lines.push(`    fields:    ${[s.fieldName, ...others].join(', ')} (one signature dictionary)`);
  const replays = s.replays ?? [];
  if (replays.length > 0) lines.push(`    REPLAYED:  copied into ${replays.length} other field(s): ${replays.slice(0, 5).map((r) => r.fieldName).join(', ')}${replays.length > 5 ? ', ...' : ''}`);
  if (s.signer) {
    const who = [s.signer.commonName, s.signer.title ? `(${s.signer.title})` : '', s.signer.organization ? `- ${s.signer.organization}` : ''].filter(Boolean).join(' ');
    const ids = [s.signer.agencyCode ? `agency ${s.signer.agencyCode}` : '', s.signer.personalId ?? ''].filter(Boolean).join(', ');
    lines.push(`    signer:    ${who}${ids ? ` [${ids}]` : ''}`);
    lines.push(`    issuer:    ${s.signer.issuer}, serial ${s.signer.serialNumber}`);
  }
  const claimed = s.times.claimed ? formatVietnamTime(new Date(s.times.claimed)) : 'none';
  const proven = s.times.proven ? `${formatVietnamTime(new Date(s.times.proven))}${s.timestamp?.tsa ? ` by ${s.timestamp.tsa}` : ''}` : 'none';
  lines.push(`    time:      claimed ${claimed}; proven ${proven}`);
  const rev = s.coverage.signedRevision === null ? '' : ` (revision ${s.coverage.signedRevision + 1} of ${revisions})`;
  lines.push(`    coverage:  ${s.coverage.kind}${rev}, digest ${s.digestAlgorithm ?? 'unknown'}`);
  const trust = s.chain.trusted ? ', trusted' : anchors ? ', not trusted' : ', not trusted: no trust anchor was given (--trust PEM)';
  lines.push(`    chain:     ${s.chain.status}${trust}; ${s.chain.certificates.length} certificate(s); revocation ${revocationSummary(s)}`);
  lines.push(`    after it:  ${modificationSummary(s)}`);
  for (const m of s.modifications.disallowed) lines.push(`      ! ${m.kind}: ${m.description}`);
  const omitted = s.modifications.omitted;
  if (omitted && omitted.allowed + omitted.disallowed > 0) lines.push(`      (${omitted.disallowed} more disallowed and ${omitted.allowed} more allowed change(s) not listed)`);
  for (const e of s.errors) lines.push(`    error:     ${e}`);
  for (const w of s.warnings) lines.push(`    warning:   ${w}`);
  return lines;
}

function revocationSummary(s: SignatureReport): string {
  if (s.chain.revocation.length === 0) return 'not checked';
  return [...new Set(s.chain.revocation.map((r) => r.status))].join('/');
}

function modificationSummary(s: SignatureReport): string {
  if (s.modifiedAfterSigning === 'none') return 'no changes';
  const kinds = (list: { kind: string }[]) => [...new Set(list.map((m) => m.kind))].join(', ');
  if (s.modifiedAfterSigning === 'allowed') return `allowed changes only (${kinds(s.modifications.allowed)})`;
  return `DISALLOWED changes (${kinds(s.modifications.disallowed)})`;
}
