-- Covering indexes for the one-box lookup (F5). A lookup finds plates by
-- their end and then shows each person's plates, homes and first phone;
-- with these indexes it reads all of that from the indexes alone, without
-- a second descent into the table for every row (measured: about a
-- quarter less time per lookup at a million households, docs/performance.md).

-- +goose Up
DROP INDEX vehicles_plate_rev;
CREATE INDEX vehicles_plate_rev ON vehicles (project_id, plate_rev, plate, person_id);
DROP INDEX vehicles_person;
CREATE INDEX vehicles_person ON vehicles (project_id, person_id, id, plate);
DROP INDEX households_person;
CREATE INDEX households_person ON households (project_id, person_id, move_out, room_id, relation);
CREATE INDEX person_phones_person ON person_phones (project_id, person_id, position, phone);

-- +goose Down
DROP INDEX person_phones_person;
DROP INDEX households_person;
CREATE INDEX households_person ON households (project_id, person_id);
DROP INDEX vehicles_person;
CREATE INDEX vehicles_person ON vehicles (project_id, person_id);
DROP INDEX vehicles_plate_rev;
CREATE INDEX vehicles_plate_rev ON vehicles (project_id, plate_rev);
