-- Residents' change requests from the portal, the desk's queue (issue 15).
-- +goose Up
CREATE TABLE portal_changes (
	id            INTEGER PRIMARY KEY,
	project_id    INTEGER NOT NULL REFERENCES projects (id),
	person_id     INTEGER NOT NULL,
	kind          TEXT NOT NULL,
	value         TEXT NOT NULL,
	old           TEXT NOT NULL DEFAULT '',
	note          TEXT NOT NULL DEFAULT '',
	state         TEXT NOT NULL,
	created_at    TIMESTAMP NOT NULL,
	decided_by    INTEGER REFERENCES users (id),
	decided_at    TIMESTAMP,
	decision_note TEXT NOT NULL DEFAULT '',
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id) ON DELETE CASCADE
);
CREATE INDEX portal_changes_state ON portal_changes (project_id, state, created_at);
CREATE INDEX portal_changes_person ON portal_changes (project_id, person_id);

-- +goose Down
DROP TABLE portal_changes;
