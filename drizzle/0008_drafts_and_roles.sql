-- Drafts, the signer's staged signature, and users holding several roles (issue 12).
-- users.role stays (the primary role, so existing code keeps working); user_roles is what a user
-- may do, backfilled from it. Hand-written (no snapshot), as the project's rules say.
ALTER TABLE "users" DROP CONSTRAINT "users_role_check";
--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_role_check" CHECK (role in ('clerk', 'admin', 'auditor', 'drafter', 'signer'));
--> statement-breakpoint
CREATE TABLE "user_roles" (
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	CONSTRAINT "user_roles_role_check" CHECK (role in ('clerk', 'admin', 'auditor', 'drafter', 'signer'))
);
--> statement-breakpoint
ALTER TABLE "user_roles" ADD CONSTRAINT "user_roles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "user_roles_user_role_unique" ON "user_roles" USING btree ("user_id","role");
--> statement-breakpoint
INSERT INTO "user_roles" ("user_id", "role") SELECT "id", "role" FROM "users";
--> statement-breakpoint
CREATE TABLE "drafts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agency_id" uuid NOT NULL,
	"drafter_user_id" uuid NOT NULL,
	"signer_user_id" uuid,
	"status" text NOT NULL,
	"metadata" jsonb NOT NULL,
	"current_version" integer NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "drafts_status_check" CHECK (status in ('draft', 'submitted', 'returned', 'signed'))
);
--> statement-breakpoint
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_drafter_user_id_users_id_fk" FOREIGN KEY ("drafter_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_signer_user_id_users_id_fk" FOREIGN KEY ("signer_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "drafts_agency_updated_idx" ON "drafts" USING btree ("agency_id","updated_at");
--> statement-breakpoint
CREATE INDEX "drafts_drafter_idx" ON "drafts" USING btree ("drafter_user_id");
--> statement-breakpoint
CREATE INDEX "drafts_signer_idx" ON "drafts" USING btree ("signer_user_id");
--> statement-breakpoint
CREATE TABLE "draft_versions" (
	"draft_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"kind" text NOT NULL,
	"file_sha256" text NOT NULL,
	"file_size" integer NOT NULL,
	"created_by_user_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "draft_versions_kind_check" CHECK (kind in ('upload', 'revision', 'signed'))
);
--> statement-breakpoint
ALTER TABLE "draft_versions" ADD CONSTRAINT "draft_versions_draft_id_drafts_id_fk" FOREIGN KEY ("draft_id") REFERENCES "public"."drafts"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "draft_versions" ADD CONSTRAINT "draft_versions_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "draft_versions_draft_version_unique" ON "draft_versions" USING btree ("draft_id","version");
--> statement-breakpoint
CREATE TABLE "draft_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ord" bigint GENERATED ALWAYS AS IDENTITY (sequence name "draft_events_ord_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"draft_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"actor_user_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"comment" text,
	"details" jsonb NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "draft_events_kind_check" CHECK (kind in ('created', 'revised', 'submitted', 'returned', 'signature-prepared', 'signed'))
);
--> statement-breakpoint
ALTER TABLE "draft_events" ADD CONSTRAINT "draft_events_draft_id_drafts_id_fk" FOREIGN KEY ("draft_id") REFERENCES "public"."drafts"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "draft_events" ADD CONSTRAINT "draft_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "draft_events_draft_idx" ON "draft_events" USING btree ("draft_id","ord");
--> statement-breakpoint
CREATE TABLE "prepared_signatures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"draft_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"user_id" uuid NOT NULL,
	"certificate_sha256" text NOT NULL,
	"certificates" jsonb NOT NULL,
	"record" jsonb NOT NULL,
	"update" "bytea" NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"used_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "prepared_signatures" ADD CONSTRAINT "prepared_signatures_draft_id_drafts_id_fk" FOREIGN KEY ("draft_id") REFERENCES "public"."drafts"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "prepared_signatures" ADD CONSTRAINT "prepared_signatures_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "prepared_signatures_draft_idx" ON "prepared_signatures" USING btree ("draft_id");
