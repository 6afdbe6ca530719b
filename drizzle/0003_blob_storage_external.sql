-- Stored files are signed PDFs: mostly compressed streams and scanned images that pglz cannot
-- shrink. With the default EXTENDED storage PostgreSQL still tries to compress every new blob
-- before moving it out of line (a whole-value pass over 300 KB per send, for nothing, since the
-- result misses the 25 % saving pglz requires). EXTERNAL keeps the value out of line and
-- uncompressed; rows already stored keep their form. drizzle-kit does not model column storage,
-- so this migration is hand-written (its snapshot equals 0002's).
ALTER TABLE "blobs" ALTER COLUMN "bytes" SET STORAGE EXTERNAL;
