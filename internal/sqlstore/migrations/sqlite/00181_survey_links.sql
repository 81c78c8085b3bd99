-- A community survey's audience (its buildings; none: the whole project) and
-- the personal links sent by SMS to one resident of each household, each
-- answered once until the survey closes (issue 14 item 3, H4). Only a hash
-- of a link's token is kept.
-- +goose Up
CREATE TABLE survey_buildings (
	project_id  INTEGER NOT NULL,
	form_id     INTEGER NOT NULL,
	building_id INTEGER NOT NULL,
	PRIMARY KEY (project_id, form_id, building_id),
	FOREIGN KEY (project_id, form_id) REFERENCES survey_forms (project_id, id) ON DELETE CASCADE,
	FOREIGN KEY (project_id, building_id) REFERENCES buildings (project_id, id)
);
CREATE TABLE survey_links (
	id           INTEGER PRIMARY KEY,
	project_id   INTEGER NOT NULL,
	form_id      INTEGER NOT NULL,
	person_id    INTEGER NOT NULL,
	room_id      INTEGER NOT NULL,
	token_hash   TEXT NOT NULL UNIQUE,
	expires_at   TIMESTAMP NOT NULL,
	sent_at      TIMESTAMP NOT NULL,
	response_id  INTEGER,
	answered_at  TIMESTAMP,
	UNIQUE (project_id, id),
	UNIQUE (project_id, form_id, room_id),
	FOREIGN KEY (project_id, form_id) REFERENCES survey_forms (project_id, id) ON DELETE CASCADE,
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id) ON DELETE CASCADE,
	FOREIGN KEY (project_id, room_id) REFERENCES rooms (project_id, id)
);
CREATE INDEX survey_links_person ON survey_links (project_id, person_id);

-- +goose Down
DROP TABLE survey_links;
DROP TABLE survey_buildings;
