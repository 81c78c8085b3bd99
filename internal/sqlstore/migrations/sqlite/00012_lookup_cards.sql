-- Lookup cards (F5): what the one-box lookup shows of each person found —
-- the first phone, the plates, the homes with the relation — kept on the
-- person's row by triggers, so that a lookup reads one row per person
-- found instead of four indexes and the rooms. The triggers keep them
-- true whoever writes (the services, an import, the seeder); the values
-- use the lists' separators of LookupDetails: char 31 between items,
-- char 30 between a room's label and the relation.

-- +goose Up
ALTER TABLE persons ADD COLUMN card_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN card_plates TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN card_homes TEXT NOT NULL DEFAULT '';

UPDATE persons SET
	card_phone = COALESCE((SELECT ph.phone FROM person_phones ph WHERE ph.project_id = persons.project_id AND ph.person_id = persons.id AND ph.position = 0), ''),
	card_plates = COALESCE((SELECT group_concat(v.plate, char(31) ORDER BY v.id) FROM vehicles v WHERE v.project_id = persons.project_id AND v.person_id = persons.id), ''),
	card_homes = COALESCE((SELECT group_concat(r.label || char(30) || h.relation, char(31) ORDER BY h.move_out, r.label) FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id WHERE h.project_id = persons.project_id AND h.person_id = persons.id), '');

-- +goose StatementBegin
CREATE TRIGGER person_phones_card_insert AFTER INSERT ON person_phones BEGIN
	UPDATE persons SET card_phone = COALESCE((SELECT ph.phone FROM person_phones ph WHERE ph.project_id = NEW.project_id AND ph.person_id = NEW.person_id AND ph.position = 0), '') WHERE project_id = NEW.project_id AND id = NEW.person_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER person_phones_card_update AFTER UPDATE ON person_phones BEGIN
	UPDATE persons SET card_phone = COALESCE((SELECT ph.phone FROM person_phones ph WHERE ph.project_id = OLD.project_id AND ph.person_id = OLD.person_id AND ph.position = 0), '') WHERE project_id = OLD.project_id AND id = OLD.person_id;
	UPDATE persons SET card_phone = COALESCE((SELECT ph.phone FROM person_phones ph WHERE ph.project_id = NEW.project_id AND ph.person_id = NEW.person_id AND ph.position = 0), '') WHERE project_id = NEW.project_id AND id = NEW.person_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER person_phones_card_delete AFTER DELETE ON person_phones BEGIN
	UPDATE persons SET card_phone = COALESCE((SELECT ph.phone FROM person_phones ph WHERE ph.project_id = OLD.project_id AND ph.person_id = OLD.person_id AND ph.position = 0), '') WHERE project_id = OLD.project_id AND id = OLD.person_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER vehicles_card_insert AFTER INSERT ON vehicles BEGIN
	UPDATE persons SET card_plates = COALESCE((SELECT group_concat(v.plate, char(31) ORDER BY v.id) FROM vehicles v WHERE v.project_id = NEW.project_id AND v.person_id = NEW.person_id), '') WHERE project_id = NEW.project_id AND id = NEW.person_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER vehicles_card_update AFTER UPDATE ON vehicles BEGIN
	UPDATE persons SET card_plates = COALESCE((SELECT group_concat(v.plate, char(31) ORDER BY v.id) FROM vehicles v WHERE v.project_id = OLD.project_id AND v.person_id = OLD.person_id), '') WHERE project_id = OLD.project_id AND id = OLD.person_id;
	UPDATE persons SET card_plates = COALESCE((SELECT group_concat(v.plate, char(31) ORDER BY v.id) FROM vehicles v WHERE v.project_id = NEW.project_id AND v.person_id = NEW.person_id), '') WHERE project_id = NEW.project_id AND id = NEW.person_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER vehicles_card_delete AFTER DELETE ON vehicles BEGIN
	UPDATE persons SET card_plates = COALESCE((SELECT group_concat(v.plate, char(31) ORDER BY v.id) FROM vehicles v WHERE v.project_id = OLD.project_id AND v.person_id = OLD.person_id), '') WHERE project_id = OLD.project_id AND id = OLD.person_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER households_card_insert AFTER INSERT ON households BEGIN
	UPDATE persons SET card_homes = COALESCE((SELECT group_concat(r.label || char(30) || h.relation, char(31) ORDER BY h.move_out, r.label) FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id WHERE h.project_id = NEW.project_id AND h.person_id = NEW.person_id), '') WHERE project_id = NEW.project_id AND id = NEW.person_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER households_card_update AFTER UPDATE ON households BEGIN
	UPDATE persons SET card_homes = COALESCE((SELECT group_concat(r.label || char(30) || h.relation, char(31) ORDER BY h.move_out, r.label) FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id WHERE h.project_id = OLD.project_id AND h.person_id = OLD.person_id), '') WHERE project_id = OLD.project_id AND id = OLD.person_id;
	UPDATE persons SET card_homes = COALESCE((SELECT group_concat(r.label || char(30) || h.relation, char(31) ORDER BY h.move_out, r.label) FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id WHERE h.project_id = NEW.project_id AND h.person_id = NEW.person_id), '') WHERE project_id = NEW.project_id AND id = NEW.person_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER households_card_delete AFTER DELETE ON households BEGIN
	UPDATE persons SET card_homes = COALESCE((SELECT group_concat(r.label || char(30) || h.relation, char(31) ORDER BY h.move_out, r.label) FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id WHERE h.project_id = OLD.project_id AND h.person_id = OLD.person_id), '') WHERE project_id = OLD.project_id AND id = OLD.person_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rooms_card_label AFTER UPDATE OF label ON rooms BEGIN
	UPDATE persons SET card_homes = COALESCE((SELECT group_concat(r.label || char(30) || h.relation, char(31) ORDER BY h.move_out, r.label) FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id WHERE h.project_id = persons.project_id AND h.person_id = persons.id), '')
	WHERE project_id = NEW.project_id AND id IN (SELECT person_id FROM households WHERE project_id = NEW.project_id AND room_id = NEW.id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER person_phones_card_insert;
DROP TRIGGER person_phones_card_update;
DROP TRIGGER person_phones_card_delete;
DROP TRIGGER vehicles_card_insert;
DROP TRIGGER vehicles_card_update;
DROP TRIGGER vehicles_card_delete;
DROP TRIGGER households_card_insert;
DROP TRIGGER households_card_update;
DROP TRIGGER households_card_delete;
DROP TRIGGER rooms_card_label;
ALTER TABLE persons DROP COLUMN card_phone;
ALTER TABLE persons DROP COLUMN card_plates;
ALTER TABLE persons DROP COLUMN card_homes;
