-- A seal is evidence over the log, as the log's rows are: once written it is never changed or
-- removed. Without this, deleting the newest seal left no gap for the seal check to find. (The
-- check also matches every log.sealed entry of the hash-chained log against the stored seals, so
-- a superuser who disables this trigger is still caught.) drizzle-kit does not model triggers:
-- hand-written, its snapshot equals 0003's.
CREATE OR REPLACE FUNCTION log_seals_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'log_seals is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER log_seals_no_update_delete
  BEFORE UPDATE OR DELETE ON log_seals
  FOR EACH ROW EXECUTE FUNCTION log_seals_refuse_change();
--> statement-breakpoint
CREATE TRIGGER log_seals_no_truncate
  BEFORE TRUNCATE ON log_seals
  FOR EACH STATEMENT EXECUTE FUNCTION log_seals_refuse_change();
