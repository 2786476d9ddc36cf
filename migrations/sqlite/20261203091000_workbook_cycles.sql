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
    org_id      INTEGER NOT NULL,
    template_id INTEGER NOT NULL,
    chapter_id  INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (org_id, template_id, chapter_id),
    FOREIGN KEY (org_id, template_id) REFERENCES workbook_templates (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, chapter_id) REFERENCES workbook_chapters (org_id, id) ON DELETE CASCADE
);
CREATE INDEX workbook_template_chapters_chapter ON workbook_template_chapters (org_id, chapter_id);

CREATE TABLE workbook_template_statements (
    org_id       INTEGER NOT NULL,
    template_id  INTEGER NOT NULL,
    chapter_id   INTEGER NOT NULL, -- the chapter it is listed under in this version
    statement_id INTEGER NOT NULL,
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
    org_id      INTEGER   NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    cycle       TEXT      NOT NULL,
    template_id INTEGER   NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, cycle),
    FOREIGN KEY (org_id, template_id) REFERENCES workbook_templates (org_id, id)
);
INSERT INTO workbook_cycles (org_id, cycle, template_id, started_at, updated_at)
    SELECT network_id, cycle, max(template_id), min(created_at), max(created_at) FROM workbooks GROUP BY network_id, cycle;

-- +goose Down
DROP TABLE workbook_cycles;
DROP TABLE workbook_template_statements;
DROP TABLE workbook_template_chapters;
