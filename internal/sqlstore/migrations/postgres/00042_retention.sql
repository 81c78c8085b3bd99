-- +goose Up
-- Retention per project (issue 12, PIPL Art. 19); a project without a row
-- keeps the defaults (wubu.DefaultRetention).
CREATE TABLE retention_settings (
	project_id     bigint PRIMARY KEY REFERENCES projects (id),
	moved_out_days integer NOT NULL,
	outbox_days    integer NOT NULL,
	sign_in_days   integer NOT NULL,
	audit_days     integer NOT NULL,
	updated_at     timestamptz NOT NULL
);

-- +goose Down
DROP TABLE retention_settings;
