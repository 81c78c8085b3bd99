-- The service hotline and zone contacts (K5) and the convenience
-- handbook's versions (H3).
-- +goose Up
CREATE TABLE community_info (
	project_id   INTEGER PRIMARY KEY REFERENCES projects (id),
	hotline      TEXT NOT NULL DEFAULT '',
	hours        TEXT NOT NULL DEFAULT '',
	channels     TEXT NOT NULL DEFAULT '',
	safety       TEXT NOT NULL DEFAULT '',
	facilities   TEXT NOT NULL DEFAULT '',
	surroundings TEXT NOT NULL DEFAULT '',
	updated_by   INTEGER REFERENCES users (id),
	updated_at   TIMESTAMP NOT NULL
);
CREATE TABLE handbook_versions (
	project_id INTEGER NOT NULL REFERENCES projects (id),
	version    INTEGER NOT NULL,
	digest     TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, version)
);

-- +goose Down
DROP TABLE handbook_versions;
DROP TABLE community_info;
