CREATE TABLE "agencies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"level" text NOT NULL,
	"parent_code" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agencies_code_unique" UNIQUE("code"),
	CONSTRAINT "agencies_level_check" CHECK (level in ('central', 'province', 'district', 'commune'))
);
--> statement-breakpoint
CREATE TABLE "agency_certificates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agency_id" uuid NOT NULL,
	"der" "bytea" NOT NULL,
	"fingerprint_sha256" text NOT NULL,
	"subject" text NOT NULL,
	"not_before" timestamp (3) with time zone NOT NULL,
	"not_after" timestamp (3) with time zone NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"label" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp (3) with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "blobs" (
	"sha256" text PRIMARY KEY NOT NULL,
	"bytes" "bytea" NOT NULL,
	"size" integer NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "crls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"der" "bytea" NOT NULL,
	"issuer" text NOT NULL,
	"this_update" timestamp (3) with time zone NOT NULL,
	"next_update" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"document_id" uuid NOT NULL,
	"recipient_agency_id" uuid NOT NULL,
	"recipient_code" text NOT NULL,
	"status" text NOT NULL,
	"status_updated_at" timestamp (3) with time zone NOT NULL,
	"withdrawn" boolean DEFAULT false NOT NULL,
	CONSTRAINT "deliveries_status_check" CHECK (status in ('01', '02', '03', '04', '05', '06', '13', '15', '16'))
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sender_agency_id" uuid NOT NULL,
	"sender_code" text NOT NULL,
	"year" integer NOT NULL,
	"code_number" text NOT NULL,
	"code_notation" text NOT NULL,
	"document_type" text NOT NULL,
	"priority" smallint NOT NULL,
	"metadata" jsonb NOT NULL,
	"edxml_document_id" text NOT NULL,
	"file_sha256" text NOT NULL,
	"file_size" integer NOT NULL,
	"verification" jsonb NOT NULL,
	"created_by_user_id" uuid NOT NULL,
	"idempotency_key" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exchange_log" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"event" text NOT NULL,
	"actor_user_id" uuid,
	"agency_id" uuid,
	"document_id" uuid,
	"details" jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ord" bigint GENERATED ALWAYS AS IDENTITY (sequence name "status_events_ord_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"delivery_id" uuid NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"actor_user_id" uuid,
	"at" timestamp (3) with time zone NOT NULL,
	"receipt" "bytea",
	CONSTRAINT "status_events_status_check" CHECK (status in ('01', '02', '03', '04', '05', '06', '13', '15', '16'))
);
--> statement-breakpoint
CREATE TABLE "trust_anchors" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"der" "bytea" NOT NULL,
	"fingerprint_sha256" text NOT NULL,
	"subject" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trust_anchors_fingerprint_unique" UNIQUE("fingerprint_sha256")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agency_id" uuid NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_role_check" CHECK (role in ('clerk', 'admin', 'auditor'))
);
--> statement-breakpoint
ALTER TABLE "agency_certificates" ADD CONSTRAINT "agency_certificates_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_recipient_agency_id_agencies_id_fk" FOREIGN KEY ("recipient_agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_sender_agency_id_agencies_id_fk" FOREIGN KEY ("sender_agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_events" ADD CONSTRAINT "status_events_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_events" ADD CONSTRAINT "status_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "agency_certificates_agency_fingerprint_unique" ON "agency_certificates" USING btree ("agency_id","fingerprint_sha256");--> statement-breakpoint
CREATE INDEX "api_tokens_user_idx" ON "api_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "crls_issuer_idx" ON "crls" USING btree ("issuer");--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_document_recipient_unique" ON "deliveries" USING btree ("document_id","recipient_agency_id");--> statement-breakpoint
CREATE INDEX "deliveries_recipient_status_idx" ON "deliveries" USING btree ("recipient_agency_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "documents_sender_number_unique" ON "documents" USING btree ("sender_agency_id","year","code_number","code_notation");--> statement-breakpoint
CREATE UNIQUE INDEX "documents_sender_idempotency_unique" ON "documents" USING btree ("sender_agency_id","idempotency_key") WHERE "documents"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "documents_sender_created_idx" ON "documents" USING btree ("sender_agency_id","created_at");--> statement-breakpoint
CREATE INDEX "documents_created_idx" ON "documents" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "exchange_log_agency_idx" ON "exchange_log" USING btree ("agency_id");--> statement-breakpoint
CREATE INDEX "exchange_log_event_idx" ON "exchange_log" USING btree ("event");--> statement-breakpoint
CREATE INDEX "exchange_log_document_idx" ON "exchange_log" USING btree ("document_id");--> statement-breakpoint
CREATE INDEX "exchange_log_at_idx" ON "exchange_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "status_events_delivery_idx" ON "status_events" USING btree ("delivery_id","ord");--> statement-breakpoint
CREATE INDEX "users_agency_idx" ON "users" USING btree ("agency_id");