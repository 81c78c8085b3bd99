-- +goose Up
-- The audit log's hash chain (issue 12): each sealed entry of audit_log
-- gets the next sequence number and a SHA-256 over the previous hash and
-- the entry, so that a changed, removed or reordered entry breaks the
-- chain at that point. Entries are sealed in the order they committed
-- (sqlstore.DB.SealAudit), not by id. audit_checkpoint holds where the
-- chain continues from once old entries have been purged.
CREATE TABLE audit_chain (
	seq       bigint PRIMARY KEY,
	audit_id  bigint NOT NULL UNIQUE,
	prev_hash text NOT NULL,
	hash      text NOT NULL
);

CREATE TABLE audit_checkpoint (
	seq  bigint PRIMARY KEY,
	hash text NOT NULL,
	at   timestamptz NOT NULL
);

CREATE TRIGGER audit_chain_no_change BEFORE UPDATE OR DELETE ON audit_chain
	FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- TRUNCATE skips row triggers: refuse it by a statement trigger, for the
-- log and its chain.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
	FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TRIGGER audit_log_no_truncate ON audit_log;
DROP TABLE audit_checkpoint;
DROP TABLE audit_chain;
