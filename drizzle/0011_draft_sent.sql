ALTER TABLE "drafts" DROP CONSTRAINT "drafts_status_check";--> statement-breakpoint
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_status_check" CHECK (status in ('draft', 'submitted', 'returned', 'signed', 'sent'));--> statement-breakpoint
ALTER TABLE "draft_events" DROP CONSTRAINT "draft_events_kind_check";--> statement-breakpoint
ALTER TABLE "draft_events" ADD CONSTRAINT "draft_events_kind_check" CHECK (kind in ('created', 'revised', 'submitted', 'returned', 'signature-prepared', 'signed', 'sent'));
