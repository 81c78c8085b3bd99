-- Drift between the two migration sets, found by TestMigrationsDrift
-- (PostgreSQL's half of 00060 gives three tables their primary key):
--   - settings.key (00001) took NULL: SQLite, unlike PostgreSQL, lets a
--     primary key column other than the rowid be NULL unless it says NOT
--     NULL. The table is rebuilt with NOT NULL.
--   - outbox_project (00006) indexed outbox (project_id, id) a second time,
--     beside the index of the table's UNIQUE (project_id, id), and cost a
--     write on every message.
-- +goose Up
CREATE TABLE settings_keyed (
	key   TEXT NOT NULL PRIMARY KEY,
	value TEXT NOT NULL
);
INSERT INTO settings_keyed (key, value) SELECT key, value FROM settings WHERE key IS NOT NULL;
DROP TABLE settings;
ALTER TABLE settings_keyed RENAME TO settings;

DROP INDEX outbox_project;

-- +goose Down
-- (settings.key stays NOT NULL: no NULL key was ever meant.)
CREATE INDEX outbox_project ON outbox (project_id, id);
