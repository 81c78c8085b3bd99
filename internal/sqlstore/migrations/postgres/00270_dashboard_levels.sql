-- The dashboard's missing figures (issue 17): a care visit on time, the
-- daily snapshots of level metrics, and the survey answers by day.
--
-- care_visits.on_time: 1 when the visit came within the project's
-- care_visit_days of the resident's previous visit (or, for the first, of
-- the resident's record: when the flag could first apply). Recorded with
-- the visit (CareService.RecordCareVisit), here filled in for the past.
--
-- daily_levels: a level metric's value on a day (the share of residents
-- whose profile is complete): n residents, total of them complete, per
-- project (building_id 0) and building, written once a day by the
-- periodic roll-up job. A level cannot be rebuilt from the raw rows (they
-- hold no history), so it lives apart from daily_figures.

-- +goose Up
ALTER TABLE care_visits ADD COLUMN on_time INTEGER NOT NULL DEFAULT 0;

UPDATE care_visits SET on_time = CASE WHEN visited_at <= COALESCE(
	(SELECT MAX(v2.visited_at) FROM care_visits v2 WHERE v2.project_id = care_visits.project_id AND v2.person_id = care_visits.person_id
		AND (v2.visited_at < care_visits.visited_at OR (v2.visited_at = care_visits.visited_at AND v2.id < care_visits.id))),
	(SELECT p.created_at FROM persons p WHERE p.project_id = care_visits.project_id AND p.id = care_visits.person_id))
	+ make_interval(days => COALESCE((SELECT s.care_visit_days FROM project_settings s WHERE s.project_id = care_visits.project_id), 7))
	THEN 1 ELSE 0 END;

CREATE INDEX care_visits_visited ON care_visits (project_id, visited_at);

CREATE INDEX survey_responses_answered ON survey_responses (project_id, answered_at);

CREATE TABLE daily_levels (
	project_id  bigint NOT NULL REFERENCES projects (id),
	metric      TEXT NOT NULL,
	day         TEXT NOT NULL,
	building_id bigint NOT NULL DEFAULT 0,
	n           bigint NOT NULL DEFAULT 0,
	total       bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (project_id, metric, day, building_id)
);

-- +goose Down
DROP TABLE daily_levels;
DROP INDEX survey_responses_answered;
DROP INDEX care_visits_visited;
ALTER TABLE care_visits DROP COLUMN on_time;
