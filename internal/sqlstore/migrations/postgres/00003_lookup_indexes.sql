-- Indexes for the one-box lookup (F5). Names and pinyin are found by
-- prefix and listed in order, 20 at a time: their indexes compare bytes
-- (COLLATE "C", like SQLite's) and carry the ID, so a lookup reads the
-- first 20 entries of the range in order and stops, where an index of
-- text_pattern_ops had to fetch every match and sort it. Plates found by
-- their end, and each person's plates, homes and first phone, are read
-- from covering indexes (index-only scans, once VACUUM has marked the
-- pages all-visible).

-- +goose Up
DROP INDEX persons_name;
CREATE INDEX persons_name ON persons (project_id, name COLLATE "C", id);
DROP INDEX persons_initials;
CREATE INDEX persons_initials ON persons (project_id, pinyin_initials COLLATE "C", id);
DROP INDEX persons_pinyin;
CREATE INDEX persons_pinyin ON persons (project_id, pinyin_full COLLATE "C", id);
DROP INDEX vehicles_plate_rev;
CREATE INDEX vehicles_plate_rev ON vehicles (project_id, plate_rev COLLATE "C") INCLUDE (plate, person_id);
DROP INDEX vehicles_person;
CREATE INDEX vehicles_person ON vehicles (project_id, person_id) INCLUDE (id, plate);
DROP INDEX households_person;
CREATE INDEX households_person ON households (project_id, person_id) INCLUDE (move_out, room_id, relation);
CREATE INDEX person_phones_person ON person_phones (project_id, person_id, position) INCLUDE (phone);

-- +goose Down
DROP INDEX person_phones_person;
DROP INDEX households_person;
CREATE INDEX households_person ON households (project_id, person_id);
DROP INDEX vehicles_person;
CREATE INDEX vehicles_person ON vehicles (project_id, person_id);
DROP INDEX vehicles_plate_rev;
CREATE INDEX vehicles_plate_rev ON vehicles (project_id, plate_rev text_pattern_ops);
DROP INDEX persons_pinyin;
CREATE INDEX persons_pinyin ON persons (project_id, pinyin_full text_pattern_ops);
DROP INDEX persons_initials;
CREATE INDEX persons_initials ON persons (project_id, pinyin_initials text_pattern_ops);
DROP INDEX persons_name;
CREATE INDEX persons_name ON persons (project_id, name text_pattern_ops);
