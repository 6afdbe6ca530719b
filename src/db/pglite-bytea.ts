// bytea for PGlite, handed to PGlite.create per database (not patched into the library).
// PGlite's own codec works a byte at a time in JavaScript: serialising builds a string per byte,
// then the 2n-character hex string is measured and encoded into the wire buffer a character at a
// time; parsing calls parseInt per byte. For a 300 KB PDF that was most of a send's CPU.
// - Parameters: the bytes are returned as they are. PGlite's Bind message (node-postgres's
//   pg-protocol) sends a Uint8Array value in binary format, i.e. the raw bytes, with no text form
//   at all.
// - Results arrive as text (hex): Buffer's native hex codec reads them.
import { types, type PGliteOptions } from '@electric-sql/pglite';

/** bytea parameter -> the bytes themselves, sent in binary format. */
export function serializeBytea(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError('bytea parameter must be a Uint8Array');
  return value;
}

/** PostgreSQL's hex text form -> bytes (a Buffer, itself a Uint8Array). */
export function parseBytea(text: string): Uint8Array {
  // bytea_output is 'hex' (the default since PostgreSQL 9.0, never changed by this project).
  if (!text.startsWith('\\x')) throw new TypeError('bytea value not in hex output format');
  return Buffer.from(text.slice(2), 'hex');
}

/** Options for PGlite.create: bytea through the two functions above. */
export function pgliteByteaOptions(): Pick<PGliteOptions, 'serializers' | 'parsers'> {
  // The option is typed as returning a string; a Uint8Array is what selects the binary format.
  const serialize = serializeBytea as unknown as (value: unknown) => string;
  return { serializers: { [types.BYTEA]: serialize }, parsers: { [types.BYTEA]: parseBytea } };
}
