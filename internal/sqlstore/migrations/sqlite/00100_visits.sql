-- Visits with survey forms and move-in by zone (K3, K7, D1, D4): revisits
-- become visits of a kind (a revisit, a welcome visit, the satisfaction
-- programme's revisit, a special day's congratulation) with the welcome
-- visit's checklist; survey forms per project (a visit kind's form, later a
-- community survey's) with their questions, responses and answers; the
-- project's visit settings and the runs of the monthly programme; the
-- project's move-in checklist, the move-ins and their ticked items.
-- +goose Up
ALTER TABLE revisits ADD COLUMN kind TEXT NOT NULL DEFAULT 'revisit';
ALTER TABLE revisits ADD COLUMN checks TEXT NOT NULL DEFAULT '';
CREATE INDEX revisits_kind ON revisits (project_id, kind, status, due_at);

CREATE TABLE visit_settings (
	project_id            INTEGER PRIMARY KEY REFERENCES projects (id),
	welcome_days          INTEGER NOT NULL DEFAULT 7,
	programme_percent     INTEGER NOT NULL DEFAULT 0,
	programme_gap_months  INTEGER NOT NULL DEFAULT 6,
	move_in_stall_days    INTEGER NOT NULL DEFAULT 3,
	updated_at            TIMESTAMP NOT NULL
);

CREATE TABLE visit_programme_runs (
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	month       TEXT NOT NULL,
	households  INTEGER NOT NULL,
	chosen      INTEGER NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, month)
);

CREATE TABLE survey_forms (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	purpose     TEXT NOT NULL,
	title       TEXT NOT NULL,
	opens_on    TEXT NOT NULL DEFAULT '',
	closes_on   TEXT NOT NULL DEFAULT '',
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL,
	UNIQUE (project_id, id)
);
CREATE INDEX survey_forms_purpose ON survey_forms (project_id, purpose);

CREATE TABLE survey_questions (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL,
	form_id     INTEGER NOT NULL,
	position    INTEGER NOT NULL,
	kind        TEXT NOT NULL,
	text        TEXT NOT NULL,
	choices     TEXT NOT NULL DEFAULT '',
	required    INTEGER NOT NULL DEFAULT 0,
	archived    INTEGER NOT NULL DEFAULT 0,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, form_id) REFERENCES survey_forms (project_id, id) ON DELETE CASCADE
);
CREATE INDEX survey_questions_form ON survey_questions (project_id, form_id, position);

CREATE TABLE survey_responses (
	id           INTEGER PRIMARY KEY,
	project_id   INTEGER NOT NULL,
	form_id      INTEGER NOT NULL,
	person_id    INTEGER,
	building_id  INTEGER,
	visit_id     INTEGER,
	answered_by  INTEGER REFERENCES users (id),
	answered_at  TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, form_id) REFERENCES survey_forms (project_id, id) ON DELETE CASCADE,
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id),
	FOREIGN KEY (project_id, building_id) REFERENCES buildings (project_id, id),
	FOREIGN KEY (project_id, visit_id) REFERENCES revisits (project_id, id) ON DELETE CASCADE
);
CREATE INDEX survey_responses_form ON survey_responses (project_id, form_id, building_id);
CREATE INDEX survey_responses_person ON survey_responses (project_id, person_id);

CREATE TABLE survey_answers (
	project_id   INTEGER NOT NULL,
	response_id  INTEGER NOT NULL,
	question_id  INTEGER NOT NULL,
	score        INTEGER,
	choices      TEXT NOT NULL DEFAULT '',
	text         TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (project_id, response_id, question_id),
	FOREIGN KEY (project_id, response_id) REFERENCES survey_responses (project_id, id) ON DELETE CASCADE,
	FOREIGN KEY (project_id, question_id) REFERENCES survey_questions (project_id, id) ON DELETE CASCADE
);

CREATE TABLE move_in_items (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	position    INTEGER NOT NULL,
	label       TEXT NOT NULL,
	archived    INTEGER NOT NULL DEFAULT 0,
	UNIQUE (project_id, id)
);
CREATE INDEX move_in_items_project ON move_in_items (project_id, position);

CREATE TABLE move_ins (
	id            INTEGER PRIMARY KEY,
	project_id    INTEGER NOT NULL REFERENCES projects (id),
	room_id       INTEGER NOT NULL,
	building_id   INTEGER NOT NULL,
	zone_id       INTEGER,
	assistant_id  INTEGER REFERENCES users (id),
	name          TEXT NOT NULL,
	phone         TEXT NOT NULL DEFAULT '',
	relation      TEXT NOT NULL,
	members       TEXT NOT NULL DEFAULT '',
	move_in_on    TEXT NOT NULL,
	source        TEXT NOT NULL DEFAULT 'desk',
	source_ref    TEXT NOT NULL DEFAULT '',
	state         TEXT NOT NULL,
	started_by    INTEGER NOT NULL REFERENCES users (id),
	started_at    TIMESTAMP NOT NULL,
	due_at        TIMESTAMP,
	completed_at  TIMESTAMP,
	person_id     INTEGER,
	visit_id      INTEGER,
	updated_at    TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, room_id) REFERENCES rooms (project_id, id),
	FOREIGN KEY (project_id, building_id) REFERENCES buildings (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id)
);
CREATE INDEX move_ins_state ON move_ins (project_id, state, zone_id);
CREATE INDEX move_ins_assistant ON move_ins (assistant_id, state, due_at);

CREATE TABLE move_in_checks (
	project_id   INTEGER NOT NULL,
	move_in_id   INTEGER NOT NULL,
	item_id      INTEGER NOT NULL,
	note         TEXT NOT NULL DEFAULT '',
	done_by      INTEGER NOT NULL REFERENCES users (id),
	done_at      TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, move_in_id, item_id),
	FOREIGN KEY (project_id, move_in_id) REFERENCES move_ins (project_id, id) ON DELETE CASCADE,
	FOREIGN KEY (project_id, item_id) REFERENCES move_in_items (project_id, id)
);

-- +goose Down
DROP TABLE move_in_checks;
DROP TABLE move_ins;
DROP TABLE move_in_items;
DROP TABLE survey_answers;
DROP TABLE survey_responses;
DROP TABLE survey_questions;
DROP TABLE survey_forms;
DROP TABLE visit_programme_runs;
DROP TABLE visit_settings;
DROP INDEX revisits_kind;
ALTER TABLE revisits DROP COLUMN checks;
ALTER TABLE revisits DROP COLUMN kind;
