-- Residents' ID numbers sealed at rest (issue 12, item 8): id_number holds
-- the AES-GCM ciphertext ("wk1:<key id>:…", sealed by the application, which
-- seals the rows written before at start), id_hash a keyed hash of the
-- number for equality look-ups; secret_keys the keys the data is sealed
-- with, each with a check value (an HMAC of a constant) so that a wrong or
-- missing key is refused before it is used. The keys themselves are never
-- in the database.
-- +goose Up
ALTER TABLE persons ADD COLUMN id_hash text NOT NULL DEFAULT '';
DROP INDEX persons_id_number;
CREATE INDEX persons_id_hash ON persons (project_id, id_hash) WHERE id_hash <> '';

CREATE TABLE secret_keys (
	key_id      text PRIMARY KEY,
	check_value text NOT NULL,
	created_at  timestamptz NOT NULL
);

-- +goose Down
DROP TABLE secret_keys;
DROP INDEX persons_id_hash;
CREATE INDEX persons_id_number ON persons (project_id, id_number) WHERE id_number <> '';
ALTER TABLE persons DROP COLUMN id_hash;
