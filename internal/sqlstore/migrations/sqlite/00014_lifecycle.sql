-- +goose Up
-- One event log for every object that moves through steps (the life-cycle
-- engine): who took which step when, from which state to which, with a
-- note. It takes over the orders' own event log.
CREATE TABLE lifecycle_events (
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	id          INTEGER PRIMARY KEY,
	object_type TEXT NOT NULL,
	object_id   INTEGER NOT NULL,
	at          TIMESTAMP NOT NULL,
	user_id     INTEGER REFERENCES users (id),
	action      TEXT NOT NULL,
	from_state  TEXT NOT NULL,
	to_state    TEXT NOT NULL,
	note        TEXT NOT NULL DEFAULT '',
	UNIQUE (project_id, id)
);
CREATE INDEX lifecycle_events_object ON lifecycle_events (project_id, object_type, object_id, id);

INSERT INTO lifecycle_events (project_id, object_type, object_id, at, user_id, action, from_state, to_state, note)
	SELECT project_id, 'order', order_id, at, user_id, action, from_state, to_state, note FROM order_events ORDER BY id;
DROP TABLE order_events;

-- +goose Down
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
INSERT INTO order_events (project_id, order_id, at, user_id, action, from_state, to_state, note)
	SELECT project_id, object_id, at, user_id, action, from_state, to_state, note FROM lifecycle_events WHERE object_type = 'order' ORDER BY id;
DROP TABLE lifecycle_events;
