-- Notification outbox (F8): every message Wubu sends, one row each, unique
-- per project and dedup key, with its delivery status; each project's
-- quiet hours and webhook; residents' opt-outs per kind of message; whom a
-- deadline's warning and breach alert.
--
-- A row goes queued (or held through quiet hours) → sending (claimed with
-- a lease by one delivery loop) → sent, or back to queued with a later
-- not_before after a failed attempt, or failed after the last one; skipped
-- when the resident opted out. Inbox messages are sent when written.

-- +goose Up
CREATE TABLE outbox (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	kind        TEXT NOT NULL,
	channel     TEXT NOT NULL,
	user_id     INTEGER,
	person_id   INTEGER,
	address     TEXT NOT NULL DEFAULT '',
	vars        TEXT NOT NULL DEFAULT '{}',
	urgent      INTEGER NOT NULL DEFAULT 0,
	dedup_key   TEXT NOT NULL,
	object_type TEXT NOT NULL DEFAULT '',
	object_id   TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL,
	attempts    INTEGER NOT NULL DEFAULT 0,
	not_before  TIMESTAMP NOT NULL,
	claim       TEXT NOT NULL DEFAULT '',
	lease_until TIMESTAMP,
	last_error  TEXT NOT NULL DEFAULT '',
	sent_at     TIMESTAMP,
	read_at     TIMESTAMP,
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	UNIQUE (project_id, dedup_key)
);
CREATE INDEX outbox_due ON outbox (not_before) WHERE status IN ('queued', 'held');
CREATE INDEX outbox_leased ON outbox (lease_until) WHERE status = 'sending';
CREATE INDEX outbox_inbox ON outbox (user_id, id) WHERE channel = 'inbox';
CREATE INDEX outbox_unread ON outbox (user_id) WHERE channel = 'inbox' AND status = 'sent' AND read_at IS NULL;
CREATE INDEX outbox_project ON outbox (project_id, id);

CREATE TABLE outbox_settings (
	project_id     INTEGER PRIMARY KEY REFERENCES projects (id),
	quiet_start    INTEGER NOT NULL DEFAULT 1260,
	quiet_end      INTEGER NOT NULL DEFAULT 480,
	webhook_url    TEXT NOT NULL DEFAULT '',
	webhook_secret TEXT NOT NULL DEFAULT '',
	updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE notify_optouts (
	project_id INTEGER NOT NULL,
	person_id  INTEGER NOT NULL,
	kind       TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, person_id, kind),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id) ON DELETE CASCADE
);

ALTER TABLE deadlines ADD COLUMN warn_notify TEXT NOT NULL DEFAULT '[]';
ALTER TABLE deadlines ADD COLUMN breach_notify TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE deadlines DROP COLUMN breach_notify;
ALTER TABLE deadlines DROP COLUMN warn_notify;
DROP TABLE notify_optouts;
DROP TABLE outbox_settings;
DROP TABLE outbox;
