-- The channels people in China read (issue 15 item 4): a resident's linked
-- WeChat (openid of the service account), a staff member's WeCom userid,
-- each one's channel preference, and a project's WeCom group robot.
-- +goose Up
CREATE TABLE person_channels (
	project_id       bigint NOT NULL,
	person_id        bigint NOT NULL,
	wechat_openid    text NOT NULL DEFAULT '',
	wechat_linked_at timestamptz,
	preference       text NOT NULL DEFAULT '',
	updated_at       timestamptz NOT NULL,
	PRIMARY KEY (project_id, person_id),
	FOREIGN KEY (project_id, person_id) REFERENCES persons (project_id, id) ON DELETE CASCADE
);

CREATE TABLE user_channels (
	user_id      bigint PRIMARY KEY REFERENCES users (id),
	wecom_userid text NOT NULL DEFAULT '',
	preference   text NOT NULL DEFAULT '',
	updated_at   timestamptz NOT NULL
);

CREATE TABLE project_channels (
	project_id      bigint PRIMARY KEY REFERENCES projects (id),
	wecom_robot_key text NOT NULL DEFAULT '',
	updated_at      timestamptz NOT NULL
);

-- +goose Down
DROP TABLE project_channels;
DROP TABLE user_channels;
DROP TABLE person_channels;
