-- Local resources and government procedures with their forms (H2).
-- +goose Up
CREATE TABLE local_resources (
	id           INTEGER PRIMARY KEY,
	project_id   INTEGER NOT NULL REFERENCES projects (id),
	kind         TEXT NOT NULL,
	name         TEXT NOT NULL,
	address      TEXT NOT NULL DEFAULT '',
	phone        TEXT NOT NULL DEFAULT '',
	note         TEXT NOT NULL DEFAULT '',
	file_name    TEXT NOT NULL DEFAULT '',
	content_type TEXT NOT NULL DEFAULT '',
	file_data    BLOB,
	created_by   INTEGER REFERENCES users (id),
	created_at   TIMESTAMP NOT NULL
);
CREATE INDEX local_resources_project ON local_resources (project_id, kind);

-- +goose Down
DROP TABLE local_resources;
