-- Drift between the two migration sets, found by TestMigrationsDrift:
-- kb_entries, safety_campaigns and security_photos (00011) were given
-- UNIQUE (project_id, id) where every other project table has its primary
-- key, (project_id, id), as a distributed PostgreSQL needs (see 00001).
-- +goose Up
ALTER TABLE kb_entries DROP CONSTRAINT kb_entries_project_id_id_key, ADD PRIMARY KEY (project_id, id);
ALTER TABLE safety_campaigns DROP CONSTRAINT safety_campaigns_project_id_id_key, ADD PRIMARY KEY (project_id, id);
ALTER TABLE security_photos DROP CONSTRAINT security_photos_project_id_id_key, ADD PRIMARY KEY (project_id, id);

-- +goose Down
ALTER TABLE security_photos DROP CONSTRAINT security_photos_pkey, ADD UNIQUE (project_id, id);
ALTER TABLE safety_campaigns DROP CONSTRAINT safety_campaigns_pkey, ADD UNIQUE (project_id, id);
ALTER TABLE kb_entries DROP CONSTRAINT kb_entries_pkey, ADD UNIQUE (project_id, id);
