// Checks a signature's /ByteRange against the file and says what it covers. The gap must be
// exactly the hex string of this dictionary's own /Contents, where the dictionary stands in the
// revision that defines it: anything else leaves unsigned bytes an attacker may use, or lets a
// forged dictionary borrow another signature's CMS.
import { PdfString } from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';
import { locateContents } from './contents-location.js';
import type { FoundSignature } from './find-signatures.js';
import type { CoverageKind } from './report.js';

export interface ByteRangeCheck {
  ok: boolean;
  error?: string;
  byteRange: number[];
  /** The DER between the angle brackets of the gap, zero padding included. */
  contents?: Uint8Array;
  coverage: CoverageKind;
  signedRevision: number | null;
  /**
   * Set when the range is well formed but its gap is not this dictionary's own /Contents: the
   * dictionary's own value (if it has one), which is what the signature must be judged by.
   */
  misplaced?: { ownContents: Uint8Array | undefined };
}

export function checkByteRange(reader: PdfReader, found: FoundSignature): ByteRangeCheck {
  const bytes = reader.bytes;
  const value = found.dict.get('ByteRange');
  const br = Array.isArray(value) ? value : [];
  const nums = br.filter((n): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0);
  const fail = (error: string): ByteRangeCheck => ({ ok: false, error, byteRange: nums, coverage: 'partial', signedRevision: null });
  if (br.length !== 4 || nums.length !== 4) return fail('/ByteRange is not four non-negative integers');
  const [a, b, c, d] = nums as [number, number, number, number];
  if (a !== 0) return fail('/ByteRange does not start at byte 0');
  if (b >= c || c + d > bytes.length) return fail('/ByteRange points outside the file');
  if (bytes[b] !== 0x3c || bytes[c - 1] !== 0x3e) return fail('the /ByteRange gap is not exactly the /Contents hex string');
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset + b + 1, c - b - 2).toString('latin1');
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return fail('the /ByteRange gap holds something other than hex digits');
  const end = c + d;
  const revision = reader.revisions.findIndex((r) => r.end === end);
  const coverage: CoverageKind = end === bytes.length ? 'entire-file' : revision >= 0 ? 'entire-revision' : 'partial';
  const signedRevision = revision >= 0 ? revision : end === bytes.length ? reader.revisions.length - 1 : null;
  const location = locateContents(reader, found.holder, found.dict, found.firstSeenRevision, { start: b, end: c });
  if (!location.ok) {
    const own = found.dict.get('Contents');
    return { ...fail(location.reason), byteRange: nums, coverage, signedRevision, misplaced: { ownContents: own instanceof PdfString ? own.bytes : undefined } };
  }
  return { ok: true, byteRange: nums, contents: Buffer.from(hex, 'hex'), coverage, signedRevision };
}
