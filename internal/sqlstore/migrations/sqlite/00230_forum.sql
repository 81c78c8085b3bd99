-- The community forum (K4) and the interest groups' boards (U5): boards
-- per project, members of a group, topics and replies in one table (a
-- reply names its topic), reports by readers.
-- +goose Up
CREATE TABLE forum_boards (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	kind        TEXT NOT NULL,
	name        TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	created_by  INTEGER REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX forum_boards_project ON forum_boards (project_id, kind);
CREATE TABLE forum_members (
	project_id INTEGER NOT NULL REFERENCES projects (id),
	board_id   INTEGER NOT NULL REFERENCES forum_boards (id),
	person_id  INTEGER NOT NULL,
	joined_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (board_id, person_id)
);
CREATE TABLE forum_posts (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	board_id    INTEGER NOT NULL REFERENCES forum_boards (id),
	topic_id    INTEGER REFERENCES forum_posts (id),
	title       TEXT NOT NULL DEFAULT '',
	body        TEXT NOT NULL,
	state       TEXT NOT NULL,
	author_kind TEXT NOT NULL,
	person_id   INTEGER,
	prospect_id INTEGER,
	user_id     INTEGER REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX forum_posts_board ON forum_posts (board_id, topic_id, created_at);
CREATE INDEX forum_posts_topic ON forum_posts (topic_id, created_at);
CREATE TABLE forum_reports (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects (id),
	post_id    INTEGER NOT NULL REFERENCES forum_posts (id),
	reporter   TEXT NOT NULL,
	reason     TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	UNIQUE (post_id, reporter)
);
CREATE INDEX forum_reports_project ON forum_reports (project_id, post_id);

-- +goose Down
DROP TABLE forum_reports;
DROP TABLE forum_posts;
DROP TABLE forum_members;
DROP TABLE forum_boards;
