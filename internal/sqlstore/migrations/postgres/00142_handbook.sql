-- The service hotline and zone contacts (K5) and the convenience
-- handbook's versions (H3).
-- +goose Up
CREATE TABLE community_info (
	project_id   bigint PRIMARY KEY REFERENCES projects (id),
	hotline      text NOT NULL DEFAULT '',
	hours        text NOT NULL DEFAULT '',
	channels     text NOT NULL DEFAULT '',
	safety       text NOT NULL DEFAULT '',
	facilities   text NOT NULL DEFAULT '',
	surroundings text NOT NULL DEFAULT '',
	updated_by   bigint REFERENCES users (id),
	updated_at   timestamptz NOT NULL
);
CREATE TABLE handbook_versions (
	project_id bigint NOT NULL REFERENCES projects (id),
	version    integer NOT NULL,
	digest     text NOT NULL,
	created_at timestamptz NOT NULL,
	PRIMARY KEY (project_id, version)
);

-- +goose Down
DROP TABLE handbook_versions;
DROP TABLE community_info;
