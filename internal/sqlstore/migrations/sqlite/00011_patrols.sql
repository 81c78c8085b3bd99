-- The security post (S3–S7, S10, S11): patrol routes with their
-- checkpoints and runs (renovation inspections are routes bound to a room),
-- hazards to a verified close, parking problems, photos of both, alarm
-- reminders and security advice given to households, each building's
-- security archive, safety campaigns and the staff knowledge base.

-- +goose Up
CREATE TABLE patrol_routes (
	id               INTEGER PRIMARY KEY,
	project_id       INTEGER NOT NULL REFERENCES projects (id),
	name             TEXT NOT NULL,
	kind             TEXT NOT NULL,
	room_id          INTEGER,
	interval_minutes INTEGER NOT NULL,
	every_days       INTEGER NOT NULL DEFAULT 0,
	leader_id        INTEGER REFERENCES users (id),
	active           INTEGER NOT NULL DEFAULT 1,
	created_at       TIMESTAMP NOT NULL,
	updated_at       TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	UNIQUE (project_id, name),
	FOREIGN KEY (project_id, room_id) REFERENCES rooms (project_id, id)
);

CREATE TABLE patrol_checkpoints (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL,
	route_id   INTEGER NOT NULL,
	position   INTEGER NOT NULL,
	name       TEXT NOT NULL,
	place      TEXT NOT NULL DEFAULT '',
	code       TEXT NOT NULL,
	kind       TEXT NOT NULL,
	visits     INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	UNIQUE (project_id, code),
	FOREIGN KEY (project_id, route_id) REFERENCES patrol_routes (project_id, id)
);
CREATE INDEX patrol_checkpoints_route ON patrol_checkpoints (project_id, route_id, position);
-- A scanned code names its project (LJY-7KQ2M): found without knowing it.
CREATE INDEX patrol_checkpoints_code ON patrol_checkpoints (code);

CREATE TABLE patrol_runs (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL,
	route_id    INTEGER NOT NULL,
	guard_id    INTEGER NOT NULL REFERENCES users (id),
	started_at  TIMESTAMP NOT NULL,
	finished_at TIMESTAMP,
	missed      INTEGER NOT NULL DEFAULT 0,
	late        INTEGER NOT NULL DEFAULT 0,
	reviewed_by INTEGER REFERENCES users (id),
	reviewed_at TIMESTAMP,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, route_id) REFERENCES patrol_routes (project_id, id)
);
CREATE INDEX patrol_runs_route ON patrol_runs (project_id, route_id, started_at);
CREATE INDEX patrol_runs_open ON patrol_runs (project_id, guard_id) WHERE finished_at IS NULL;

CREATE TABLE patrol_checkins (
	id            INTEGER PRIMARY KEY,
	project_id    INTEGER NOT NULL,
	run_id        INTEGER NOT NULL,
	checkpoint_id INTEGER NOT NULL,
	at            TIMESTAMP NOT NULL,
	user_id       INTEGER NOT NULL REFERENCES users (id),
	method        TEXT NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, run_id) REFERENCES patrol_runs (project_id, id),
	FOREIGN KEY (project_id, checkpoint_id) REFERENCES patrol_checkpoints (project_id, id)
);
CREATE INDEX patrol_checkins_run ON patrol_checkins (project_id, run_id, at);

CREATE TABLE hazards (
	id           INTEGER PRIMARY KEY,
	project_id   INTEGER NOT NULL REFERENCES projects (id),
	source       TEXT NOT NULL,
	run_id       INTEGER,
	person_id    INTEGER,
	building_id  INTEGER,
	place        TEXT NOT NULL,
	description  TEXT NOT NULL,
	severity     TEXT NOT NULL,
	state        TEXT NOT NULL,
	reported_by  INTEGER NOT NULL REFERENCES users (id),
	reported_at  TIMESTAMP NOT NULL,
	assignee_id  INTEGER REFERENCES users (id),
	assigned_at  TIMESTAMP,
	due_at       TIMESTAMP,
	rectified_by INTEGER REFERENCES users (id),
	rectified_at TIMESTAMP,
	rectify_note TEXT NOT NULL DEFAULT '',
	verified_by  INTEGER REFERENCES users (id),
	verified_at  TIMESTAMP,
	verify_note  TEXT NOT NULL DEFAULT '',
	updated_at   TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, run_id) REFERENCES patrol_runs (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id),
	FOREIGN KEY (project_id, building_id) REFERENCES buildings (project_id, id)
);
CREATE INDEX hazards_state ON hazards (project_id, state, reported_at);
CREATE INDEX hazards_assignee ON hazards (project_id, assignee_id) WHERE state <> 'closed';

