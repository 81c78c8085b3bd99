-- Import column mappings (F6): what a column of a resident list holds,
-- chosen by a user on the import screen for a header the import does not
-- know by itself, remembered per project for the next file.
-- +goose Up
CREATE TABLE import_columns (
	project_id  bigint NOT NULL REFERENCES projects (id),
	header      text NOT NULL,
	field       text NOT NULL,
	updated_at  timestamptz NOT NULL,
	updated_by  bigint,
	PRIMARY KEY (project_id, header)
);

-- +goose Down
DROP TABLE import_columns;
