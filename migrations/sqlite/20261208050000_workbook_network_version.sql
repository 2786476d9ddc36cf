-- +goose Up
-- A network's workbook data version (see the PostgreSQL migration): row
-- triggers, as SQLite has no others. A workbook's update bumps the network
-- it had and the one it has.
-- +goose StatementBegin
CREATE TRIGGER workbook_entries_version_insert AFTER INSERT ON workbook_entries BEGIN
    INSERT INTO data_versions (scope, version) SELECT 'workbook_network:' || network_id, 1 FROM workbooks WHERE org_id = NEW.org_id AND id = NEW.workbook_id
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER workbook_entries_version_update AFTER UPDATE ON workbook_entries BEGIN
    INSERT INTO data_versions (scope, version) SELECT 'workbook_network:' || network_id, 1 FROM workbooks WHERE org_id = NEW.org_id AND id = NEW.workbook_id
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER workbook_entries_version_delete AFTER DELETE ON workbook_entries BEGIN
    INSERT INTO data_versions (scope, version) SELECT 'workbook_network:' || network_id, 1 FROM workbooks WHERE org_id = OLD.org_id AND id = OLD.workbook_id
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER workbook_chapter_status_version_insert AFTER INSERT ON workbook_chapter_status BEGIN
    INSERT INTO data_versions (scope, version) SELECT 'workbook_network:' || network_id, 1 FROM workbooks WHERE org_id = NEW.org_id AND id = NEW.workbook_id
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER workbook_chapter_status_version_update AFTER UPDATE ON workbook_chapter_status BEGIN
    INSERT INTO data_versions (scope, version) SELECT 'workbook_network:' || network_id, 1 FROM workbooks WHERE org_id = NEW.org_id AND id = NEW.workbook_id
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER workbook_chapter_status_version_delete AFTER DELETE ON workbook_chapter_status BEGIN
    INSERT INTO data_versions (scope, version) SELECT 'workbook_network:' || network_id, 1 FROM workbooks WHERE org_id = OLD.org_id AND id = OLD.workbook_id
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER workbooks_version_insert AFTER INSERT ON workbooks BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('workbook_network:' || NEW.network_id, 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER workbooks_version_update_new AFTER UPDATE ON workbooks BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('workbook_network:' || NEW.network_id, 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER workbooks_version_update_old AFTER UPDATE ON workbooks BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('workbook_network:' || OLD.network_id, 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER workbooks_version_delete AFTER DELETE ON workbooks BEGIN
    INSERT INTO data_versions (scope, version) VALUES ('workbook_network:' || OLD.network_id, 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER workbooks_version_delete;
DROP TRIGGER workbooks_version_update_old;
DROP TRIGGER workbooks_version_update_new;
DROP TRIGGER workbooks_version_insert;
DROP TRIGGER workbook_chapter_status_version_delete;
DROP TRIGGER workbook_chapter_status_version_update;
DROP TRIGGER workbook_chapter_status_version_insert;
DROP TRIGGER workbook_entries_version_delete;
DROP TRIGGER workbook_entries_version_update;
DROP TRIGGER workbook_entries_version_insert;
DELETE FROM data_versions WHERE scope LIKE 'workbook_network:%';
