-- Work orders (M5–M8): orders and their transitions, quote and bill lines,
-- photos, the price list, the per-project order settings and the
-- night-duty roster. Project tables lead their keys with project_id.

-- +goose Up
CREATE TABLE price_items (
	project_id INTEGER NOT NULL REFERENCES projects (id),
	id         INTEGER PRIMARY KEY,
	category   TEXT NOT NULL,
	kind       TEXT NOT NULL,
	name       TEXT NOT NULL,
	unit       TEXT NOT NULL DEFAULT '',
	price      INTEGER NOT NULL,
	free       INTEGER NOT NULL DEFAULT 0,
	active     INTEGER NOT NULL DEFAULT 1,
	updated_at TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	UNIQUE (project_id, kind, name)
);

CREATE TABLE orders (
	project_id      INTEGER NOT NULL REFERENCES projects (id),
	id              INTEGER PRIMARY KEY,
	category        TEXT NOT NULL,
	urgency         TEXT NOT NULL,
	source          TEXT NOT NULL,
	state           TEXT NOT NULL,
	item_id         INTEGER,
	item_name       TEXT NOT NULL DEFAULT '',
	description     TEXT NOT NULL DEFAULT '',
	appointment_at  TIMESTAMP,
	person_id       INTEGER,
	room_id         INTEGER,
	appliance_id    INTEGER,
	parent_id       INTEGER,
	team            TEXT NOT NULL,
	assignee_id     INTEGER REFERENCES users (id),
	night           INTEGER NOT NULL DEFAULT 0,
	duty_user_id    INTEGER REFERENCES users (id),
	called_at       TIMESTAMP,
	promise_due_at  TIMESTAMP,
	promise_kept    INTEGER,
	reported_at     TIMESTAMP NOT NULL,
	dispatched_at   TIMESTAMP,
	accepted_at     TIMESTAMP,
	arrived_at      TIMESTAMP,
	quoted_at       TIMESTAMP,
	confirmed_at    TIMESTAMP,
	started_at      TIMESTAMP,
	done_at         TIMESTAMP,
	followed_up_at  TIMESTAMP,
	closed_at       TIMESTAMP,
	cancelled_at    TIMESTAMP,
	quote_labour    INTEGER NOT NULL DEFAULT 0,
	quote_materials INTEGER NOT NULL DEFAULT 0,
	confirmed_by    TEXT NOT NULL DEFAULT '',
	confirm_method  TEXT NOT NULL DEFAULT '',
	final_labour    INTEGER NOT NULL DEFAULT 0,
	final_materials INTEGER NOT NULL DEFAULT 0,
	final_reason    TEXT NOT NULL DEFAULT '',
	labour_waived   INTEGER NOT NULL DEFAULT 0,
	checklist       TEXT NOT NULL DEFAULT '',
	follow_up_due   TIMESTAMP,
	works           INTEGER,
	satisfaction    INTEGER NOT NULL DEFAULT 0,
	follow_up_note  TEXT NOT NULL DEFAULT '',
	reopens         INTEGER NOT NULL DEFAULT 0,
	cancel_reason   TEXT NOT NULL DEFAULT '',
	created_by      INTEGER,
	updated_at      TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, item_id) REFERENCES price_items (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id),
	FOREIGN KEY (project_id, room_id) REFERENCES rooms (project_id, id),
	FOREIGN KEY (project_id, appliance_id) REFERENCES appliances (project_id, id),
	FOREIGN KEY (project_id, parent_id) REFERENCES orders (project_id, id)
);
CREATE INDEX orders_state ON orders (project_id, state, reported_at);
CREATE INDEX orders_reported ON orders (project_id, reported_at);
CREATE INDEX orders_assignee ON orders (project_id, assignee_id, state);
CREATE INDEX orders_person ON orders (project_id, person_id, reported_at);
CREATE INDEX orders_room ON orders (project_id, room_id, reported_at);
CREATE INDEX orders_appliance ON orders (project_id, appliance_id) WHERE appliance_id IS NOT NULL;
CREATE INDEX orders_follow_up ON orders (project_id, follow_up_due) WHERE state = 'done';

CREATE TABLE order_events (
	project_id INTEGER NOT NULL,
	id         INTEGER PRIMARY KEY,
	order_id   INTEGER NOT NULL,
	at         TIMESTAMP NOT NULL,
	user_id    INTEGER,
	action     TEXT NOT NULL,
	from_state TEXT NOT NULL,
	to_state   TEXT NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, order_id) REFERENCES orders (project_id, id)
);
CREATE INDEX order_events_order ON order_events (project_id, order_id, id);

CREATE TABLE order_lines (
	project_id    INTEGER NOT NULL,
	id            INTEGER PRIMARY KEY,
	order_id      INTEGER NOT NULL,
	phase         TEXT NOT NULL,
	position      INTEGER NOT NULL,
	price_item_id INTEGER,
	kind          TEXT NOT NULL,
	name          TEXT NOT NULL,
	quantity      REAL NOT NULL,
	unit_price    INTEGER NOT NULL,
	amount        INTEGER NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, order_id) REFERENCES orders (project_id, id)
);
CREATE INDEX order_lines_order ON order_lines (project_id, order_id, phase, position);

CREATE TABLE order_photos (
	project_id   INTEGER NOT NULL,
	id           INTEGER PRIMARY KEY,
	order_id     INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	data         BLOB NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, order_id) REFERENCES orders (project_id, id)
);
CREATE INDEX order_photos_order ON order_photos (project_id, order_id);

CREATE TABLE order_settings (
	project_id     INTEGER PRIMARY KEY REFERENCES projects (id),
	urgent_minutes INTEGER NOT NULL,
	normal_minutes INTEGER NOT NULL,
	warn_minutes   INTEGER NOT NULL,
	free_minutes   INTEGER NOT NULL,
	follow_up_days INTEGER NOT NULL,
	day_from       TEXT NOT NULL,
	day_until      TEXT NOT NULL,
	rest_from      TEXT NOT NULL,
	rest_until     TEXT NOT NULL,
	updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE duty_roster (
	project_id     INTEGER NOT NULL REFERENCES projects (id),
	day            TEXT NOT NULL,
	duty_user_id   INTEGER REFERENCES users (id),
	oncall_user_id INTEGER REFERENCES users (id),
	updated_at     TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, day)
);

-- +goose Down
DROP TABLE duty_roster;
DROP TABLE order_settings;
DROP TABLE order_photos;
DROP TABLE order_lines;
DROP TABLE order_events;
DROP TABLE orders;
DROP TABLE price_items;
