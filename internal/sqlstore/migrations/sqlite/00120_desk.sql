-- The customer-service post's front desk (E2), stairwell notices (E4) and
-- gifts handed out (D2, C6, D4).
-- +goose Up
CREATE TABLE desk_settings (
	project_id     INTEGER PRIMARY KEY REFERENCES projects (id),
	wait_threshold INTEGER NOT NULL DEFAULT 2,
	recall_minutes INTEGER NOT NULL DEFAULT 10,
	updated_at     TIMESTAMP NOT NULL
);
CREATE TABLE desk_standby (
	project_id INTEGER NOT NULL REFERENCES projects (id),
	user_id    INTEGER NOT NULL REFERENCES users (id),
	added_at   TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, user_id)
);
CREATE TABLE desk_tickets (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	day         TEXT NOT NULL,
	number      INTEGER NOT NULL,
	business    TEXT NOT NULL,
	note        TEXT NOT NULL DEFAULT '',
	state       TEXT NOT NULL,
	taken_by    INTEGER REFERENCES users (id),
	taken_at    TIMESTAMP NOT NULL,
	served_by   INTEGER REFERENCES users (id),
	serve_start TIMESTAMP,
	serve_end   TIMESTAMP,
	left_at     TIMESTAMP,
	updated_at  TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	UNIQUE (project_id, day, number)
);
CREATE INDEX desk_tickets_state ON desk_tickets (project_id, state, taken_at);
-- One row per project: whether more than the threshold wait, since when,
-- and when the standby staff were last called.
CREATE TABLE desk_alarms (
	project_id   INTEGER PRIMARY KEY REFERENCES projects (id),
	above        INTEGER NOT NULL DEFAULT 0,
	rise         INTEGER NOT NULL DEFAULT 0,
	raised_at    TIMESTAMP,
	last_call_at TIMESTAMP,
	round        INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE desk_calls (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects (id),
	rise       INTEGER NOT NULL,
	round      INTEGER NOT NULL,
	user_id    INTEGER NOT NULL REFERENCES users (id),
	waiting    INTEGER NOT NULL,
	called_at  TIMESTAMP NOT NULL,
	UNIQUE (project_id, id)
);
CREATE INDEX desk_calls_rise ON desk_calls (project_id, rise, called_at);
CREATE TABLE desk_kiosks (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects (id),
	name       TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	created_by INTEGER NOT NULL REFERENCES users (id),
	created_at TIMESTAMP NOT NULL,
	revoked_at TIMESTAMP,
	UNIQUE (project_id, id)
);

CREATE TABLE notice_templates (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects (id),
	title      TEXT NOT NULL,
	body       TEXT NOT NULL,
	archived   INTEGER NOT NULL DEFAULT 0,
	updated_at TIMESTAMP NOT NULL,
	UNIQUE (project_id, id)
);
CREATE TABLE stairwell_notices (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	unit_id     INTEGER NOT NULL,
	template_id INTEGER,
	title       TEXT NOT NULL,
	body        TEXT NOT NULL,
	reason      TEXT NOT NULL,
	posted_by   INTEGER NOT NULL REFERENCES users (id),
	posted_at   TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, unit_id) REFERENCES units (project_id, id),
	FOREIGN KEY (project_id, template_id) REFERENCES notice_templates (project_id, id)
);
CREATE INDEX stairwell_notices_unit ON stairwell_notices (project_id, unit_id, posted_at);

CREATE TABLE gift_items (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects (id),
	name       TEXT NOT NULL,
	kind       TEXT NOT NULL,
	stock      INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
	created_at TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	UNIQUE (project_id, name)
);
CREATE TABLE gift_campaigns (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	name        TEXT NOT NULL,
	item_id     INTEGER NOT NULL,
	building_id INTEGER,
	created_by  INTEGER NOT NULL REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, item_id) REFERENCES gift_items (project_id, id),
	FOREIGN KEY (project_id, building_id) REFERENCES buildings (project_id, id)
);
CREATE TABLE gift_movements (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	item_id     INTEGER NOT NULL,
	kind        TEXT NOT NULL,
	quantity    INTEGER NOT NULL CHECK (quantity > 0),
	person_id   INTEGER,
	room_id     INTEGER,
	campaign_id INTEGER,
	note        TEXT NOT NULL DEFAULT '',
	by_user     INTEGER NOT NULL REFERENCES users (id),
	at          TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, item_id) REFERENCES gift_items (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id),
	FOREIGN KEY (project_id, room_id) REFERENCES rooms (project_id, id),
	FOREIGN KEY (project_id, campaign_id) REFERENCES gift_campaigns (project_id, id)
);
CREATE INDEX gift_movements_item ON gift_movements (project_id, item_id, at);
CREATE INDEX gift_movements_person ON gift_movements (project_id, person_id);
-- A campaign's gift goes to each household (room) once.
CREATE UNIQUE INDEX gift_movements_campaign_room ON gift_movements (project_id, campaign_id, room_id) WHERE campaign_id IS NOT NULL;

-- +goose Down
DROP TABLE gift_movements;
DROP TABLE gift_campaigns;
DROP TABLE gift_items;
DROP TABLE stairwell_notices;
DROP TABLE notice_templates;
DROP TABLE desk_kiosks;
DROP TABLE desk_calls;
DROP TABLE desk_alarms;
DROP TABLE desk_tickets;
DROP TABLE desk_standby;
DROP TABLE desk_settings;
