-- Lobby hours (A2): the assistants' monthly reception hours in each
-- building's lobby, and the visits received there.
-- +goose Up
CREATE TABLE lobby_hours (
	id           INTEGER PRIMARY KEY,
	project_id   INTEGER NOT NULL REFERENCES projects (id),
	building_id  INTEGER NOT NULL,
	month        TEXT NOT NULL,
	weekday      INTEGER NOT NULL DEFAULT 0,
	on_date      TEXT NOT NULL DEFAULT '',
	starts       TEXT NOT NULL,
	ends         TEXT NOT NULL,
	assistant_id INTEGER NOT NULL REFERENCES users (id),
	created_by   INTEGER NOT NULL REFERENCES users (id),
	created_at   TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, building_id) REFERENCES buildings (project_id, id)
);
CREATE INDEX lobby_hours_month ON lobby_hours (project_id, month, building_id);
CREATE TABLE lobby_visits (
	id           INTEGER PRIMARY KEY,
	project_id   INTEGER NOT NULL REFERENCES projects (id),
	building_id  INTEGER NOT NULL,
	assistant_id INTEGER NOT NULL REFERENCES users (id),
	person_id    INTEGER,
	topic        TEXT NOT NULL,
	note         TEXT NOT NULL DEFAULT '',
	at           TIMESTAMP NOT NULL,
	created_by   INTEGER NOT NULL REFERENCES users (id),
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, building_id) REFERENCES buildings (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id)
);
CREATE INDEX lobby_visits_at ON lobby_visits (project_id, at);

-- +goose Down
DROP TABLE lobby_visits;
DROP TABLE lobby_hours;
