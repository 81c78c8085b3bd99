-- Renovations (issue 18): the permitted working hours on rest days and
-- holidays, the escalation of repeated violations, the final inspection's
-- checklist.
-- +goose Up
ALTER TABLE renovation_settings ADD COLUMN rest_from TEXT NOT NULL DEFAULT '09:00';
ALTER TABLE renovation_settings ADD COLUMN rest_to TEXT NOT NULL DEFAULT '17:00';
ALTER TABLE renovation_settings ADD COLUMN holiday_work BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE renovation_settings ADD COLUMN escalate_after INTEGER NOT NULL DEFAULT 3;
ALTER TABLE renovation_settings ADD COLUMN escalate_to TEXT NOT NULL DEFAULT 'manager';
ALTER TABLE renovation_settings ADD COLUMN final_checklist TEXT NOT NULL DEFAULT '';
ALTER TABLE renovations ADD COLUMN final_items TEXT NOT NULL DEFAULT '';
ALTER TABLE renovations ADD COLUMN final_ticked TEXT NOT NULL DEFAULT '';
CREATE INDEX renovations_room ON renovations (project_id, room_id);

-- +goose Down
DROP INDEX renovations_room;
ALTER TABLE renovations DROP COLUMN final_ticked;
ALTER TABLE renovations DROP COLUMN final_items;
ALTER TABLE renovation_settings DROP COLUMN final_checklist;
ALTER TABLE renovation_settings DROP COLUMN escalate_to;
ALTER TABLE renovation_settings DROP COLUMN escalate_after;
ALTER TABLE renovation_settings DROP COLUMN holiday_work;
ALTER TABLE renovation_settings DROP COLUMN rest_to;
ALTER TABLE renovation_settings DROP COLUMN rest_from;
