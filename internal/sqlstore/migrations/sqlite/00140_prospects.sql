-- The sales office's list of buyers of a new project (K6), kept apart from
-- the registry: one named custodian per project reads it with the manager.
-- +goose Up
CREATE TABLE prospect_custodians (
	project_id  INTEGER PRIMARY KEY REFERENCES projects (id),
	user_id     INTEGER NOT NULL REFERENCES users (id),
	assigned_by INTEGER REFERENCES users (id),
	assigned_at TIMESTAMP NOT NULL
);
CREATE TABLE prospects (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	name        TEXT NOT NULL,
	address     TEXT NOT NULL,
	unit        TEXT NOT NULL,
	code        TEXT NOT NULL,
	created_by  INTEGER REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL,
	moved_in_at TIMESTAMP,
	person_id   INTEGER,
	UNIQUE (project_id, code)
);
CREATE INDEX prospects_project ON prospects (project_id, moved_in_at);

-- +goose Down
DROP TABLE prospects;
DROP TABLE prospect_custodians;
