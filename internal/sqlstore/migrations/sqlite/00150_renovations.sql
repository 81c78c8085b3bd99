-- Renovations from the application to the acceptance (issue 18; M4, S11).
-- +goose Up
CREATE TABLE renovation_settings (
	project_id    INTEGER PRIMARY KEY REFERENCES projects (id),
	review_hours  INTEGER NOT NULL DEFAULT 48,
	inspect_hours INTEGER NOT NULL DEFAULT 72,
	work_from     TEXT NOT NULL DEFAULT '08:00',
	work_to       TEXT NOT NULL DEFAULT '18:00',
	deposit       INTEGER NOT NULL DEFAULT 0,
	purge_days    INTEGER NOT NULL DEFAULT 30,
	checklist     TEXT NOT NULL DEFAULT '',
	updated_at    TIMESTAMP NOT NULL
);
CREATE TABLE renovation_managers (
	project_id INTEGER NOT NULL REFERENCES projects (id),
	user_id    INTEGER NOT NULL REFERENCES users (id),
	PRIMARY KEY (project_id, user_id)
);
CREATE TABLE renovations (
	id            INTEGER PRIMARY KEY,
	project_id    INTEGER NOT NULL REFERENCES projects (id),
	room_id       INTEGER NOT NULL,
	person_id     INTEGER NOT NULL,
	company       TEXT NOT NULL,
	lead_name     TEXT NOT NULL,
	lead_phone    TEXT NOT NULL,
	scope         TEXT NOT NULL,
	description   TEXT NOT NULL DEFAULT '',
	planned_from  TEXT NOT NULL,
	planned_to    TEXT NOT NULL,
	state         TEXT NOT NULL,
	manager_id    INTEGER REFERENCES users (id),
	review_note   TEXT NOT NULL DEFAULT '',
	review_due    TIMESTAMP,
	inspect_due   TIMESTAMP,
	inspections   INTEGER NOT NULL DEFAULT 0,
	started_at    TIMESTAMP,
	deposit       INTEGER NOT NULL DEFAULT 0,
	deposit_state TEXT NOT NULL DEFAULT '',
	deposit_note  TEXT NOT NULL DEFAULT '',
	closed_at     TIMESTAMP,
	briefing      TEXT NOT NULL DEFAULT '',
	ticked        TEXT NOT NULL DEFAULT '',
	resident_ack  TEXT NOT NULL DEFAULT '',
	resident_at   TIMESTAMP,
	lead_ack      TEXT NOT NULL DEFAULT '',
	lead_at       TIMESTAMP,
	applied_by    INTEGER NOT NULL REFERENCES users (id),
	applied_at    TIMESTAMP NOT NULL,
	updated_at    TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, room_id) REFERENCES rooms (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id)
);
CREATE INDEX renovations_project ON renovations (project_id, state);
CREATE TABLE renovation_workers (
	id            INTEGER PRIMARY KEY,
	project_id    INTEGER NOT NULL REFERENCES projects (id),
	renovation_id INTEGER NOT NULL,
	name          TEXT NOT NULL,
	id_number     TEXT NOT NULL DEFAULT '',
	id_hash       TEXT NOT NULL DEFAULT '',
	pass_no       TEXT NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, renovation_id) REFERENCES renovations (project_id, id)
);
CREATE UNIQUE INDEX renovation_workers_pass ON renovation_workers (project_id, pass_no);
CREATE TABLE renovation_violations (
	id            INTEGER PRIMARY KEY,
	project_id    INTEGER NOT NULL REFERENCES projects (id),
	renovation_id INTEGER NOT NULL,
	kind          TEXT NOT NULL,
	description   TEXT NOT NULL,
	endangers     BOOLEAN NOT NULL DEFAULT FALSE,
	hazard_id     INTEGER,
	state         TEXT NOT NULL,
	recorded_by   INTEGER NOT NULL REFERENCES users (id),
	recorded_at   TIMESTAMP NOT NULL,
	rectify_note  TEXT NOT NULL DEFAULT '',
	verify_note   TEXT NOT NULL DEFAULT '',
	updated_at    TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, renovation_id) REFERENCES renovations (project_id, id),
	FOREIGN KEY (project_id, hazard_id) REFERENCES hazards (project_id, id)
);
CREATE INDEX renovation_violations_renovation ON renovation_violations (renovation_id);

-- +goose Down
DROP TABLE renovation_violations;
DROP TABLE renovation_workers;
DROP TABLE renovations;
DROP TABLE renovation_managers;
DROP TABLE renovation_settings;
