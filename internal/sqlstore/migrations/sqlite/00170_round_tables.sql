-- Round tables (A1): slots of one-to-one talks, their bookings and notes,
-- and the talks' follow-ups.
-- +goose Up
CREATE TABLE round_tables (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	starts_at   TIMESTAMP NOT NULL,
	minutes     INTEGER NOT NULL,
	place       TEXT NOT NULL,
	host_id     INTEGER NOT NULL REFERENCES users (id),
	state       TEXT NOT NULL,
	person_id   INTEGER,
	booked_by   TEXT NOT NULL DEFAULT '',
	booked_at   TIMESTAMP,
	notes       TEXT NOT NULL DEFAULT '',
	held_at     TIMESTAMP,
	created_by  INTEGER NOT NULL REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id)
);
CREATE INDEX round_tables_starts ON round_tables (project_id, starts_at);
CREATE INDEX round_tables_person ON round_tables (project_id, person_id);
CREATE TABLE talk_followups (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	slot_id     INTEGER NOT NULL,
	action      TEXT NOT NULL,
	owner_id    INTEGER NOT NULL REFERENCES users (id),
	due_at      TIMESTAMP NOT NULL,
	state       TEXT NOT NULL,
	outcome     TEXT NOT NULL DEFAULT '',
	closed_at   TIMESTAMP,
	created_at  TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, slot_id) REFERENCES round_tables (project_id, id)
);
CREATE INDEX talk_followups_slot ON talk_followups (project_id, slot_id);
CREATE INDEX talk_followups_owner ON talk_followups (owner_id, state, due_at);

-- +goose Down
DROP TABLE talk_followups;
DROP TABLE round_tables;
