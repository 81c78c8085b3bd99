-- The security post's records (S2, S8, S9): goods release passes with their
-- photos, new tenant registrations on their way to the tenant archive, and
-- incidents with the log of who knew what when. Their clocks are deadlines
-- (00005) keyed by object type "pass", "tenant_registration", "incident".

-- +goose Up
CREATE TABLE passes (
	id              INTEGER PRIMARY KEY,
	project_id      INTEGER NOT NULL REFERENCES projects (id),
	room_id         INTEGER NOT NULL,
	person_id       INTEGER,
	person_name     TEXT NOT NULL,
	relation        TEXT NOT NULL DEFAULT '',
	items           TEXT NOT NULL,
	gate            TEXT NOT NULL,
	note            TEXT NOT NULL DEFAULT '',
	state           TEXT NOT NULL,
	started_by      INTEGER NOT NULL,
	started_at      TIMESTAMP NOT NULL,
	decided_by      INTEGER,
	decided_at      TIMESTAMP,
	confirm_method  TEXT NOT NULL DEFAULT '',
	owner_person_id INTEGER,
	decision_note   TEXT NOT NULL DEFAULT '',
	released_by     INTEGER,
	released_at     TIMESTAMP,
	release_gate    TEXT NOT NULL DEFAULT '',
	updated_at      TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, room_id) REFERENCES rooms (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id),
	FOREIGN KEY (project_id, owner_person_id) REFERENCES persons (project_id, id)
);
CREATE INDEX passes_state ON passes (project_id, state, started_at);
CREATE INDEX passes_person ON passes (project_id, person_id);

CREATE TABLE pass_photos (
	project_id   INTEGER NOT NULL,
	pass_id      INTEGER NOT NULL,
	position     INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	data         BLOB NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, pass_id, position),
	FOREIGN KEY (project_id, pass_id) REFERENCES passes (project_id, id) ON DELETE CASCADE
);

CREATE TABLE tenant_registrations (
	id            INTEGER PRIMARY KEY,
	project_id    INTEGER NOT NULL REFERENCES projects (id),
	room_id       INTEGER NOT NULL,
	name          TEXT NOT NULL,
	phone         TEXT NOT NULL,
	id_number     TEXT NOT NULL DEFAULT '',
	move_in       TEXT NOT NULL,
	note          TEXT NOT NULL DEFAULT '',
	state         TEXT NOT NULL,
	reported_by   INTEGER NOT NULL,
	reported_at   TIMESTAMP NOT NULL,
	superior_id   INTEGER,
	checked_by    INTEGER,
	checked_at    TIMESTAMP,
	filed_by      INTEGER,
	filed_at      TIMESTAMP,
	person_id     INTEGER,
	rejected_by   INTEGER,
	rejected_at   TIMESTAMP,
	reason        TEXT NOT NULL DEFAULT '',
	updated_at    TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, room_id) REFERENCES rooms (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id)
);
CREATE INDEX tenant_registrations_state ON tenant_registrations (project_id, state, reported_at);

CREATE TABLE incidents (
	id              INTEGER PRIMARY KEY,
	project_id      INTEGER NOT NULL REFERENCES projects (id),
	kind            TEXT NOT NULL,
	place           TEXT NOT NULL,
	description     TEXT NOT NULL,
	state           TEXT NOT NULL,
	reported_by     INTEGER NOT NULL,
	reported_at     TIMESTAMP NOT NULL,
	superior_id     INTEGER,
	acknowledged_by INTEGER,
	acknowledged_at TIMESTAMP,
	closed_by       INTEGER,
	closed_at       TIMESTAMP,
	updated_at      TIMESTAMP NOT NULL,
	UNIQUE (project_id, id)
);
CREATE INDEX incidents_state ON incidents (project_id, state, reported_at);

-- Who knew what when: each report, alert, acknowledgement and note.
CREATE TABLE incident_log (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL,
	incident_id INTEGER NOT NULL,
	at          TIMESTAMP NOT NULL,
	kind        TEXT NOT NULL,
	notify      TEXT NOT NULL DEFAULT '',
	text        TEXT NOT NULL DEFAULT '',
	user_id     INTEGER,
	FOREIGN KEY (project_id, incident_id) REFERENCES incidents (project_id, id) ON DELETE CASCADE
);
CREATE INDEX incident_log_incident ON incident_log (project_id, incident_id, at);

-- +goose Down
DROP TABLE incident_log;
DROP TABLE incidents;
DROP TABLE tenant_registrations;
DROP TABLE pass_photos;
DROP TABLE passes;
