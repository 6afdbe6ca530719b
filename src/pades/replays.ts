// Replayed signatures: several signature dictionaries (in different fields) with the same CMS and
// the same /ByteRange are one signature shown many times. They are verified once; the copies are
// named in that signature's record, and they make the document invalid (a copy signs nothing of
// its own, but a reader would count it as one more signer).
import { createHash } from 'node:crypto';
import { PdfString } from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';
import { locateContents } from './contents-location.js';
import type { FoundSignature } from './find-signatures.js';
import { REPLAY_KIND, type SignatureReport } from './report.js';

export interface SignatureGroup {
  /** The dictionary that is verified: the one whose own /Contents is the /ByteRange gap, if any. */
  signature: FoundSignature;
  /** The other dictionaries with the same CMS and /ByteRange, in file order. */
  copies: FoundSignature[];
}

export function groupReplays(reader: PdfReader, found: readonly FoundSignature[]): SignatureGroup[] {
  const byKey = new Map<string, FoundSignature[]>();
  const order: FoundSignature[][] = [];
  for (const f of found) {
    const key = replayKey(f);
    const members = key === undefined ? undefined : byKey.get(key);
    if (members) {
      members.push(f);
      continue;
    }
    const fresh = [f];
    if (key !== undefined) byKey.set(key, fresh);
    order.push(fresh);
  }
  return order.map((members) => {
    if (members.length === 1) return { signature: members[0]!, copies: [] };
    const genuine = members.find((m) => ownsGap(reader, m)) ?? members[0]!;
    return { signature: genuine, copies: members.filter((m) => m !== genuine) };
  });
}

/** Names the copies in the signature's record, as disallowed changes after it. */
export function recordReplays(report: SignatureReport, copies: readonly FoundSignature[]): void {
  if (copies.length === 0) return;
  for (const c of copies) {
    report.replays.push({ fieldName: c.fieldName, revision: c.firstSeenRevision });
    report.modifications.disallowed.push({
      revision: c.firstSeenRevision,
      object: c.ref?.num ?? null,
      kind: REPLAY_KIND,
      description: 'a copy of this signature was added as another signature field; the copy signs nothing of its own',
    });
  }
  report.modifiedAfterSigning = 'disallowed';
  report.errors.push(`the signature is replayed: ${copies.length} other signature dictionar${copies.length === 1 ? 'y carries' : 'ies carry'} the same CMS and /ByteRange`);
}

function replayKey(f: FoundSignature): string | undefined {
  const br = f.dict.get('ByteRange');
  const contents = f.dict.get('Contents');
  if (!Array.isArray(br) || !(contents instanceof PdfString)) return undefined;
  const digest = createHash('sha256').update(contents.bytes).digest('hex');
  return `${f.type}|${br.map((n) => (typeof n === 'number' ? n : 'x')).join(' ')}|${digest}`;
}

function ownsGap(reader: PdfReader, f: FoundSignature): boolean {
  const br = f.dict.get('ByteRange');
  if (!Array.isArray(br) || typeof br[1] !== 'number' || typeof br[2] !== 'number') return false;
  return locateContents(reader, f.holder, f.dict, f.firstSeenRevision, { start: br[1], end: br[2] }).ok;
}
