-- +goose Up
-- Sign-in throttle counters (issue 12): one row per login and address
-- together ("pair:<login> <ip>") and per address ("ip:<ip>"), counted in
-- one write so that parallel attempts cannot all read the same count.
CREATE TABLE login_throttle (
	key           TEXT NOT NULL PRIMARY KEY,
	failures      INTEGER NOT NULL DEFAULT 0,
	last_at       TIMESTAMP NOT NULL,
	blocked_until TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE login_throttle;
