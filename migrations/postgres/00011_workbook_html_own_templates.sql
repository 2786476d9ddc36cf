-- +goose Up
-- The sanitised HTML of an entry's answers, rendered from their Markdown
-- when the entry is saved (a JSON object: section key → HTML). NULL for
-- entries saved before this migration, until the migration step renders
-- them (server.Migrate).
ALTER TABLE workbook_entries ADD COLUMN html TEXT;

-- A municipality keeps reading the template its own workbooks were made
-- from after it leaves the network: a workbook is the municipality's own
-- data and shows its chapters and questions. Only sharing with the
-- network's other members stops (their rows, the network's gatherings).
-- The template stays readable to an organisation acting for itself that
-- has a workbook made from it and that was, at some time, a member of the
-- template's network: both facts are written by the network or by
-- system work, never by the municipality alone.
-- +goose StatementBegin
CREATE FUNCTION samvirke_may_read_own_template(network BIGINT, template BIGINT) RETURNS BOOLEAN LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM workbooks w
        WHERE w.org_id = nullif(current_setting('app.org_id', true), '')::BIGINT
          AND w.network_id = network AND w.template_id = template
    ) AND EXISTS (
        SELECT 1 FROM network_members m
        WHERE m.org_id = network
          AND m.member_org_id = nullif(current_setting('app.org_id', true), '')::BIGINT
    )
$$;
-- +goose StatementEnd
CREATE POLICY own_workbook_read ON workbook_templates FOR SELECT USING (samvirke_may_read_own_template(org_id, id));
CREATE POLICY own_workbook_read ON workbook_chapters FOR SELECT USING (samvirke_may_read_own_template(org_id, template_id));
CREATE POLICY own_workbook_read ON workbook_sections FOR SELECT USING (samvirke_may_read_own_template(org_id, template_id));
CREATE POLICY own_workbook_read ON workbook_statements FOR SELECT USING (EXISTS (
    SELECT 1 FROM workbook_chapters c
    WHERE c.org_id = workbook_statements.org_id AND c.id = workbook_statements.chapter_id
      AND samvirke_may_read_own_template(c.org_id, c.template_id)
));

-- +goose Down
DROP POLICY own_workbook_read ON workbook_statements;
DROP POLICY own_workbook_read ON workbook_sections;
DROP POLICY own_workbook_read ON workbook_chapters;
DROP POLICY own_workbook_read ON workbook_templates;
DROP FUNCTION samvirke_may_read_own_template(BIGINT, BIGINT);
ALTER TABLE workbook_entries DROP COLUMN html;
