-- How long a project keeps the photos of its objects (issue 12 item 7).
-- +goose Up
ALTER TABLE retention_settings ADD COLUMN photos_days integer NOT NULL DEFAULT 730;

-- +goose Down
ALTER TABLE retention_settings DROP COLUMN photos_days;
