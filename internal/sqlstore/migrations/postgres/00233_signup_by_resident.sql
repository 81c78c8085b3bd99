-- Residents sign themselves up for events on the portal: a sign-up's
-- created_by (the staff member who took it) is empty then.
-- +goose Up
ALTER TABLE event_signups ALTER COLUMN created_by DROP NOT NULL;

-- +goose Down
SELECT 1;
