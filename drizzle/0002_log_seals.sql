CREATE TABLE "log_seals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"from_seq" bigint NOT NULL,
	"to_seq" bigint NOT NULL,
	"merkle_root" text NOT NULL,
	"timestamp_token" "bytea" NOT NULL,
	"sealed_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "log_seals_range_check" CHECK ("log_seals"."from_seq" <= "log_seals"."to_seq")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "log_seals_from_seq_unique" ON "log_seals" USING btree ("from_seq");--> statement-breakpoint
CREATE INDEX "log_seals_to_seq_idx" ON "log_seals" USING btree ("to_seq");