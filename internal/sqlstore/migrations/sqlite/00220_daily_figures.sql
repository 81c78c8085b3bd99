-- Daily roll-ups (issue 17 item 6): the figures of each project per day
-- (China time), per building and per person, one row per metric, so that
-- dashboards never scan raw tables. building_id and user_id are 0 for
-- "all": a row (day, metric, 0, 0) is the project's, (b, 0) a building's,
-- (0, u) a person's. n counts the items, total sums their values (kept
-- promises, satisfaction points, seconds); b0..b8 are the buckets of a
-- distribution (durations: see sqlstore.durationBuckets), b0 alone the
-- open items of a promise metric. The registry of metrics is
-- internal/sqlstore/rollup_metrics.go; rolled_through records how far the
-- periodic job has rolled each project up.

-- +goose Up
CREATE TABLE daily_figures (
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

CREATE TABLE rollup_state (
	project_id     INTEGER NOT NULL REFERENCES projects (id),
	rolled_through TEXT NOT NULL,
	rolled_at      TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id)
);

-- The roll-up of one day of promises reads the deadlines due that day,
-- whatever their state.
CREATE INDEX deadlines_due ON deadlines (project_id, object_type, due_at);

-- The roll-up of one day of each source reads its rows of that day.
CREATE INDEX complaints_received ON complaints (project_id, received_at);
CREATE INDEX patrol_runs_started ON patrol_runs (project_id, started_at);
CREATE INDEX hazards_reported ON hazards (project_id, reported_at);
CREATE INDEX revisits_done ON revisits (project_id, done_at);
CREATE INDEX orders_followed_up ON orders (project_id, followed_up_at);
CREATE INDEX rooms_created ON rooms (project_id, created_at);
CREATE INDEX desk_tickets_taken ON desk_tickets (project_id, taken_at);
CREATE INDEX training_quizzes_submitted ON training_quizzes (project_id, submitted_at);

-- +goose Down
DROP INDEX training_quizzes_submitted;
DROP INDEX desk_tickets_taken;
DROP INDEX rooms_created;
DROP INDEX orders_followed_up;
DROP INDEX revisits_done;
DROP INDEX hazards_reported;
DROP INDEX patrol_runs_started;
DROP INDEX complaints_received;
DROP INDEX deadlines_due;
DROP TABLE rollup_state;
DROP TABLE daily_figures;
