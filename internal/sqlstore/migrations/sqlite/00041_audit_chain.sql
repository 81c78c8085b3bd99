-- +goose Up
-- The audit log's hash chain (issue 12): each sealed entry of audit_log
-- gets the next sequence number and a SHA-256 over the previous hash and
-- the entry, so that a changed, removed or reordered entry breaks the
-- chain at that point. Entries are sealed in the order they committed
-- (sqlstore.DB.SealAudit), not by id. audit_checkpoint holds where the
-- chain continues from once old entries have been purged.
CREATE TABLE audit_chain (
	seq       INTEGER PRIMARY KEY,
	audit_id  INTEGER NOT NULL UNIQUE,
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL
);

CREATE TABLE audit_checkpoint (
	seq  INTEGER PRIMARY KEY,
	hash TEXT NOT NULL,
	at   TIMESTAMP NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
BEGIN
	SELECT RAISE(ABORT, 'audit chain is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
BEGIN
	SELECT RAISE(ABORT, 'audit chain is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_checkpoint;
DROP TABLE audit_chain;
