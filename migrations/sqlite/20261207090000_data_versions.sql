-- +goose Up
-- Data versions: a counter per kind of data that pages cache what they
-- derive from it by (see the PostgreSQL migration). SQLite has only row
-- triggers: each written value bumps its indicator's version.
CREATE TABLE data_versions (
    scope   TEXT    PRIMARY KEY CHECK (length(scope) BETWEEN 1 AND 60),
    version INTEGER NOT NULL DEFAULT 1
);

-- +goose StatementBegin
CREATE TRIGGER indicator_values_version_insert AFTER INSERT ON indicator_values BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('indicator:' || NEW.indicator_id, 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicator_values_version_update AFTER UPDATE ON indicator_values BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('indicator:' || NEW.indicator_id, 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicator_values_version_delete AFTER DELETE ON indicator_values BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('indicator:' || OLD.indicator_id, 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organisations_version_insert AFTER INSERT ON organisations BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('organisations', 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organisations_version_update AFTER UPDATE OF slug, kind, name, country, municipality_number, locale, time_zone, parent_id, small_count_threshold ON organisations BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('organisations', 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organisations_version_delete AFTER DELETE ON organisations BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('organisations', 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER organisations_version_delete;
DROP TRIGGER organisations_version_update;
DROP TRIGGER organisations_version_insert;
DROP TRIGGER indicator_values_version_delete;
DROP TRIGGER indicator_values_version_update;
DROP TRIGGER indicator_values_version_insert;
DROP TABLE data_versions;
