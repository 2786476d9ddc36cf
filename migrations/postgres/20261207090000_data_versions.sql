-- +goose Up
-- Data versions: a counter per kind of data that pages cache what they
-- derive from it by (benchmarks: the protected universe of an indicator's
-- year). Triggers bump them in the writing transaction, so every write
-- path is covered and a reader that sees a version also sees the rows it
-- stands for. scope is «indicator:<id>» for an indicator's values and
-- «organisations» for the organisations' names and places. Not tenant
-- data: a number that grows says nothing about what changed.
CREATE TABLE data_versions (
    scope   TEXT   PRIMARY KEY CHECK (length(scope) BETWEEN 1 AND 60),
    version BIGINT NOT NULL DEFAULT 1
);

-- +goose StatementBegin
CREATE FUNCTION samvirke_indicator_values_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One row per indicator the statement touched, in one order, so two
    -- writers of the same indicators queue rather than deadlock.
    INSERT INTO data_versions (scope, version)
    SELECT 'indicator:' || indicator_id, 1 FROM (SELECT DISTINCT indicator_id FROM changed) c ORDER BY 1
    ON CONFLICT (scope) DO UPDATE SET version = data_versions.version + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER indicator_values_version_insert AFTER INSERT ON indicator_values
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION samvirke_indicator_values_changed();
CREATE TRIGGER indicator_values_version_update AFTER UPDATE ON indicator_values
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION samvirke_indicator_values_changed();
CREATE TRIGGER indicator_values_version_delete AFTER DELETE ON indicator_values
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION samvirke_indicator_values_changed();

-- +goose StatementBegin
CREATE FUNCTION samvirke_organisations_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('organisations', 1)
    ON CONFLICT (scope) DO UPDATE SET version = data_versions.version + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER organisations_version AFTER INSERT OR DELETE OR UPDATE OF slug, kind, name, country, municipality_number, locale, time_zone, parent_id, small_count_threshold
    ON organisations FOR EACH STATEMENT EXECUTE FUNCTION samvirke_organisations_changed();

-- +goose Down
DROP TRIGGER organisations_version ON organisations;
DROP FUNCTION samvirke_organisations_changed();
DROP TRIGGER indicator_values_version_delete ON indicator_values;
DROP TRIGGER indicator_values_version_update ON indicator_values;
DROP TRIGGER indicator_values_version_insert ON indicator_values;
DROP FUNCTION samvirke_indicator_values_changed();
DROP TABLE data_versions;
