-- The outgoing register (sổ đăng ký văn bản đi, Decree 30/2020): one gapless sequence per agency
-- per calendar year (Vietnam time). The counter row is bumped with INSERT ... ON CONFLICT DO UPDATE
-- ... RETURNING in the same transaction as the entry that uses the number: concurrent clerks queue
-- on the row lock, and a registration that fails rolls the counter back with it (no gap, no reuse).
CREATE TABLE "register_counters" (
	"agency_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"last_number" integer NOT NULL,
	CONSTRAINT "register_counters_pk" PRIMARY KEY("agency_id","year"),
	CONSTRAINT "register_counters_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action,
	CONSTRAINT "register_counters_number_check" CHECK ("register_counters"."last_number" >= 1)
);
--> statement-breakpoint
CREATE TABLE "register_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agency_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"number" integer NOT NULL,
	"notation" text NOT NULL,
	"document_type" text NOT NULL,
	"subject" text NOT NULL,
	"signer_name" text NOT NULL,
	"registered_at" timestamp (3) with time zone NOT NULL,
	"registered_by" uuid NOT NULL,
	"document_sha256" text NOT NULL,
	"document_id" uuid,
	CONSTRAINT "register_entries_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action,
	CONSTRAINT "register_entries_registered_by_users_id_fk" FOREIGN KEY ("registered_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action,
	CONSTRAINT "register_entries_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action,
	CONSTRAINT "register_entries_number_check" CHECK ("register_entries"."number" >= 1),
	CONSTRAINT "register_entries_sha256_check" CHECK ("register_entries"."document_sha256" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE UNIQUE INDEX "register_entries_agency_year_number_unique" ON "register_entries" USING btree ("agency_id","year","number");--> statement-breakpoint
CREATE INDEX "register_entries_agency_registered_idx" ON "register_entries" USING btree ("agency_id","registered_at","id");--> statement-breakpoint
-- The agency part of a notation (the "UBND" of 123/QĐ-UBND) when the rule that derives it from the
-- agency's name (exchange/document-notation.ts) does not give what the agency uses. Kept out of
-- "agencies" so that the Agency record and everything that shows it stay as they are.
CREATE TABLE "register_abbreviations" (
	"agency_id" uuid PRIMARY KEY NOT NULL,
	"abbreviation" text NOT NULL,
	CONSTRAINT "register_abbreviations_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action,
	CONSTRAINT "register_abbreviations_length_check" CHECK (char_length("register_abbreviations"."abbreviation") between 1 and 20)
);
