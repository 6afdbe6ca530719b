-- The exchange log is evidence: once written, a row is never changed or removed. The database
-- itself refuses UPDATE, DELETE and TRUNCATE, whatever the application does (PGlite and PostgreSQL
-- alike; a superuser can still disable the trigger, which the hash chain then exposes).
CREATE OR REPLACE FUNCTION exchange_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'exchange_log is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER exchange_log_no_update_delete
  BEFORE UPDATE OR DELETE ON exchange_log
  FOR EACH ROW EXECUTE FUNCTION exchange_log_refuse_change();
--> statement-breakpoint
CREATE TRIGGER exchange_log_no_truncate
  BEFORE TRUNCATE ON exchange_log
  FOR EACH STATEMENT EXECUTE FUNCTION exchange_log_refuse_change();
