-- Revisits (U4, S3): a service assistant's planned visits to a resident,
-- key customers above all, with the security leaders who go along and the
-- outcome recorded.
-- +goose Up
CREATE TABLE revisits (
	id            INTEGER PRIMARY KEY,
	project_id    INTEGER NOT NULL,
	person_id     INTEGER NOT NULL,
	assistant_id  INTEGER NOT NULL REFERENCES users (id),
	due_at        TIMESTAMP NOT NULL,
	purpose       TEXT NOT NULL,
	status        TEXT NOT NULL DEFAULT 'planned',
	done_at       TIMESTAMP,
	done_by       INTEGER REFERENCES users (id),
	notes         TEXT NOT NULL DEFAULT '',
	satisfaction  INTEGER NOT NULL DEFAULT 0,
	created_at    TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id) ON DELETE CASCADE
);
CREATE INDEX revisits_person ON revisits (project_id, person_id, due_at);
CREATE INDEX revisits_open ON revisits (status, due_at);

CREATE TABLE revisit_participants (
	project_id     INTEGER NOT NULL,
	revisit_id     INTEGER NOT NULL,
	user_id        INTEGER NOT NULL REFERENCES users (id),
	role           TEXT NOT NULL,
	building_name  TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (project_id, revisit_id, user_id),
	FOREIGN KEY (project_id, revisit_id) REFERENCES revisits (project_id, id) ON DELETE CASCADE
);
CREATE INDEX revisit_participants_user ON revisit_participants (user_id);

-- +goose Down
DROP TABLE revisit_participants;
DROP TABLE revisits;
