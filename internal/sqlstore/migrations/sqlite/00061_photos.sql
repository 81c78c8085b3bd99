-- One table of photos for every object that takes them (the life-cycle
-- engine's attachments): hazards and parking problems had theirs in
-- security_photos, orders and passes in tables of their own.
-- +goose Up
ALTER TABLE security_photos RENAME TO photos;
DROP INDEX security_photos_object;
CREATE INDEX photos_object ON photos (project_id, object_type, object_id);
INSERT INTO photos (project_id, object_type, object_id, stage, content_type, data, created_at)
	SELECT project_id, 'order', order_id, 'work', content_type, data, created_at FROM order_photos ORDER BY id;
INSERT INTO photos (project_id, object_type, object_id, stage, content_type, data, created_at)
	SELECT project_id, 'pass', pass_id, 'goods', content_type, data, created_at FROM pass_photos ORDER BY pass_id, position;
INSERT INTO photos (project_id, object_type, object_id, stage, content_type, data, created_at)
	SELECT p.project_id, 'finding', p.finding_id, 'found', p.content_type, p.data, f.created_at
	FROM finding_photos p JOIN inspection_findings f ON f.project_id = p.project_id AND f.id = p.finding_id ORDER BY p.finding_id;
-- An inspection finding's photo is fetched by the finding's ID alone.
CREATE INDEX photos_finding ON photos (object_id) WHERE object_type = 'finding';
DROP TABLE order_photos;
DROP TABLE pass_photos;
DROP TABLE finding_photos;

-- +goose Down
CREATE TABLE order_photos (
	project_id   INTEGER NOT NULL,
	id           INTEGER PRIMARY KEY,
	order_id     INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	data         BLOB NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	UNIQUE (project_id, id),
	FOREIGN KEY (project_id, order_id) REFERENCES orders (project_id, id)
);
CREATE INDEX order_photos_order ON order_photos (project_id, order_id);
CREATE TABLE pass_photos (
	project_id   INTEGER NOT NULL,
	pass_id      INTEGER NOT NULL,
	position     INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	data         BLOB NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	PRIMARY KEY (project_id, pass_id, position),
	FOREIGN KEY (project_id, pass_id) REFERENCES passes (project_id, id) ON DELETE CASCADE
);
CREATE TABLE finding_photos (
	project_id   INTEGER NOT NULL,
	finding_id   INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	data         BLOB NOT NULL,
	PRIMARY KEY (project_id, finding_id),
	FOREIGN KEY (project_id, finding_id) REFERENCES inspection_findings (project_id, id) ON DELETE CASCADE
);
CREATE INDEX finding_photos_finding ON finding_photos (finding_id);
INSERT INTO finding_photos (project_id, finding_id, content_type, data)
	SELECT project_id, object_id, content_type, data FROM photos WHERE object_type = 'finding';
DROP INDEX photos_finding;
INSERT INTO order_photos (project_id, order_id, content_type, data, created_at)
	SELECT project_id, object_id, content_type, data, created_at FROM photos WHERE object_type = 'order' ORDER BY id;
INSERT INTO pass_photos (project_id, pass_id, position, content_type, data, created_at)
	SELECT project_id, object_id, ROW_NUMBER() OVER (PARTITION BY project_id, object_id ORDER BY id) - 1, content_type, data, created_at
	FROM photos WHERE object_type = 'pass';
DELETE FROM photos WHERE object_type IN ('order', 'pass', 'finding');
DROP INDEX photos_object;
ALTER TABLE photos RENAME TO security_photos;
CREATE INDEX security_photos_object ON security_photos (project_id, object_type, object_id);
