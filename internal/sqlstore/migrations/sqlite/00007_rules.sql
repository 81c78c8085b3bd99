-- Proactive rules (E3, D4, H1, D3) and the settings they read: each
-- project's working hours and reminder settings, the reminders the rules
-- engine has sent (one row per dedup key, so a rule that runs again skips
-- what it did), care visits, and festival greeting campaigns.

-- +goose Up
CREATE TABLE project_settings (
	project_id          INTEGER PRIMARY KEY REFERENCES projects (id),
	work_start_min      INTEGER NOT NULL,
	work_end_min        INTEGER NOT NULL,
	card_reminder_days  TEXT NOT NULL,
	special_day_lead    INTEGER NOT NULL,
	care_visit_days     INTEGER NOT NULL,
	care_escalate_days  INTEGER NOT NULL,
	updated_at          TIMESTAMP NOT NULL,
	updated_by          INTEGER
);

CREATE TABLE rule_reminders (
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	dedup_key   TEXT NOT NULL,
	rule        TEXT NOT NULL,
	object_id   INTEGER NOT NULL,
	sent_at     TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, dedup_key)
);
CREATE INDEX rule_reminders_object ON rule_reminders (project_id, rule, object_id);

CREATE TABLE care_visits (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL,
	person_id   INTEGER NOT NULL,
	user_id     INTEGER REFERENCES users (id),
	visited_at  TIMESTAMP NOT NULL,
	notes       TEXT NOT NULL DEFAULT '',
	created_at  TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id) ON DELETE CASCADE
);
CREATE INDEX care_visits_person ON care_visits (project_id, person_id, visited_at);

CREATE TABLE campaigns (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	name        TEXT NOT NULL,
	festival    TEXT NOT NULL,
	year        INTEGER NOT NULL,
	audience    TEXT NOT NULL,
	message     TEXT NOT NULL DEFAULT '',
	send_at     TIMESTAMP NOT NULL,
	state       TEXT NOT NULL,
	queued      INTEGER NOT NULL DEFAULT 0,
	queued_at   TIMESTAMP,
	created_by  INTEGER,
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL,
	UNIQUE (project_id, id)
);
CREATE INDEX campaigns_due ON campaigns (state, send_at);

-- The residents with a care flag, for the care rule and the agenda.
CREATE INDEX persons_care ON persons (project_id, id) WHERE care_flags <> '';

-- +goose Down
DROP INDEX persons_care;
DROP TABLE campaigns;
DROP TABLE care_visits;
DROP TABLE rule_reminders;
DROP TABLE project_settings;
