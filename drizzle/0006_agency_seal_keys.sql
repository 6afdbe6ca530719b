-- The agency seal's key in an HSM or token (PKCS#11), bound by an admin: where the key is (module,
-- token, key label or id), the certificate read from the token, and the NAME of the environment
-- variable holding the PIN (never the PIN). One active binding per agency; unbinding keeps the row
-- (active = false) so the log's key descriptions stay explainable.
CREATE TABLE "agency_seal_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agency_id" uuid NOT NULL REFERENCES "agencies"("id"),
	"module_path" text NOT NULL,
	"token_label" text NOT NULL,
	"key_label" text,
	"key_id" text,
	"certificate_der" "bytea" NOT NULL,
	"fingerprint_sha256" text NOT NULL,
	"pin_env" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" uuid REFERENCES "users"("id"),
	CONSTRAINT "agency_seal_keys_key_check" CHECK ("agency_seal_keys"."key_label" IS NOT NULL OR "agency_seal_keys"."key_id" IS NOT NULL)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "agency_seal_keys_one_active" ON "agency_seal_keys" USING btree ("agency_id") WHERE "agency_seal_keys"."active";
