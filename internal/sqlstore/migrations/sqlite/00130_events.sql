-- Community events and lectures with their sign-ups (K1, H4, M4).
-- +goose Up
CREATE TABLE events (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	kind        TEXT NOT NULL,
	topic       TEXT NOT NULL DEFAULT '',
	title       TEXT NOT NULL,
	place       TEXT NOT NULL,
	starts_at   TIMESTAMP NOT NULL,
	capacity    INTEGER NOT NULL,
	building_id INTEGER,
	note        TEXT NOT NULL DEFAULT '',
	state       TEXT NOT NULL,
	created_by  INTEGER NOT NULL REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, building_id) REFERENCES buildings (project_id, id)
);
CREATE INDEX events_starts ON events (project_id, starts_at);
CREATE TABLE event_signups (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	event_id    INTEGER NOT NULL,
	person_id   INTEGER NOT NULL,
	state       TEXT NOT NULL,
	created_by  INTEGER NOT NULL REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL,
	attended_at TIMESTAMP,
	updated_at  TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, event_id) REFERENCES events (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id)
);
CREATE INDEX event_signups_event ON event_signups (project_id, event_id, state, id);
-- A resident holds at most one live sign-up for an event.
CREATE UNIQUE INDEX event_signups_live ON event_signups (project_id, event_id, person_id) WHERE state <> 'cancelled';

-- +goose Down
DROP TABLE event_signups;
DROP TABLE events;
