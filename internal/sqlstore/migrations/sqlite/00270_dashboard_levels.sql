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

-- Times are stored as Go writes them ("2026-11-27 01:00:00.5 +0000 UTC",
-- always UTC): julianday reads their first 19 characters, to the second
-- (the small addend absorbs the rounding of a visit exactly on the day).
UPDATE care_visits SET on_time = CASE WHEN julianday(substr(visited_at, 1, 19)) <= julianday(substr(COALESCE(
	(SELECT MAX(v2.visited_at) FROM care_visits v2 WHERE v2.project_id = care_visits.project_id AND v2.person_id = care_visits.person_id
		AND (v2.visited_at < care_visits.visited_at OR (v2.visited_at = care_visits.visited_at AND v2.id < care_visits.id))),
	(SELECT p.created_at FROM persons p WHERE p.project_id = care_visits.project_id AND p.id = care_visits.person_id)), 1, 19))
	+ COALESCE((SELECT s.care_visit_days FROM project_settings s WHERE s.project_id = care_visits.project_id), 7) + 0.00001
	THEN 1 ELSE 0 END;

CREATE INDEX care_visits_visited ON care_visits (project_id, visited_at);

CREATE INDEX survey_responses_answered ON survey_responses (project_id, answered_at);

CREATE TABLE daily_levels (
	project_id  INTEGER NOT NULL REFERENCES projects (id),
	metric      TEXT NOT NULL,
	day         TEXT NOT NULL,
	building_id INTEGER NOT NULL DEFAULT 0,
	n           INTEGER NOT NULL DEFAULT 0,
	total       INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (project_id, metric, day, building_id)
);

-- +goose Down
DROP TABLE daily_levels;
DROP INDEX survey_responses_answered;
DROP INDEX care_visits_visited;
ALTER TABLE care_visits DROP COLUMN on_time;
