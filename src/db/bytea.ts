// bytea <-> Uint8Array. PGlite hands back Uint8Array, postgres-js a Buffer; callers get a plain
// Uint8Array view either way (no copy), so records compare equal whichever database served them.
import { customType } from 'drizzle-orm/pg-core';

export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType() {
    return 'bytea';
  },
  toDriver(value) {
    // postgres-js sends a Buffer (not a bare Uint8Array) as PostgreSQL's hex text form; PGlite
    // sends the bytes in binary format (db/pglite-bytea.ts). Files: see stores/blobs.ts.
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  },
  fromDriver(value) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  },
});