CREATE TABLE parking_problems (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	kind        TEXT NOT NULL,
	plate       TEXT NOT NULL DEFAULT '',
	person_id   INTEGER,
	building_id INTEGER,
	place       TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	state       TEXT NOT NULL,
	reported_by INTEGER NOT NULL REFERENCES users (id),
	reported_at TIMESTAMP NOT NULL,
	assignee_id INTEGER REFERENCES users (id),
	assigned_at TIMESTAMP,
	handled_by  INTEGER REFERENCES users (id),
	handled_at  TIMESTAMP,
	handle_note TEXT NOT NULL DEFAULT '',
	closed_by   INTEGER REFERENCES users (id),
	closed_at   TIMESTAMP,
	updated_at  TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id),
	FOREIGN KEY (project_id, building_id) REFERENCES buildings (project_id, id)
);
CREATE INDEX parking_problems_state ON parking_problems (project_id, state, reported_at);

CREATE TABLE security_photos (
	id           INTEGER PRIMARY KEY,
	project_id   INTEGER NOT NULL REFERENCES projects (id),
	object_type  TEXT NOT NULL,
	object_id    INTEGER NOT NULL,
	stage        TEXT NOT NULL,
	content_type TEXT NOT NULL,
	data         BLOB NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	UNIQUE (project_id, id)
);
CREATE INDEX security_photos_object ON security_photos (project_id, object_type, object_id);

CREATE TABLE security_contacts (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL,
	person_id  INTEGER NOT NULL,
	room_id    INTEGER,
	kind       TEXT NOT NULL,
	method     TEXT NOT NULL DEFAULT '',
	topics     TEXT NOT NULL DEFAULT '',
	note       TEXT NOT NULL DEFAULT '',
	at         TIMESTAMP NOT NULL,
	user_id    INTEGER REFERENCES users (id),
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id) ON DELETE CASCADE,
	FOREIGN KEY (project_id, room_id) REFERENCES rooms (project_id, id)
);
CREATE INDEX security_contacts_person ON security_contacts (project_id, person_id, at);

CREATE TABLE security_archive (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL,
	building_id INTEGER NOT NULL,
	kind        TEXT NOT NULL,
	title       TEXT NOT NULL,
	body        TEXT NOT NULL DEFAULT '',
	at          TIMESTAMP NOT NULL,
	user_id     INTEGER REFERENCES users (id),
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, building_id) REFERENCES buildings (project_id, id)
);
CREATE INDEX security_archive_building ON security_archive (project_id, building_id, at);

CREATE TABLE safety_campaigns (
	id             INTEGER PRIMARY KEY,
	project_id     INTEGER NOT NULL REFERENCES projects (id),
	kind           TEXT NOT NULL,
	theme          TEXT NOT NULL,
	title          TEXT NOT NULL,
	description    TEXT NOT NULL DEFAULT '',
	starts_on      TEXT NOT NULL,
	ends_on        TEXT NOT NULL,
	places         TEXT NOT NULL DEFAULT '',
	weeks_per_stop INTEGER NOT NULL DEFAULT 1,
	created_by     INTEGER REFERENCES users (id),
	created_at     TIMESTAMP NOT NULL,
	UNIQUE (project_id, id)
);
CREATE INDEX safety_campaigns_dates ON safety_campaigns (project_id, ends_on);

CREATE TABLE kb_entries (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects (id),
	category   TEXT NOT NULL,
	title      TEXT NOT NULL,
	body       TEXT NOT NULL,
	updated_by INTEGER REFERENCES users (id),
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	UNIQUE (project_id, id)
);
CREATE INDEX kb_entries_category ON kb_entries (project_id, category, title);

-- +goose Down
DROP TABLE kb_entries;
DROP TABLE safety_campaigns;
DROP TABLE security_archive;
DROP TABLE security_contacts;
DROP TABLE security_photos;
DROP TABLE parking_problems;
DROP TABLE hazards;
DROP TABLE patrol_checkins;
DROP TABLE patrol_runs;
DROP TABLE patrol_checkpoints;
DROP TABLE patrol_routes;
