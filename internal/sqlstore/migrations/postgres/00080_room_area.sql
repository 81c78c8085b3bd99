-- A room's floor area (建筑面积), in hundredths of a square metre
-- (89.5 ㎡ is 8950); 0 when not known.
-- +goose Up
ALTER TABLE rooms ADD COLUMN area bigint NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE rooms DROP COLUMN area;
