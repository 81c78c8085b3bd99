-- Notices (公告) to buildings or units, with attachments, by e-mail too, and
-- their read counts (issue 14 item 1); "four pests" information posted by
-- the rules once per month of a project's schedule (C4).
-- +goose Up
CREATE TABLE bulletin_buildings (
	project_id  INTEGER NOT NULL,
	bulletin_id INTEGER NOT NULL,
	building_id INTEGER NOT NULL,
	PRIMARY KEY (project_id, bulletin_id, building_id),
	FOREIGN KEY (project_id, bulletin_id) REFERENCES bulletins (project_id, id) ON DELETE CASCADE,
	FOREIGN KEY (project_id, building_id) REFERENCES buildings (project_id, id)
);
CREATE TABLE bulletin_units (
	project_id  INTEGER NOT NULL,
	bulletin_id INTEGER NOT NULL,
	unit_id     INTEGER NOT NULL,
	PRIMARY KEY (project_id, bulletin_id, unit_id),
	FOREIGN KEY (project_id, bulletin_id) REFERENCES bulletins (project_id, id) ON DELETE CASCADE,
	FOREIGN KEY (project_id, unit_id) REFERENCES units (project_id, id)
);
CREATE TABLE bulletin_files (
	id           INTEGER PRIMARY KEY,
	project_id   INTEGER NOT NULL,
	bulletin_id  INTEGER NOT NULL,
	name         TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size         INTEGER NOT NULL,
	data         BLOB NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, bulletin_id) REFERENCES bulletins (project_id, id) ON DELETE CASCADE
);
CREATE INDEX bulletin_files_bulletin ON bulletin_files (project_id, bulletin_id);
CREATE TABLE bulletin_reads (
	project_id  INTEGER NOT NULL,
	bulletin_id INTEGER NOT NULL,
	person_id   INTEGER NOT NULL,
	read_at     TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, bulletin_id, person_id),
	FOREIGN KEY (project_id, bulletin_id) REFERENCES bulletins (project_id, id) ON DELETE CASCADE,
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id) ON DELETE CASCADE
);
ALTER TABLE bulletins ADD COLUMN send_email INTEGER NOT NULL DEFAULT 0;
-- The month ("2026-12") of a "four pests" schedule an information notice
-- was posted for: one a month, however often the rules run.
ALTER TABLE bulletins ADD COLUMN occurrence TEXT;
CREATE UNIQUE INDEX bulletins_occurrence ON bulletins (project_id, kind, occurrence);
CREATE TABLE four_pests_schedules (
	project_id  INTEGER PRIMARY KEY REFERENCES projects (id),
	day         INTEGER NOT NULL,
	months      TEXT NOT NULL DEFAULT '',
	title       TEXT NOT NULL,
	body        TEXT NOT NULL,
	board_days  INTEGER NOT NULL,
	enabled     INTEGER NOT NULL DEFAULT 1,
	updated_by  INTEGER REFERENCES users (id),
	updated_at  TIMESTAMP NOT NULL,
	CHECK (day BETWEEN 1 AND 28)
);
-- Residents' e-mail addresses, for notices by e-mail.
ALTER TABLE persons ADD COLUMN email TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE persons DROP COLUMN email;
DROP TABLE four_pests_schedules;
DROP INDEX bulletins_occurrence;
ALTER TABLE bulletins DROP COLUMN occurrence;
ALTER TABLE bulletins DROP COLUMN send_email;
DROP TABLE bulletin_reads;
DROP TABLE bulletin_files;
DROP TABLE bulletin_units;
DROP TABLE bulletin_buildings;
