-- The anticipated-issue register (焦点问题, K8): issues ranked by impact,
-- their escalations to the developer and their follow-ups.
-- +goose Up
CREATE TABLE focus_issues (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	title       TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	source      TEXT NOT NULL,
	households  INTEGER NOT NULL,
	severity    INTEGER NOT NULL,
	owner_id    INTEGER NOT NULL REFERENCES users (id),
	state       TEXT NOT NULL,
	created_by  INTEGER REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX focus_issues_project ON focus_issues (project_id, state);
CREATE TABLE focus_escalations (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	issue_id    INTEGER NOT NULL REFERENCES focus_issues (id),
	question    TEXT NOT NULL,
	sent_by     INTEGER REFERENCES users (id),
	sent_at     TIMESTAMP NOT NULL,
	answer      TEXT NOT NULL DEFAULT '',
	answered_at TIMESTAMP
);
CREATE INDEX focus_escalations_issue ON focus_escalations (issue_id);
CREATE TABLE focus_followups (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	issue_id    INTEGER NOT NULL REFERENCES focus_issues (id),
	action      TEXT NOT NULL,
	owner_id    INTEGER NOT NULL REFERENCES users (id),
	due_at      TIMESTAMP NOT NULL,
	state       TEXT NOT NULL,
	note        TEXT NOT NULL DEFAULT '',
	done_at     TIMESTAMP,
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX focus_followups_issue ON focus_followups (issue_id);

-- +goose Down
DROP TABLE focus_followups;
DROP TABLE focus_escalations;
DROP TABLE focus_issues;
