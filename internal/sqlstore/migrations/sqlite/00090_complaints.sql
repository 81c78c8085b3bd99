-- Complaints (U4) with their fast lane and points, key-customer profiles
-- (U3), and the duty managers of the roster (E1).
-- +goose Up
CREATE TABLE complaints (
	id              INTEGER PRIMARY KEY,
	project_id      INTEGER NOT NULL REFERENCES projects (id),
	channel         TEXT NOT NULL,
	category        TEXT NOT NULL,
	severity        TEXT NOT NULL,
	person_id       INTEGER,
	building_id     INTEGER,
	description     TEXT NOT NULL,
	wish            TEXT NOT NULL DEFAULT '',
	marked          INTEGER NOT NULL DEFAULT 0,
	fast            INTEGER NOT NULL DEFAULT 0,
	points          INTEGER NOT NULL DEFAULT 0,
	state           TEXT NOT NULL,
	received_by     INTEGER NOT NULL REFERENCES users (id),
	received_at     TIMESTAMP NOT NULL,
	acknowledged_by INTEGER REFERENCES users (id),
	acknowledged_at TIMESTAMP,
	team            TEXT NOT NULL DEFAULT '',
	assignee_id     INTEGER REFERENCES users (id),
	assigned_at     TIMESTAMP,
	handled_by      INTEGER REFERENCES users (id),
	handled_at      TIMESTAMP,
	handle_note     TEXT NOT NULL DEFAULT '',
	replied_at      TIMESTAMP,
	reply_note      TEXT NOT NULL DEFAULT '',
	revisited_by    INTEGER REFERENCES users (id),
	revisited_at    TIMESTAMP,
	revisit_note    TEXT NOT NULL DEFAULT '',
	reopens         INTEGER NOT NULL DEFAULT 0,
	closed_at       TIMESTAMP,
	updated_at      TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id),
	FOREIGN KEY (project_id, building_id) REFERENCES buildings (project_id, id)
);
CREATE INDEX complaints_state ON complaints (project_id, state, received_at);
CREATE INDEX complaints_person ON complaints (project_id, person_id, received_at);
CREATE INDEX complaints_building ON complaints (project_id, building_id, received_at);

CREATE TABLE complaint_links (
	project_id   INTEGER NOT NULL,
	complaint_id INTEGER NOT NULL,
	object_type  TEXT NOT NULL,
	object_id    INTEGER NOT NULL,
	linked_by    INTEGER NOT NULL REFERENCES users (id),
	linked_at    TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, complaint_id, object_type, object_id),
	FOREIGN KEY (project_id, complaint_id) REFERENCES complaints (project_id, id)
);

CREATE TABLE complaint_settings (
	project_id          INTEGER NOT NULL REFERENCES projects (id),
	ack_minutes         INTEGER NOT NULL,
	handle_minutes      INTEGER NOT NULL,
	fast_ack_minutes    INTEGER NOT NULL,
	fast_handle_minutes INTEGER NOT NULL,
	working_categories  TEXT NOT NULL DEFAULT '',
	importance_level    INTEGER NOT NULL,
	importance_index    INTEGER NOT NULL,
	decay_days          INTEGER NOT NULL,
	visit_points        INTEGER NOT NULL,
	updated_at          TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id)
);

CREATE TABLE key_profiles (
	project_id  INTEGER NOT NULL,
	person_id   INTEGER NOT NULL,
	age         INTEGER,
	occupation  TEXT NOT NULL DEFAULT '',
	personality TEXT NOT NULL DEFAULT '',
	preferences TEXT NOT NULL DEFAULT '',
	photo_type  TEXT NOT NULL DEFAULT '',
	photo       BLOB,
	updated_by  INTEGER NOT NULL REFERENCES users (id),
	updated_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, person_id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id)
);

CREATE TABLE key_profile_staff (
	project_id INTEGER NOT NULL,
	person_id  INTEGER NOT NULL,
	user_id    INTEGER NOT NULL REFERENCES users (id),
	PRIMARY KEY (project_id, person_id, user_id),
	FOREIGN KEY (project_id, person_id) REFERENCES key_profiles (project_id, person_id)
);

ALTER TABLE duty_roster ADD COLUMN manager_user_id INTEGER REFERENCES users (id);

-- +goose Down
ALTER TABLE duty_roster DROP COLUMN manager_user_id;
DROP TABLE key_profile_staff;
DROP TABLE key_profiles;
DROP TABLE complaint_settings;
DROP TABLE complaint_links;
DROP TABLE complaints;
