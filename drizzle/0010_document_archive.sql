-- The archival copy of an accepted document (exchange/archive.ts): the bytes as received stay under
-- file_sha256; the copy with the axis's DSS and document timestamp(s) is another blob. All three
-- are null until the archive job has run; next_renewal_at is when the last document timestamp
-- must be renewed (its TSA certificate's expiry minus the margin), archival_digest its imprint
-- digest (a copy whose digest joins the weak list is due at once, whatever the date).
ALTER TABLE "documents" ADD COLUMN "archival_sha256" text;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "archived_at" timestamp(3) with time zone;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "next_renewal_at" timestamp(3) with time zone;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "archival_digest" text;--> statement-breakpoint
CREATE INDEX "documents_next_renewal_idx" ON "documents" ("next_renewal_at") WHERE "next_renewal_at" IS NOT NULL;
