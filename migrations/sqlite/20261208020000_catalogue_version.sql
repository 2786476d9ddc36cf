-- +goose Up
-- The catalogue's data version (see the PostgreSQL migration): row
-- triggers, as SQLite has no others.
-- +goose StatementBegin
CREATE TRIGGER network_members_catalogue_version_insert AFTER INSERT ON network_members BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('catalogue', 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER network_members_catalogue_version_update AFTER UPDATE ON network_members BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('catalogue', 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER network_members_catalogue_version_delete AFTER DELETE ON network_members BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('catalogue', 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicators_catalogue_version_insert AFTER INSERT ON indicators BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('catalogue', 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicators_catalogue_version_update AFTER UPDATE ON indicators BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('catalogue', 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicators_catalogue_version_delete AFTER DELETE ON indicators BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('catalogue', 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicator_groups_catalogue_version_insert AFTER INSERT ON indicator_groups BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('catalogue', 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicator_groups_catalogue_version_update AFTER UPDATE ON indicator_groups BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('catalogue', 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicator_groups_catalogue_version_delete AFTER DELETE ON indicator_groups BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('catalogue', 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicator_targets_catalogue_version_insert AFTER INSERT ON indicator_targets BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('catalogue', 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicator_targets_catalogue_version_update AFTER UPDATE ON indicator_targets BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('catalogue', 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicator_targets_catalogue_version_delete AFTER DELETE ON indicator_targets BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('catalogue', 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicator_national_values_catalogue_version_insert AFTER INSERT ON indicator_national_values BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('catalogue', 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicator_national_values_catalogue_version_update AFTER UPDATE ON indicator_national_values BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('catalogue', 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicator_national_values_catalogue_version_delete AFTER DELETE ON indicator_national_values BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('catalogue', 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER indicator_national_values_catalogue_version_delete;
DROP TRIGGER indicator_national_values_catalogue_version_update;
DROP TRIGGER indicator_national_values_catalogue_version_insert;
DROP TRIGGER indicator_targets_catalogue_version_delete;
DROP TRIGGER indicator_targets_catalogue_version_update;
DROP TRIGGER indicator_targets_catalogue_version_insert;
DROP TRIGGER indicator_groups_catalogue_version_delete;
DROP TRIGGER indicator_groups_catalogue_version_update;
DROP TRIGGER indicator_groups_catalogue_version_insert;
DROP TRIGGER indicators_catalogue_version_delete;
DROP TRIGGER indicators_catalogue_version_update;
DROP TRIGGER indicators_catalogue_version_insert;
DROP TRIGGER network_members_catalogue_version_delete;
DROP TRIGGER network_members_catalogue_version_update;
DROP TRIGGER network_members_catalogue_version_insert;
