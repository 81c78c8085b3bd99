-- A pest-control plan's advance notices may also go to the residents by
-- SMS (issue 14 item 1, C3).
-- +goose Up
ALTER TABLE pest_plans ADD COLUMN send_sms INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE pest_plans DROP COLUMN send_sms;
