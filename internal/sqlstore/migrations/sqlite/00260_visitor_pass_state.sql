-- Visitor passes move through the life-cycle engine: invited, or
-- cancelled by the resident before the visit (issue 15).
-- +goose Up
ALTER TABLE visitor_passes ADD COLUMN state TEXT NOT NULL DEFAULT 'invited';

-- +goose Down
ALTER TABLE visitor_passes DROP COLUMN state;
