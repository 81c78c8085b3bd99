-- Lookup cards (F5): what the one-box lookup shows of each person found —
-- the first phone, the plates, the homes with the relation — kept on the
-- person's row by triggers, so that a lookup reads one row per person
-- found instead of four indexes and the rooms. The triggers keep them
-- true whoever writes (the services, an import, the seeder); the values
-- use the lists' separators of LookupDetails: char 31 between items,
-- char 30 between a room's label and the relation.

-- +goose Up
ALTER TABLE persons ADD COLUMN card_phone TEXT NOT NULL DEFAULT '',
	ADD COLUMN card_plates TEXT NOT NULL DEFAULT '',
	ADD COLUMN card_homes TEXT NOT NULL DEFAULT '';

UPDATE persons SET
	card_phone = COALESCE((SELECT ph.phone FROM person_phones ph WHERE ph.project_id = persons.project_id AND ph.person_id = persons.id AND ph.position = 0), ''),
	card_plates = COALESCE((SELECT string_agg(v.plate, chr(31) ORDER BY v.id) FROM vehicles v WHERE v.project_id = persons.project_id AND v.person_id = persons.id), ''),
	card_homes = COALESCE((SELECT string_agg(r.label || chr(30) || h.relation, chr(31) ORDER BY h.move_out, r.label) FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id WHERE h.project_id = persons.project_id AND h.person_id = persons.id), '');

-- +goose StatementBegin
CREATE FUNCTION person_phones_card() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		UPDATE persons SET card_phone = COALESCE((SELECT ph.phone FROM person_phones ph WHERE ph.project_id = OLD.project_id AND ph.person_id = OLD.person_id AND ph.position = 0), '') WHERE project_id = OLD.project_id AND id = OLD.person_id;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		UPDATE persons SET card_phone = COALESCE((SELECT ph.phone FROM person_phones ph WHERE ph.project_id = NEW.project_id AND ph.person_id = NEW.person_id AND ph.position = 0), '') WHERE project_id = NEW.project_id AND id = NEW.person_id;
	END IF;
	RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER person_phones_card AFTER INSERT OR UPDATE OR DELETE ON person_phones FOR EACH ROW EXECUTE FUNCTION person_phones_card();

-- +goose StatementBegin
CREATE FUNCTION vehicles_card() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		UPDATE persons SET card_plates = COALESCE((SELECT string_agg(v.plate, chr(31) ORDER BY v.id) FROM vehicles v WHERE v.project_id = OLD.project_id AND v.person_id = OLD.person_id), '') WHERE project_id = OLD.project_id AND id = OLD.person_id;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		UPDATE persons SET card_plates = COALESCE((SELECT string_agg(v.plate, chr(31) ORDER BY v.id) FROM vehicles v WHERE v.project_id = NEW.project_id AND v.person_id = NEW.person_id), '') WHERE project_id = NEW.project_id AND id = NEW.person_id;
	END IF;
	RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER vehicles_card AFTER INSERT OR UPDATE OR DELETE ON vehicles FOR EACH ROW EXECUTE FUNCTION vehicles_card();

-- +goose StatementBegin
CREATE FUNCTION households_card() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		UPDATE persons SET card_homes = COALESCE((SELECT string_agg(r.label || chr(30) || h.relation, chr(31) ORDER BY h.move_out, r.label) FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id WHERE h.project_id = OLD.project_id AND h.person_id = OLD.person_id), '') WHERE project_id = OLD.project_id AND id = OLD.person_id;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		UPDATE persons SET card_homes = COALESCE((SELECT string_agg(r.label || chr(30) || h.relation, chr(31) ORDER BY h.move_out, r.label) FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id WHERE h.project_id = NEW.project_id AND h.person_id = NEW.person_id), '') WHERE project_id = NEW.project_id AND id = NEW.person_id;
	END IF;
	RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER households_card AFTER INSERT OR UPDATE OR DELETE ON households FOR EACH ROW EXECUTE FUNCTION households_card();

-- +goose StatementBegin
CREATE FUNCTION rooms_card_label() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE persons SET card_homes = COALESCE((SELECT string_agg(r.label || chr(30) || h.relation, chr(31) ORDER BY h.move_out, r.label) FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id WHERE h.project_id = persons.project_id AND h.person_id = persons.id), '')
	WHERE project_id = NEW.project_id AND id IN (SELECT person_id FROM households WHERE project_id = NEW.project_id AND room_id = NEW.id);
	RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER rooms_card_label AFTER UPDATE OF label ON rooms FOR EACH ROW WHEN (OLD.label IS DISTINCT FROM NEW.label) EXECUTE FUNCTION rooms_card_label();

-- +goose Down
DROP TRIGGER person_phones_card ON person_phones;
DROP FUNCTION person_phones_card();
DROP TRIGGER vehicles_card ON vehicles;
DROP FUNCTION vehicles_card();
DROP TRIGGER households_card ON households;
DROP FUNCTION households_card();
DROP TRIGGER rooms_card_label ON rooms;
DROP FUNCTION rooms_card_label();
ALTER TABLE persons DROP COLUMN card_phone, DROP COLUMN card_plates, DROP COLUMN card_homes;
