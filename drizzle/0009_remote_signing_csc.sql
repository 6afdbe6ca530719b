-- Remote signing through a Cloud Signature Consortium service (issue 13). Hand-written (no snapshot).
-- csc_providers: the OAuth client secret is never stored: only the NAME of the environment variable
-- holding it. csc_credentials: a user's credential at a provider, bound once its certificate chained
-- to the trust store. csc_pending: a remote signature in flight (prepared signature, provider
-- transaction, state), so the flow survives a restart; the callback secret is kept as a SHA-256.
CREATE TABLE "csc_providers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"base_url" text NOT NULL,
	"api_version" text NOT NULL,
	"oauth_token_url" text NOT NULL,
	"client_id" text NOT NULL,
	"client_secret_env" text NOT NULL,
	"agency_ids" jsonb NOT NULL,
	"active" boolean NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "csc_providers_api_version_check" CHECK (api_version in ('v1', 'v2'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "csc_providers_name_unique" ON "csc_providers" USING btree ("name");
--> statement-breakpoint
CREATE TABLE "csc_credentials" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"provider_id" uuid NOT NULL,
	"credential_id" text NOT NULL,
	"certificate_sha256" text NOT NULL,
	"certificates" jsonb NOT NULL,
	"key_algorithm" text NOT NULL,
	"auth_mode" text NOT NULL,
	"scal" text NOT NULL,
	"subject" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "csc_credentials_auth_mode_check" CHECK (auth_mode in ('explicit', 'implicit')),
	CONSTRAINT "csc_credentials_scal_check" CHECK (scal in ('1', '2'))
);
--> statement-breakpoint
ALTER TABLE "csc_credentials" ADD CONSTRAINT "csc_credentials_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "csc_credentials" ADD CONSTRAINT "csc_credentials_provider_id_csc_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."csc_providers"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "csc_credentials_user_provider_credential_unique" ON "csc_credentials" USING btree ("user_id","provider_id","credential_id");
--> statement-breakpoint
CREATE TABLE "csc_pending" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"draft_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"credential_ref" uuid NOT NULL,
	"prepared_id" uuid NOT NULL,
	"digest" text NOT NULL,
	"status" text NOT NULL,
	"transaction_id" text,
	"callback_secret_sha256" text,
	"error_code" text,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "csc_pending_status_check" CHECK (status in ('awaiting-otp', 'awaiting-confirmation', 'completed', 'failed', 'expired'))
);
--> statement-breakpoint
ALTER TABLE "csc_pending" ADD CONSTRAINT "csc_pending_draft_id_drafts_id_fk" FOREIGN KEY ("draft_id") REFERENCES "public"."drafts"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "csc_pending" ADD CONSTRAINT "csc_pending_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "csc_pending" ADD CONSTRAINT "csc_pending_credential_ref_csc_credentials_id_fk" FOREIGN KEY ("credential_ref") REFERENCES "public"."csc_credentials"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "csc_pending" ADD CONSTRAINT "csc_pending_prepared_id_prepared_signatures_id_fk" FOREIGN KEY ("prepared_id") REFERENCES "public"."prepared_signatures"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "csc_pending_status_idx" ON "csc_pending" USING btree ("status","expires_at");
