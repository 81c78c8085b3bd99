-- The daily roll-ups read by scope (issue 17 performance): a dashboard
-- reads the project's rows (building 0, person 0), or one building's, or
-- one person's, of some metrics over a period. The rows are now kept in
-- that order — project, building, person, day, metric — in a table
-- without a rowid, so that each read is one contiguous stretch of the
-- table; before, the period's rows of every building and person were read
-- and each looked up by its rowid to be left out. The steps and the job
-- still replace a metric's days through the unique index in the old order.

-- +goose Up
CREATE TABLE daily_figures_by_scope (
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	building_id INTEGER NOT NULL DEFAULT 0,
	user_id     INTEGER NOT NULL DEFAULT 0,
	metric      TEXT NOT NULL,
	day         TEXT NOT NULL,
	n           INTEGER NOT NULL DEFAULT 0,
	total       INTEGER NOT NULL DEFAULT 0,
	b0          INTEGER NOT NULL DEFAULT 0,
	b1          INTEGER NOT NULL DEFAULT 0,
	b2          INTEGER NOT NULL DEFAULT 0,
	b3          INTEGER NOT NULL DEFAULT 0,
	b4          INTEGER NOT NULL DEFAULT 0,
	b5          INTEGER NOT NULL DEFAULT 0,
	b6          INTEGER NOT NULL DEFAULT 0,
	b7          INTEGER NOT NULL DEFAULT 0,
	b8          INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (project_id, building_id, user_id, day, metric)
) WITHOUT ROWID;

INSERT INTO daily_figures_by_scope (project_id, building_id, user_id, metric, day, n, total, b0, b1, b2, b3, b4, b5, b6, b7, b8)
	SELECT project_id, building_id, user_id, metric, day, n, total, b0, b1, b2, b3, b4, b5, b6, b7, b8 FROM daily_figures;
DROP TABLE daily_figures;
ALTER TABLE daily_figures_by_scope RENAME TO daily_figures;
CREATE UNIQUE INDEX daily_figures_metric_day ON daily_figures (project_id, metric, day, building_id, user_id);

-- The version of each project's roll-ups: every transaction that writes
-- them (a step's, the periodic job's, a rebuild's) adds one, so that a
-- server may keep figures it has read until the version moves.
CREATE TABLE rollup_versions (
	project_id INTEGER NOT NULL REFERENCES projects (id),
	version    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (project_id)
);

-- +goose Down
DROP TABLE rollup_versions;
CREATE TABLE daily_figures_by_day (
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	day         TEXT NOT NULL,
	metric      TEXT NOT NULL,
	building_id INTEGER NOT NULL DEFAULT 0,
	user_id     INTEGER NOT NULL DEFAULT 0,
	n           INTEGER NOT NULL DEFAULT 0,
	total       INTEGER NOT NULL DEFAULT 0,
	b0          INTEGER NOT NULL DEFAULT 0,
	b1          INTEGER NOT NULL DEFAULT 0,
	b2          INTEGER NOT NULL DEFAULT 0,
	b3          INTEGER NOT NULL DEFAULT 0,
	b4          INTEGER NOT NULL DEFAULT 0,
	b5          INTEGER NOT NULL DEFAULT 0,
	b6          INTEGER NOT NULL DEFAULT 0,
	b7          INTEGER NOT NULL DEFAULT 0,
	b8          INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (project_id, metric, day, building_id, user_id)
);
INSERT INTO daily_figures_by_day (project_id, day, metric, building_id, user_id, n, total, b0, b1, b2, b3, b4, b5, b6, b7, b8)
	SELECT project_id, day, metric, building_id, user_id, n, total, b0, b1, b2, b3, b4, b5, b6, b7, b8 FROM daily_figures;
DROP TABLE daily_figures;
ALTER TABLE daily_figures_by_day RENAME TO daily_figures;
