-- Pre-move-in pages (K4): the buyers on the prospect list sign in with
-- their card's invitation code into a session of their own; the centre
-- publishes purchasing and renovation information and group-buy offers.
-- +goose Up
CREATE TABLE premovein_sessions (
	id          INTEGER PRIMARY KEY,
	token_hash  TEXT NOT NULL UNIQUE,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	prospect_id INTEGER NOT NULL REFERENCES prospects (id),
	created_at  TIMESTAMP NOT NULL,
	expires_at  TIMESTAMP NOT NULL
);
CREATE TABLE premovein_items (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	kind        TEXT NOT NULL,
	title       TEXT NOT NULL,
	body        TEXT NOT NULL DEFAULT '',
	supplier    TEXT NOT NULL DEFAULT '',
	price       TEXT NOT NULL DEFAULT '',
	valid_until TEXT NOT NULL DEFAULT '',
	created_by  INTEGER REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX premovein_items_project ON premovein_items (project_id, kind);

-- +goose Down
DROP TABLE premovein_items;
DROP TABLE premovein_sessions;
