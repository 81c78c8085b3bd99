-- The residents' portal (issue 15): sign-in codes by SMS, the portal's
-- sessions, and the number's index the sign-in looks persons up by.
-- +goose Up
CREATE TABLE portal_codes (
	id         INTEGER PRIMARY KEY,
	phone      TEXT NOT NULL,
	code_hash  TEXT NOT NULL,
	ip         TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	send_at    TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL,
	used_at    TIMESTAMP,
	tries      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX portal_codes_phone ON portal_codes (phone, created_at);
CREATE INDEX portal_codes_ip ON portal_codes (ip, created_at);

CREATE TABLE portal_throttle (
	key     TEXT NOT NULL PRIMARY KEY,
	last_at TIMESTAMP NOT NULL
);

CREATE TABLE portal_sessions (
	id         INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	phone      TEXT NOT NULL,
	project_id INTEGER,
	person_id  INTEGER,
	created_at TIMESTAMP NOT NULL,
	last_seen  TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL,
	ip         TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX portal_sessions_person ON portal_sessions (project_id, person_id);

CREATE INDEX person_phones_number ON person_phones (phone);

-- +goose Down
DROP INDEX person_phones_number;
DROP TABLE portal_sessions;
DROP TABLE portal_throttle;
DROP TABLE portal_codes;
