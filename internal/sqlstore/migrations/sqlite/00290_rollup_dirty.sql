-- The days of the roll-ups a step has changed, still to be recomputed
-- (issue 17, the steps' cost): a step marks them here in its own
-- transaction, one row a project, metric and day however many steps
-- change it; the next read of the project's figures, the server's flusher
-- and the periodic job recompute them and take the rows away. Before,
-- every step recomputed those days itself, reading the whole day's raw
-- rows in its transaction.

-- +goose Up
CREATE TABLE rollup_dirty (
	project_id INTEGER NOT NULL REFERENCES projects (id),
	metric     TEXT NOT NULL,
	day        TEXT NOT NULL,
	PRIMARY KEY (project_id, metric, day)
);

-- +goose Down
DROP TABLE rollup_dirty;
