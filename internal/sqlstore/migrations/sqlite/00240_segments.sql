-- Saved customer segments (U2): a named query over a project's residents,
-- usable as the audience of notices, greetings and community surveys.
-- +goose Up
CREATE TABLE segments (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects (id),
	name       TEXT NOT NULL,
	query      TEXT NOT NULL,
	created_by INTEGER REFERENCES users (id),
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	UNIQUE (project_id, name)
);
ALTER TABLE bulletins ADD COLUMN segment_id INTEGER REFERENCES segments (id);
ALTER TABLE survey_forms ADD COLUMN segment_id INTEGER REFERENCES segments (id);

-- +goose Down
ALTER TABLE survey_forms DROP COLUMN segment_id;
ALTER TABLE bulletins DROP COLUMN segment_id;
DROP TABLE segments;
