-- Knowing the residents (S1, C1, M1, K2, S6, U1): the projects' leads of
-- the training, its settings and points table, the leaders' question bank,
-- the assessment plans and each person's assessments, the generated
-- quizzes, the spaced repetition of what was missed, and the new hires'
-- on-site training. A household records where it came from: a move-in
-- recorded in Wubu ('wubu') or an import ('import'), so that the week's
-- new residents are the ones who really moved in.

-- +goose Up
ALTER TABLE households ADD COLUMN origin TEXT NOT NULL DEFAULT 'wubu';
CREATE INDEX households_new ON households (project_id, created_at) WHERE origin = 'wubu';

CREATE TABLE training_leads (
	project_id INTEGER NOT NULL REFERENCES projects (id),
	kind       TEXT NOT NULL,
	user_id    INTEGER NOT NULL REFERENCES users (id),
	set_by     INTEGER,
	set_at     TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, kind)
);

CREATE TABLE training_settings (
	project_id          INTEGER NOT NULL PRIMARY KEY REFERENCES projects (id),
	appliance_inventory INTEGER NOT NULL DEFAULT 0,
	first_days          INTEGER NOT NULL,
	points              TEXT NOT NULL,
	updated_at          TIMESTAMP NOT NULL
);

CREATE TABLE training_bank (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects (id),
	post       TEXT NOT NULL,
	article_id INTEGER,
	text       TEXT NOT NULL,
	options    TEXT NOT NULL,
	created_by INTEGER NOT NULL,
	created_at TIMESTAMP NOT NULL,
	UNIQUE (project_id, id)
);
CREATE INDEX training_bank_post ON training_bank (project_id, post);

CREATE TABLE training_plans (
	project_id     INTEGER NOT NULL REFERENCES projects (id),
	post           TEXT NOT NULL,
	questions      INTEGER NOT NULL,
	pass_mark      INTEGER NOT NULL,
	time_limit_min INTEGER NOT NULL,
	retake_hours   INTEGER NOT NULL,
	every_months   INTEGER NOT NULL,
	due_days       INTEGER NOT NULL,
	next_issue     TIMESTAMP,
	updated_at     TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, post)
);

CREATE TABLE training_sittings (
	id             INTEGER PRIMARY KEY,
	project_id     INTEGER NOT NULL REFERENCES projects (id),
	user_id        INTEGER NOT NULL REFERENCES users (id),
	post           TEXT NOT NULL,
	state          TEXT NOT NULL,
	questions      INTEGER NOT NULL,
	pass_mark      INTEGER NOT NULL,
	time_limit_min INTEGER NOT NULL,
	retake_hours   INTEGER NOT NULL,
	due_at         TIMESTAMP NOT NULL,
	attempts       INTEGER NOT NULL DEFAULT 0,
	best_score     INTEGER NOT NULL DEFAULT 0,
	last_at        TIMESTAMP,
	issued_by      INTEGER NOT NULL,
	issued_at      TIMESTAMP NOT NULL,
	updated_at     TIMESTAMP NOT NULL,
	UNIQUE (project_id, id)
);
CREATE INDEX training_sittings_user ON training_sittings (project_id, user_id, issued_at);
-- One assessment open per person: issuing twice at once issues it once.
CREATE UNIQUE INDEX training_sittings_open ON training_sittings (project_id, user_id) WHERE state <> 'passed';

CREATE TABLE training_quizzes (
	id           INTEGER PRIMARY KEY,
	project_id   INTEGER NOT NULL REFERENCES projects (id),
	user_id      INTEGER NOT NULL REFERENCES users (id),
	kind         TEXT NOT NULL,
	building_id  INTEGER,
	sitting_id   INTEGER,
	started_at   TIMESTAMP NOT NULL,
	ends_at      TIMESTAMP,
	submitted_at TIMESTAMP,
	correct      INTEGER NOT NULL DEFAULT 0,
	total        INTEGER NOT NULL,
	score        INTEGER NOT NULL DEFAULT 0,
	passed       INTEGER NOT NULL DEFAULT 0,
	questions    TEXT NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, sitting_id) REFERENCES training_sittings (project_id, id)
);
CREATE INDEX training_quizzes_user ON training_quizzes (project_id, user_id, started_at);

CREATE TABLE training_reviews (
	project_id INTEGER NOT NULL REFERENCES projects (id),
	user_id    INTEGER NOT NULL,
	qkey       TEXT NOT NULL,
	box        INTEGER NOT NULL,
	due_at     TIMESTAMP NOT NULL,
	misses     INTEGER NOT NULL DEFAULT 0,
	updated_at TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, user_id, qkey)
);
CREATE INDEX training_reviews_due ON training_reviews (project_id, user_id, due_at);

CREATE TABLE training_onboardings (
	id            INTEGER PRIMARY KEY,
	project_id    INTEGER NOT NULL REFERENCES projects (id),
	user_id       INTEGER NOT NULL REFERENCES users (id),
	post          TEXT NOT NULL,
	state         TEXT NOT NULL,
	opened_by     INTEGER NOT NULL,
	opened_at     TIMESTAMP NOT NULL,
	trained_by    INTEGER,
	trained_on    TEXT NOT NULL DEFAULT '',
	what          TEXT NOT NULL DEFAULT '',
	lead_by       INTEGER,
	lead_at       TIMESTAMP,
	lead_note     TEXT NOT NULL DEFAULT '',
	training_by   INTEGER,
	training_at   TIMESTAMP,
	training_note TEXT NOT NULL DEFAULT '',
	sitting_id    INTEGER,
	updated_at    TIMESTAMP NOT NULL,
	UNIQUE (project_id, id)
);
CREATE INDEX training_onboardings_state ON training_onboardings (project_id, state, user_id);

-- The month's points read the contributions by time.
CREATE INDEX contributions_at ON contributions (project_id, at);

-- +goose Down
DROP INDEX contributions_at;
DROP TABLE training_onboardings;
DROP TABLE training_reviews;
DROP TABLE training_quizzes;
DROP TABLE training_sittings;
DROP TABLE training_plans;
DROP TABLE training_bank;
DROP TABLE training_settings;
DROP TABLE training_leads;
DROP INDEX households_new;
ALTER TABLE households DROP COLUMN origin;
