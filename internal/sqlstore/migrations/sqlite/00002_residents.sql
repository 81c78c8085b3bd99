-- Residents (F2): persons, their homes, vehicles, cards, appliances,
-- special days, photos and timeline; the lookup columns (pinyin, phone
-- suffixes, reversed plates) that let the one-box search use indexes.

-- +goose Up
CREATE TABLE persons (
	id               INTEGER PRIMARY KEY,
	project_id       INTEGER NOT NULL REFERENCES projects (id),
	name             TEXT NOT NULL,
	gender           TEXT NOT NULL DEFAULT '',
	id_number        TEXT NOT NULL DEFAULT '',
	birthday         TEXT NOT NULL DEFAULT '',
	occupation       TEXT NOT NULL DEFAULT '',
	notes            TEXT NOT NULL DEFAULT '',
	care_flags       TEXT NOT NULL DEFAULT '',
	importance       INTEGER NOT NULL DEFAULT 0,
	importance_index INTEGER NOT NULL DEFAULT 0,
	alarm_status     TEXT NOT NULL DEFAULT 'unknown',
	pinyin_initials  TEXT NOT NULL DEFAULT '',
	pinyin_full      TEXT NOT NULL DEFAULT '',
	created_by       INTEGER,
	created_at       TIMESTAMP NOT NULL,
	updated_at       TIMESTAMP NOT NULL,
	UNIQUE (project_id, id)
);
CREATE INDEX persons_name ON persons (project_id, name);
CREATE INDEX persons_initials ON persons (project_id, pinyin_initials);
CREATE INDEX persons_pinyin ON persons (project_id, pinyin_full);
CREATE INDEX persons_id_number ON persons (project_id, id_number) WHERE id_number <> '';

CREATE TABLE person_phones (
	project_id INTEGER NOT NULL,
	person_id  INTEGER NOT NULL,
	position   INTEGER NOT NULL,
	phone      TEXT NOT NULL,
	last4      TEXT NOT NULL,
	PRIMARY KEY (project_id, person_id, position),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id) ON DELETE CASCADE
);
CREATE INDEX person_phones_last4 ON person_phones (project_id, last4);
CREATE INDEX person_phones_phone ON person_phones (project_id, phone);

CREATE TABLE households (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL,
	room_id    INTEGER NOT NULL,
	person_id  INTEGER NOT NULL,
	relation   TEXT NOT NULL,
	move_in    TEXT NOT NULL DEFAULT '',
	move_out   TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	UNIQUE (project_id, room_id, person_id),
	FOREIGN KEY (project_id, room_id) REFERENCES rooms (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id) ON DELETE CASCADE
);
CREATE INDEX households_person ON households (project_id, person_id);

CREATE TABLE vehicles (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL,
	person_id  INTEGER NOT NULL,
	plate      TEXT NOT NULL,
	plate_rev  TEXT NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	UNIQUE (project_id, plate),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id) ON DELETE CASCADE
);
CREATE INDEX vehicles_person ON vehicles (project_id, person_id);
CREATE INDEX vehicles_plate_rev ON vehicles (project_id, plate_rev);

CREATE TABLE cards (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL,
	person_id  INTEGER NOT NULL,
	kind       TEXT NOT NULL,
	number     TEXT NOT NULL,
	expires_on TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	UNIQUE (project_id, kind, number),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id) ON DELETE CASCADE
);
CREATE INDEX cards_person ON cards (project_id, person_id);
CREATE INDEX cards_expiry ON cards (project_id, expires_on);

CREATE TABLE appliances (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL,
	room_id    INTEGER NOT NULL,
	type       TEXT NOT NULL,
	brand      TEXT NOT NULL DEFAULT '',
	model      TEXT NOT NULL DEFAULT '',
	note       TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, room_id) REFERENCES rooms (project_id, id)
);
CREATE INDEX appliances_room ON appliances (project_id, room_id);

CREATE TABLE special_days (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL,
	person_id  INTEGER NOT NULL,
	kind       TEXT NOT NULL,
	date       TEXT NOT NULL,
	month_day  TEXT NOT NULL,
	yearly     INTEGER NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id) ON DELETE CASCADE
);
CREATE INDEX special_days_person ON special_days (project_id, person_id);
CREATE INDEX special_days_month_day ON special_days (project_id, month_day);

CREATE TABLE person_photos (
	project_id   INTEGER NOT NULL,
	person_id    INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	data         BLOB NOT NULL,
	updated_at   TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, person_id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id) ON DELETE CASCADE
);

CREATE TABLE timeline (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL,
	person_id  INTEGER NOT NULL,
	at         TIMESTAMP NOT NULL,
	kind       TEXT NOT NULL,
	text       TEXT NOT NULL,
	user_id    INTEGER,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id) ON DELETE CASCADE
);
CREATE INDEX timeline_person ON timeline (project_id, person_id, at);

-- Who added which piece of a resident's profile (U1).
CREATE TABLE contributions (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL,
	person_id  INTEGER NOT NULL,
	user_id    INTEGER NOT NULL,
	field      TEXT NOT NULL,
	at         TIMESTAMP NOT NULL,
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id) ON DELETE CASCADE
);
CREATE INDEX contributions_project ON contributions (project_id, user_id);

-- +goose Down
DROP TABLE contributions;
DROP TABLE timeline;
DROP TABLE person_photos;
DROP TABLE special_days;
DROP TABLE appliances;
DROP TABLE cards;
DROP TABLE vehicles;
DROP TABLE households;
DROP TABLE person_phones;
DROP TABLE persons;
