-- Notices on the board and the pest-control plans whose advance notices
-- the rules post (K1, C3).
-- +goose Up
CREATE TABLE pest_plans (
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	id          INTEGER PRIMARY KEY,
	areas       TEXT NOT NULL,
	first_date  TEXT NOT NULL,
	every_days  INTEGER NOT NULL DEFAULT 0,
	until_date  TEXT NOT NULL DEFAULT '',
	notice_days INTEGER NOT NULL,
	created_by  INTEGER NOT NULL REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	CHECK (every_days >= 0)
);
CREATE TABLE bulletins (
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL,
	title       TEXT NOT NULL,
	body        TEXT NOT NULL,
	building_id INTEGER,
	board_from  TEXT NOT NULL,
	board_until TEXT NOT NULL,
	plan_id     INTEGER,
	plan_date   TEXT,
	posted_by   INTEGER REFERENCES users (id),
	send_sms    INTEGER NOT NULL DEFAULT 0,
	posted_at   TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, building_id) REFERENCES buildings (project_id, id),
	FOREIGN KEY (project_id, plan_id) REFERENCES pest_plans (project_id, id)
);
CREATE INDEX bulletins_posted ON bulletins (project_id, posted_at);
-- A plan's date has one advance notice, however often the rules run.
CREATE UNIQUE INDEX bulletins_plan_date ON bulletins (project_id, plan_id, plan_date);

-- +goose Down
DROP TABLE bulletins;
DROP TABLE pest_plans;
