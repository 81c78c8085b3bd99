-- The daily roll-ups read by scope (issue 17 performance): a dashboard
-- reads the project's rows (building 0, person 0), or one building's, or
-- one person's, of some metrics over a period. The primary key now goes in
-- that order — project, building, person, metric, day — so that each read
-- is one contiguous range of the index; before, the period's rows of every
-- building and person were read and left out. The steps and the job still
-- replace a metric's days through a unique index in the old order.

-- +goose Up
ALTER TABLE daily_figures DROP CONSTRAINT daily_figures_pkey;
ALTER TABLE daily_figures ADD PRIMARY KEY (project_id, building_id, user_id, metric, day);
CREATE UNIQUE INDEX daily_figures_metric_day ON daily_figures (project_id, metric, day, building_id, user_id);

-- +goose Down
DROP INDEX daily_figures_metric_day;
ALTER TABLE daily_figures DROP CONSTRAINT daily_figures_pkey;
ALTER TABLE daily_figures ADD PRIMARY KEY (project_id, metric, day, building_id, user_id);
