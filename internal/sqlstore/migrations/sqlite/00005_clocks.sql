-- SLA clocks: deadlines and their fired stages. The timers themselves are
-- River jobs (internal/jobs), in River's own tables created by rivermigrate.
--
-- A deadline row is the truth about a clock: its state, generation and the
-- next stage to fire (next_stage at next_at). next_queued records that a job
-- for that stage has been handed to the job queue; the reconciler queues any
-- stage for which that is not yet so. A fired stage is one row of
-- clock_events, unique per deadline, generation and stage: inserted in the
-- same transaction as the stage's effects, it makes each stage fire once.

-- +goose Up
CREATE TABLE deadlines (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	object_type TEXT NOT NULL,
	object_id   TEXT NOT NULL,
	kind        TEXT NOT NULL,
	basis       TEXT NOT NULL,
	due_at      TIMESTAMP NOT NULL,
	warn_at     TIMESTAMP,
	escalation  TEXT NOT NULL DEFAULT '[]',
	state       TEXT NOT NULL,
	level       INTEGER NOT NULL DEFAULT 0,
	generation  INTEGER NOT NULL,
	armed_at    TIMESTAMP NOT NULL,
	disarmed_at TIMESTAMP,
	met         INTEGER,
	next_stage  TEXT,
	next_at     TIMESTAMP,
	next_queued INTEGER NOT NULL DEFAULT 0,
	updated_at  TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	UNIQUE (project_id, object_type, object_id, kind)
);
CREATE INDEX deadlines_running ON deadlines (project_id, due_at)
	WHERE state IN ('armed', 'warned', 'breached', 'escalated');
CREATE INDEX deadlines_next ON deadlines (next_at) WHERE next_at IS NOT NULL;
CREATE INDEX deadlines_unqueued ON deadlines (next_at) WHERE next_at IS NOT NULL AND next_queued = FALSE;

CREATE TABLE clock_events (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL,
	deadline_id INTEGER NOT NULL,
	generation  INTEGER NOT NULL,
	stage       TEXT NOT NULL,
	notify      TEXT NOT NULL DEFAULT '',
	due_at      TIMESTAMP NOT NULL,
	fired_at    TIMESTAMP NOT NULL,
	lateness_us INTEGER NOT NULL,
	UNIQUE (project_id, id),
	UNIQUE (project_id, deadline_id, generation, stage),
	FOREIGN KEY (project_id, deadline_id) REFERENCES deadlines (project_id, id)
);

-- +goose Down
DROP TABLE clock_events;
DROP TABLE deadlines;
