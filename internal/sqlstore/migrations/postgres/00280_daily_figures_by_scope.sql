-- The daily roll-ups read by scope (issue 17 performance): a dashboard
-- reads the project's rows (building 0, person 0), or one building's, or
-- one person's, of some metrics over a period. The primary key now goes in
-- that order — project, building, person, day, metric — so that each read
-- is one contiguous range of the index; before, the period's rows of every
-- building and person were read and left out. The steps and the job still
-- replace a metric's days through a unique index in the old order.

-- +goose Up
ALTER TABLE daily_figures DROP CONSTRAINT daily_figures_pkey;
ALTER TABLE daily_figures ADD PRIMARY KEY (project_id, building_id, user_id, day, metric);
CREATE UNIQUE INDEX daily_figures_metric_day ON daily_figures (project_id, metric, day, building_id, user_id);

-- The version of each project's roll-ups: every transaction that writes
-- them (a step's, the periodic job's, a rebuild's) adds one, so that a
-- server may keep figures it has read until the version moves.
CREATE TABLE rollup_versions (
	project_id bigint NOT NULL REFERENCES projects (id),
	version    bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (project_id)
);

-- +goose Down
DROP TABLE rollup_versions;
DROP INDEX daily_figures_metric_day;
ALTER TABLE daily_figures DROP CONSTRAINT daily_figures_pkey;
ALTER TABLE daily_figures ADD PRIMARY KEY (project_id, metric, day, building_id, user_id);
