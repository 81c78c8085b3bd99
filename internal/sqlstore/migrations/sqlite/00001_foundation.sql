-- Foundation: the organisation tree, staff, sessions, sign-in attempts and
-- the audit log. Every table that belongs to a project carries project_id,
-- with (project_id, id) unique so that foreign keys lead with it, as on
-- PostgreSQL.

-- +goose Up
CREATE TABLE projects (
	id         INTEGER PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);

CREATE TABLE zones (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects (id),
	name       TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	UNIQUE (project_id, name)
);

CREATE TABLE buildings (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects (id),
	zone_id    INTEGER,
	name       TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	UNIQUE (project_id, name),
	FOREIGN KEY (project_id, zone_id) REFERENCES zones (project_id, id)
);

CREATE TABLE units (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL,
	building_id INTEGER NOT NULL,
	name        TEXT NOT NULL,
	UNIQUE (project_id, id),
	UNIQUE (project_id, building_id, name),
	FOREIGN KEY (project_id, building_id) REFERENCES buildings (project_id, id)
);

CREATE TABLE rooms (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL,
	building_id INTEGER NOT NULL,
	unit_id     INTEGER NOT NULL,
	floor       INTEGER NOT NULL,
	number      TEXT NOT NULL,
	label       TEXT NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	UNIQUE (project_id, label),
	UNIQUE (project_id, unit_id, number),
	FOREIGN KEY (project_id, building_id) REFERENCES buildings (project_id, id),
	FOREIGN KEY (project_id, unit_id) REFERENCES units (project_id, id)
);
CREATE INDEX rooms_building ON rooms (project_id, building_id, unit_id, floor, number);

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	login         TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL,
	post          TEXT NOT NULL,
	phone         TEXT NOT NULL DEFAULT '',
	email         TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0,
	lang          TEXT NOT NULL DEFAULT 'zh-CN',
	created_at    TIMESTAMP NOT NULL,
	updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE user_projects (
	project_id INTEGER NOT NULL REFERENCES projects (id),
	user_id    INTEGER NOT NULL REFERENCES users (id),
	PRIMARY KEY (project_id, user_id)
);
CREATE INDEX user_projects_user ON user_projects (user_id);

CREATE TABLE building_assignments (
	project_id  INTEGER NOT NULL,
	building_id INTEGER NOT NULL,
	user_id     INTEGER NOT NULL REFERENCES users (id),
	kind        TEXT NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, building_id, kind, user_id),
	FOREIGN KEY (project_id, building_id) REFERENCES buildings (project_id, id),
	FOREIGN KEY (project_id, user_id) REFERENCES user_projects (project_id, user_id)
);

CREATE TABLE sessions (
	id         INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	user_id    INTEGER NOT NULL REFERENCES users (id),
	kind       TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	last_seen  TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL,
	ip         TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_attempts (
	id    INTEGER PRIMARY KEY,
	login TEXT NOT NULL,
	ip    TEXT NOT NULL,
	at    TIMESTAMP NOT NULL,
	ok    INTEGER NOT NULL
);
CREATE INDEX login_attempts_login ON login_attempts (login, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

CREATE TABLE audit_log (
	id          INTEGER PRIMARY KEY,
	at          TIMESTAMP NOT NULL,
	user_id     INTEGER,
	login       TEXT NOT NULL DEFAULT '',
	project_id  INTEGER,
	action      TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id   TEXT NOT NULL,
	field       TEXT NOT NULL DEFAULT '',
	before_json TEXT,
	after_json  TEXT,
	ip          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (user_id, at);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id, at);
CREATE INDEX audit_log_project ON audit_log (project_id, at);

-- The audit log is append-only: nothing in Wubu may change or remove a row.
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit log is append-only');
END;
-- +goose StatementEnd

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE audit_log;
DROP TABLE login_attempts;
DROP TABLE sessions;
DROP TABLE building_assignments;
DROP TABLE user_projects;
DROP TABLE users;
DROP TABLE rooms;
DROP TABLE units;
DROP TABLE buildings;
DROP TABLE zones;
DROP TABLE projects;
