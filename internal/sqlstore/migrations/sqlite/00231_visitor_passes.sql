-- Visitor passes (访客): a resident invites a visitor for a day; the
-- visitor's short code is checked at the gate and every check is logged.
-- +goose Up
CREATE TABLE visitor_passes (
	id            INTEGER PRIMARY KEY,
	project_id    INTEGER NOT NULL REFERENCES projects (id),
	room_id       INTEGER NOT NULL,
	person_id     INTEGER NOT NULL,
	visitor_name  TEXT NOT NULL,
	visitor_phone TEXT NOT NULL,
	visit_date    TEXT NOT NULL,
	code          TEXT NOT NULL,
	created_by    INTEGER REFERENCES users (id),
	created_at    TIMESTAMP NOT NULL,
	UNIQUE (project_id, code)
);
CREATE INDEX visitor_passes_date ON visitor_passes (project_id, visit_date);
CREATE TABLE visitor_pass_checks (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects (id),
	pass_id    INTEGER REFERENCES visitor_passes (id),
	code       TEXT NOT NULL,
	room       TEXT NOT NULL,
	allowed    BOOLEAN NOT NULL,
	reason     TEXT NOT NULL DEFAULT '',
	checked_by INTEGER REFERENCES users (id),
	checked_at TIMESTAMP NOT NULL
);
CREATE INDEX visitor_pass_checks_pass ON visitor_pass_checks (project_id, pass_id);

-- +goose Down
DROP TABLE visitor_pass_checks;
DROP TABLE visitor_passes;
