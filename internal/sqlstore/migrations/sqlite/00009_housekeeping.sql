-- Household archive campaigns (M3, M9) and housekeeping (C2, C5, C7):
-- inspection campaigns over chosen buildings with one visit per occupied
-- room and the findings recorded at the door; the home-services catalogue,
-- booking rules, cleaners' roster, promotion weeks and bookings; the load
-- of each cleaner in each slot (the row whose conditional update makes the
-- capacity check atomic); and the needs noticed on a customer's profile.

-- +goose Up
CREATE TABLE inspection_campaigns (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects (id),
	kind       TEXT NOT NULL,
	name       TEXT NOT NULL,
	starts_on  TEXT NOT NULL,
	ends_on    TEXT NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	created_by INTEGER,
	created_at TIMESTAMP NOT NULL,
	UNIQUE (project_id, id)
);
CREATE INDEX inspection_campaigns_project ON inspection_campaigns (project_id, starts_on);

CREATE TABLE campaign_buildings (
	project_id  INTEGER NOT NULL,
	campaign_id INTEGER NOT NULL,
	building_id INTEGER NOT NULL,
	PRIMARY KEY (project_id, campaign_id, building_id),
	FOREIGN KEY (project_id, campaign_id) REFERENCES inspection_campaigns (project_id, id) ON DELETE CASCADE,
	FOREIGN KEY (project_id, building_id) REFERENCES buildings (project_id, id)
);

CREATE TABLE inspection_visits (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL,
	campaign_id INTEGER NOT NULL,
	building_id INTEGER NOT NULL,
	room_id     INTEGER NOT NULL,
	assignee_id INTEGER REFERENCES users (id),
	status      TEXT NOT NULL DEFAULT 'pending',
	note        TEXT NOT NULL DEFAULT '',
	visited_at  TIMESTAMP,
	visited_by  INTEGER REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	UNIQUE (project_id, campaign_id, room_id),
	FOREIGN KEY (project_id, campaign_id) REFERENCES inspection_campaigns (project_id, id) ON DELETE CASCADE,
	FOREIGN KEY (project_id, room_id) REFERENCES rooms (project_id, id)
);
CREATE INDEX inspection_visits_building ON inspection_visits (project_id, campaign_id, building_id, status);
CREATE INDEX inspection_visits_assignee ON inspection_visits (project_id, assignee_id, status);

CREATE TABLE inspection_findings (
	id           INTEGER PRIMARY KEY,
	project_id   INTEGER NOT NULL,
	visit_id     INTEGER NOT NULL,
	room_id      INTEGER NOT NULL,
	appliance_id INTEGER,
	appliance    TEXT NOT NULL,
	problem      TEXT NOT NULL,
	severity     TEXT NOT NULL,
	needs_repair INTEGER NOT NULL DEFAULT 0,
	created_by   INTEGER,
	created_at   TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, visit_id) REFERENCES inspection_visits (project_id, id) ON DELETE CASCADE,
	FOREIGN KEY (project_id, room_id) REFERENCES rooms (project_id, id),
	FOREIGN KEY (project_id, appliance_id) REFERENCES appliances (project_id, id)
);
CREATE INDEX inspection_findings_room ON inspection_findings (project_id, room_id, created_at);
CREATE INDEX inspection_findings_visit ON inspection_findings (project_id, visit_id);

CREATE TABLE finding_photos (
	project_id   INTEGER NOT NULL,
	finding_id   INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	data         BLOB NOT NULL,
	PRIMARY KEY (project_id, finding_id),
	FOREIGN KEY (project_id, finding_id) REFERENCES inspection_findings (project_id, id) ON DELETE CASCADE
);

CREATE TABLE hk_services (
	id           INTEGER PRIMARY KEY,
	project_id   INTEGER NOT NULL REFERENCES projects (id),
	category     TEXT NOT NULL,
	name         TEXT NOT NULL,
	unit         TEXT NOT NULL,
	price_fen    INTEGER NOT NULL,
	duration_min INTEGER NOT NULL,
	active       INTEGER NOT NULL DEFAULT 1,
	created_at   TIMESTAMP NOT NULL,
	updated_at   TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	UNIQUE (project_id, name)
);

CREATE TABLE hk_settings (
	project_id   INTEGER PRIMARY KEY REFERENCES projects (id),
	slot_minutes INTEGER NOT NULL,
	day_start    INTEGER NOT NULL,
	day_end      INTEGER NOT NULL,
	per_cleaner  INTEGER NOT NULL,
	updated_at   TIMESTAMP NOT NULL
);

