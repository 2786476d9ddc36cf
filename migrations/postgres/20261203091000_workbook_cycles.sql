-- +goose Up
-- Running cycles grow (issue 12). A template version lists its chapters
-- and problem statements in these two tables instead of owning them
-- outright: a new version of the same template lists the unchanged
-- chapters and statements of the version before by their existing rows
-- (same ids), and only what is new or changed gets new rows. A workbook
-- can therefore move onto a newer version within its cycle while every
-- entry keeps its statement_id and shows under the same statement, and
-- every chapter status and gathering keeps its chapter_id. The owning
-- columns (workbook_chapters.template_id, workbook_statements.chapter_id)
-- stay: they say where a row was first written. Nothing existing is
-- rewritten: each version lists exactly its own rows.
CREATE TABLE workbook_template_chapters (
    org_id      BIGINT  NOT NULL,
    template_id BIGINT  NOT NULL,
    chapter_id  BIGINT  NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (org_id, template_id, chapter_id),
    FOREIGN KEY (org_id, template_id) REFERENCES workbook_templates (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, chapter_id) REFERENCES workbook_chapters (org_id, id) ON DELETE CASCADE
);
CREATE INDEX workbook_template_chapters_chapter ON workbook_template_chapters (org_id, chapter_id);

CREATE TABLE workbook_template_statements (
    org_id       BIGINT  NOT NULL,
    template_id  BIGINT  NOT NULL,
    chapter_id   BIGINT  NOT NULL, -- the chapter it is listed under in this version
    statement_id BIGINT  NOT NULL,
    position     INTEGER NOT NULL,
    PRIMARY KEY (org_id, template_id, statement_id),
    FOREIGN KEY (org_id, template_id, chapter_id) REFERENCES workbook_template_chapters (org_id, template_id, chapter_id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, statement_id) REFERENCES workbook_statements (org_id, id) ON DELETE CASCADE
);
CREATE INDEX workbook_template_statements_statement ON workbook_template_statements (org_id, statement_id);

INSERT INTO workbook_template_chapters (org_id, template_id, chapter_id, position)
    SELECT org_id, template_id, id, position FROM workbook_chapters;
INSERT INTO workbook_template_statements (org_id, template_id, chapter_id, statement_id, position)
    SELECT s.org_id, c.template_id, c.id, s.id, s.position
    FROM workbook_statements s JOIN workbook_chapters c ON c.org_id = s.org_id AND c.id = s.chapter_id;

-- A network's cycles and the template version each runs at: publishing
-- into a running cycle moves its workbooks onto the newer version;
-- starting a cycle is a separate, deliberate action. Members that join
-- later get their workbook at the cycle's version.
CREATE TABLE workbook_cycles (
    org_id      BIGINT      NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    cycle       TEXT        NOT NULL,
    template_id BIGINT      NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, cycle),
    FOREIGN KEY (org_id, template_id) REFERENCES workbook_templates (org_id, id)
);
INSERT INTO workbook_cycles (org_id, cycle, template_id, started_at, updated_at)
    SELECT network_id, cycle, max(template_id), min(created_at), max(created_at) FROM workbooks GROUP BY network_id, cycle;

SELECT samvirke_enable_rls(t) FROM unnest(ARRAY['workbook_template_chapters', 'workbook_template_statements', 'workbook_cycles']) AS t;

-- A municipality that has left the network keeps reading the template of
-- its own workbooks (00011): through the lists too, and so the rows a
-- newer version lists that an older one wrote.
CREATE POLICY own_workbook_read ON workbook_template_chapters FOR SELECT USING (samvirke_may_read_own_template(org_id, template_id));
CREATE POLICY own_workbook_read ON workbook_template_statements FOR SELECT USING (samvirke_may_read_own_template(org_id, template_id));
CREATE POLICY own_workbook_read_listed ON workbook_chapters FOR SELECT USING (EXISTS (
    SELECT 1 FROM workbook_template_chapters l
    WHERE l.org_id = workbook_chapters.org_id AND l.chapter_id = workbook_chapters.id
      AND samvirke_may_read_own_template(l.org_id, l.template_id)
));
CREATE POLICY own_workbook_read_listed ON workbook_statements FOR SELECT USING (EXISTS (
    SELECT 1 FROM workbook_template_statements l
    WHERE l.org_id = workbook_statements.org_id AND l.statement_id = workbook_statements.id
      AND samvirke_may_read_own_template(l.org_id, l.template_id)
));

-- +goose Down
DROP POLICY own_workbook_read_listed ON workbook_statements;
DROP POLICY own_workbook_read_listed ON workbook_chapters;
DROP TABLE workbook_cycles;
DROP TABLE workbook_template_statements;
DROP TABLE workbook_template_chapters;
