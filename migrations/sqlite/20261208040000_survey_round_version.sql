-- +goose Up
-- A survey round's data version (see the PostgreSQL migration): row
-- triggers, as SQLite has no others.
-- +goose StatementBegin
CREATE TRIGGER survey_responses_version_insert AFTER INSERT ON survey_responses BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('survey_round:' || NEW.round_id, 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER survey_responses_version_update AFTER UPDATE ON survey_responses BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('survey_round:' || NEW.round_id, 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER survey_responses_version_delete AFTER DELETE ON survey_responses BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('survey_round:' || OLD.round_id, 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER survey_responses_version_delete;
DROP TRIGGER survey_responses_version_update;
DROP TRIGGER survey_responses_version_insert;
DELETE FROM data_versions WHERE scope LIKE 'survey_round:%';
