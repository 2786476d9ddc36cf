-- +goose Up
-- A network's workbook data version, «workbook_network:<id>»: bumped by
-- every insert, update or delete of its members' workbooks, of their
-- answers and of their chapters' statuses, so that the coordinator's
-- progress grid (which answers exist, how they are shared, when they
-- changed, how far each chapter is) is kept until a member writes
-- (migration data_versions says how versions are kept). An answer or a
-- status finds its network through its workbook, which the writer can
-- always read: it is the writer's own.
-- +goose StatementBegin
CREATE FUNCTION samvirke_workbook_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One row per network the statement touched, in one order, so two
    -- writers of the same networks queue rather than deadlock.
    INSERT INTO data_versions (scope, version)
    SELECT 'workbook_network:' || network_id, 1 FROM (
        SELECT DISTINCT w.network_id FROM changed c JOIN workbooks w ON w.org_id = c.org_id AND w.id = c.workbook_id
    ) n ORDER BY 1
    ON CONFLICT (scope) DO UPDATE SET version = data_versions.version + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION samvirke_workbooks_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO data_versions (scope, version)
    SELECT 'workbook_network:' || network_id, 1 FROM (SELECT DISTINCT network_id FROM changed) n ORDER BY 1
    ON CONFLICT (scope) DO UPDATE SET version = data_versions.version + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER workbook_entries_version_insert AFTER INSERT ON workbook_entries
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION samvirke_workbook_rows_changed();
CREATE TRIGGER workbook_entries_version_update AFTER UPDATE ON workbook_entries
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION samvirke_workbook_rows_changed();
CREATE TRIGGER workbook_entries_version_delete AFTER DELETE ON workbook_entries
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION samvirke_workbook_rows_changed();
CREATE TRIGGER workbook_chapter_status_version_insert AFTER INSERT ON workbook_chapter_status
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION samvirke_workbook_rows_changed();
CREATE TRIGGER workbook_chapter_status_version_update AFTER UPDATE ON workbook_chapter_status
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION samvirke_workbook_rows_changed();
CREATE TRIGGER workbook_chapter_status_version_delete AFTER DELETE ON workbook_chapter_status
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION samvirke_workbook_rows_changed();
CREATE TRIGGER workbooks_version_insert AFTER INSERT ON workbooks
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION samvirke_workbooks_changed();
CREATE TRIGGER workbooks_version_update_new AFTER UPDATE ON workbooks
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION samvirke_workbooks_changed();
CREATE TRIGGER workbooks_version_update_old AFTER UPDATE ON workbooks
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION samvirke_workbooks_changed();
CREATE TRIGGER workbooks_version_delete AFTER DELETE ON workbooks
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION samvirke_workbooks_changed();

-- +goose Down
DROP TRIGGER workbooks_version_delete ON workbooks;
DROP TRIGGER workbooks_version_update_old ON workbooks;
DROP TRIGGER workbooks_version_update_new ON workbooks;
DROP TRIGGER workbooks_version_insert ON workbooks;
DROP TRIGGER workbook_chapter_status_version_delete ON workbook_chapter_status;
DROP TRIGGER workbook_chapter_status_version_update ON workbook_chapter_status;
DROP TRIGGER workbook_chapter_status_version_insert ON workbook_chapter_status;
DROP TRIGGER workbook_entries_version_delete ON workbook_entries;
DROP TRIGGER workbook_entries_version_update ON workbook_entries;
DROP TRIGGER workbook_entries_version_insert ON workbook_entries;
DROP FUNCTION samvirke_workbooks_changed();
DROP FUNCTION samvirke_workbook_rows_changed();
DELETE FROM data_versions WHERE scope LIKE 'workbook_network:%';
