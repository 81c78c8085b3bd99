-- Care visits answer the project's care-visit form (issue 13 item 5): the
-- response names the care visit it was recorded with.
-- +goose Up
ALTER TABLE survey_responses ADD COLUMN care_visit_id integer;
CREATE INDEX survey_responses_care_visit ON survey_responses (project_id, care_visit_id);

-- +goose Down
DROP INDEX survey_responses_care_visit;
ALTER TABLE survey_responses DROP COLUMN care_visit_id;
