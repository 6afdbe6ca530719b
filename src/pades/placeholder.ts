// Fixed-width /ByteRange and /Contents placeholders. Their offsets must be known before their
// values: the digest covers everything but /Contents, and /ByteRange itself is inside the digest.
import { PdfRaw } from '../pdf/objects.js';
import { DocaxisError } from '../errors.js';

const BYTE_RANGE_DIGITS = 10; // files up to 9,999,999,999 bytes
export const BYTE_RANGE_WIDTH = '[0  ]'.length + 3 * BYTE_RANGE_DIGITS + 2;

export function byteRangePlaceholder(): PdfRaw {
  return PdfRaw.of(`[0 ${' '.repeat(BYTE_RANGE_WIDTH - 4)}]`);
}

/** `capacity` bytes of DER, written as 2*capacity hex zeros between angle brackets. */
export function contentsPlaceholder(capacity: number): PdfRaw {
  return PdfRaw.of(`<${'0'.repeat(capacity * 2)}>`);
}

export function formatByteRange(range: readonly [number, number, number, number]): Uint8Array {
  const text = `[${range.join(' ')}`;
  if (text.length + 1 > BYTE_RANGE_WIDTH) throw new DocaxisError('SIG_PLACEHOLDER_TOO_SMALL', 'the file is too large for the /ByteRange placeholder');
  return Buffer.from(text + ' '.repeat(BYTE_RANGE_WIDTH - text.length - 1) + ']', 'latin1');
}

/** Finds `needle` in `hay[from, to)`; -1 when absent. */
export function indexOfBytes(hay: Uint8Array, needle: string, from: number, to: number): number {
  const i = Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(needle, from, 'latin1');
  return i >= 0 && i + needle.length <= to ? i : -1;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new DocaxisError('SIG_PREPARED_MISMATCH', 'a hex value in the prepared record is malformed');
  return Buffer.from(hex, 'hex');
}