CREATE TABLE hk_cleaners (
	project_id INTEGER NOT NULL,
	user_id    INTEGER NOT NULL REFERENCES users (id),
	PRIMARY KEY (project_id, user_id),
	FOREIGN KEY (project_id, user_id) REFERENCES user_projects (project_id, user_id)
);

CREATE TABLE hk_promotions (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects (id),
	name       TEXT NOT NULL,
	starts_on  TEXT NOT NULL,
	ends_on    TEXT NOT NULL,
	created_by INTEGER,
	created_at TIMESTAMP NOT NULL,
	UNIQUE (project_id, id)
);
CREATE INDEX hk_promotions_period ON hk_promotions (project_id, starts_on, ends_on);

CREATE TABLE hk_promotion_prices (
	project_id   INTEGER NOT NULL,
	promotion_id INTEGER NOT NULL,
	service_id   INTEGER NOT NULL,
	price_fen    INTEGER NOT NULL,
	PRIMARY KEY (project_id, promotion_id, service_id),
	FOREIGN KEY (project_id, promotion_id) REFERENCES hk_promotions (project_id, id) ON DELETE CASCADE,
	FOREIGN KEY (project_id, service_id) REFERENCES hk_services (project_id, id)
);

CREATE TABLE hk_bookings (
	id             INTEGER PRIMARY KEY,
	project_id     INTEGER NOT NULL,
	service_id     INTEGER NOT NULL,
	person_id      INTEGER NOT NULL,
	room_id        INTEGER NOT NULL,
	slot_start     TIMESTAMP NOT NULL,
	slot_end       TIMESTAMP NOT NULL,
	slot_unix      INTEGER NOT NULL,
	cleaner_id     INTEGER NOT NULL REFERENCES users (id),
	status         TEXT NOT NULL,
	list_price_fen INTEGER NOT NULL,
	price_fen      INTEGER NOT NULL,
	promotion_id   INTEGER,
	note           TEXT NOT NULL DEFAULT '',
	done_note      TEXT NOT NULL DEFAULT '',
	done_at        TIMESTAMP,
	cancel_reason  TEXT NOT NULL DEFAULT '',
	created_by     INTEGER,
	created_at     TIMESTAMP NOT NULL,
	updated_at     TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, service_id) REFERENCES hk_services (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id),
	FOREIGN KEY (project_id, room_id) REFERENCES rooms (project_id, id),
	FOREIGN KEY (project_id, promotion_id) REFERENCES hk_promotions (project_id, id)
);
CREATE INDEX hk_bookings_slot ON hk_bookings (project_id, slot_unix);
CREATE INDEX hk_bookings_cleaner ON hk_bookings (project_id, cleaner_id, slot_unix);
CREATE INDEX hk_bookings_person ON hk_bookings (project_id, person_id, slot_unix);

-- booked counts the active bookings of a cleaner in a slot; a booking
-- takes a place with UPDATE … SET booked = booked + 1 WHERE booked < cap.
CREATE TABLE hk_slot_load (
	project_id INTEGER NOT NULL,
	slot_unix  INTEGER NOT NULL,
	cleaner_id INTEGER NOT NULL,
	booked     INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (project_id, slot_unix, cleaner_id)
);

CREATE TABLE person_needs (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL,
	person_id  INTEGER NOT NULL,
	text       TEXT NOT NULL,
	source     TEXT NOT NULL,
	booking_id INTEGER,
	user_id    INTEGER,
	created_at TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id) ON DELETE CASCADE
);
CREATE INDEX person_needs_person ON person_needs (project_id, person_id, created_at);

-- A photo is fetched by its finding's ID alone.
CREATE INDEX finding_photos_finding ON finding_photos (finding_id);

-- +goose Down
DROP TABLE person_needs;
DROP TABLE hk_slot_load;
DROP TABLE hk_bookings;
DROP TABLE hk_promotion_prices;
DROP TABLE hk_promotions;
DROP TABLE hk_cleaners;
DROP TABLE hk_settings;
DROP TABLE hk_services;
DROP TABLE finding_photos;
DROP TABLE inspection_findings;
DROP TABLE inspection_visits;
DROP TABLE campaign_buildings;
DROP TABLE inspection_campaigns;
