-- +goose Up
-- A survey round's data version, «survey_round:<id>»: bumped by every
-- insert, update or delete of the round's responses, so that the roses a
-- network's results and its members' round pages compute from them are
-- kept until a respondent answers (migration data_versions says how
-- versions are kept).
-- +goose StatementBegin
CREATE FUNCTION samvirke_survey_responses_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One row per round the statement touched, in one order, so two
    -- writers of the same rounds queue rather than deadlock.
    INSERT INTO data_versions (scope, version)
    SELECT 'survey_round:' || round_id, 1 FROM (SELECT DISTINCT round_id FROM changed) c ORDER BY 1
    ON CONFLICT (scope) DO UPDATE SET version = data_versions.version + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER survey_responses_version_insert AFTER INSERT ON survey_responses
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION samvirke_survey_responses_changed();
CREATE TRIGGER survey_responses_version_update AFTER UPDATE ON survey_responses
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION samvirke_survey_responses_changed();
CREATE TRIGGER survey_responses_version_delete AFTER DELETE ON survey_responses
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION samvirke_survey_responses_changed();

-- +goose Down
DROP TRIGGER survey_responses_version_delete ON survey_responses;
DROP TRIGGER survey_responses_version_update ON survey_responses;
DROP TRIGGER survey_responses_version_insert ON survey_responses;
DROP FUNCTION samvirke_survey_responses_changed();
DELETE FROM data_versions WHERE scope LIKE 'survey_round:%';
