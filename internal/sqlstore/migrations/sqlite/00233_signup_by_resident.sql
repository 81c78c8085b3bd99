-- Residents sign themselves up for events on the portal: a sign-up's
-- created_by (the staff member who took it) is empty then. SQLite cannot
-- drop a NOT NULL: the table is rebuilt as it was, created_by nullable.
-- +goose Up
CREATE TABLE event_signups_new (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	event_id    INTEGER NOT NULL,
	person_id   INTEGER NOT NULL,
	state       TEXT NOT NULL,
	created_by  INTEGER REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL,
	attended_at TIMESTAMP,
	updated_at  TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, event_id) REFERENCES events (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id)
);
INSERT INTO event_signups_new (id, project_id, event_id, person_id, state, created_by, created_at, attended_at, updated_at)
	SELECT id, project_id, event_id, person_id, state, created_by, created_at, attended_at, updated_at FROM event_signups;
DROP TABLE event_signups;
ALTER TABLE event_signups_new RENAME TO event_signups;
CREATE INDEX event_signups_event ON event_signups (project_id, event_id, state, id);
-- A resident holds at most one live sign-up for an event.
CREATE UNIQUE INDEX event_signups_live ON event_signups (project_id, event_id, person_id) WHERE state <> 'cancelled';


-- +goose Down
SELECT 1;
