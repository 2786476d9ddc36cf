-- +goose Up
-- The catalogue's data version: what a benchmark reads besides the
-- values and the organisations, and which changes seldom (an indicator
-- defined or edited, a target set, a national figure published, a saved
-- comparison group, a municipality joining or leaving a network). One
-- scope, «catalogue», for all of them: a benchmark read again under the
-- same versions reads none of them again (migration data_versions says
-- how versions are kept).
-- +goose StatementBegin
CREATE FUNCTION samvirke_catalogue_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('catalogue', 1)
    ON CONFLICT (scope) DO UPDATE SET version = data_versions.version + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER network_members_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON network_members
    FOR EACH STATEMENT EXECUTE FUNCTION samvirke_catalogue_changed();
CREATE TRIGGER indicators_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON indicators
    FOR EACH STATEMENT EXECUTE FUNCTION samvirke_catalogue_changed();
CREATE TRIGGER indicator_groups_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON indicator_groups
    FOR EACH STATEMENT EXECUTE FUNCTION samvirke_catalogue_changed();
CREATE TRIGGER indicator_targets_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON indicator_targets
    FOR EACH STATEMENT EXECUTE FUNCTION samvirke_catalogue_changed();
CREATE TRIGGER indicator_national_values_catalogue_version AFTER INSERT OR UPDATE OR DELETE ON indicator_national_values
    FOR EACH STATEMENT EXECUTE FUNCTION samvirke_catalogue_changed();

-- +goose Down
DROP TRIGGER indicator_national_values_catalogue_version ON indicator_national_values;
DROP TRIGGER indicator_targets_catalogue_version ON indicator_targets;
DROP TRIGGER indicator_groups_catalogue_version ON indicator_groups;
DROP TRIGGER indicators_catalogue_version ON indicators;
DROP TRIGGER network_members_catalogue_version ON network_members;
DROP FUNCTION samvirke_catalogue_changed();
