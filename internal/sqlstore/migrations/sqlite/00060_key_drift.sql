-- Drift between the two migration sets, found by TestMigrationsDrift:
-- outbox_project (00006) indexed outbox (project_id, id) a second time,
-- beside the index of the table's UNIQUE (project_id, id), and cost a write
-- on every message. (PostgreSQL's half of 00060 gives three tables their
-- primary key.)
-- +goose Up
DROP INDEX outbox_project;

-- +goose Down
CREATE INDEX outbox_project ON outbox (project_id, id);
