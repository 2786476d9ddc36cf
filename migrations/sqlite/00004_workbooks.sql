-- +goose Up
-- SQLite: the id alone is the primary key (AUTOINCREMENT); (org_id, id) is unique.
-- A network's workbook templates, versioned: publishing a new version
-- never changes what municipalities already wrote, because a workbook keeps
-- the template version it was made from.
CREATE TABLE workbook_templates (
    org_id       INTEGER      NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT        NOT NULL,
    version      INTEGER     NOT NULL,
    published_at TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, name, version)
);

CREATE TABLE workbook_chapters (
    org_id      INTEGER  NOT NULL,
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    template_id INTEGER  NOT NULL,
    position    INTEGER NOT NULL,
    title       TEXT    NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, template_id) REFERENCES workbook_templates (org_id, id) ON DELETE CASCADE
);

CREATE TABLE workbook_statements (
    org_id     INTEGER  NOT NULL,
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    chapter_id INTEGER  NOT NULL,
    position   INTEGER NOT NULL,
    title      TEXT    NOT NULL,
    guidance   TEXT    NOT NULL DEFAULT '',
    questions  TEXT    NOT NULL DEFAULT '', -- one guiding question per line
    retired_at TIMESTAMP,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, chapter_id) REFERENCES workbook_chapters (org_id, id) ON DELETE CASCADE
);

CREATE TABLE workbook_sections (
    org_id      INTEGER  NOT NULL,
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    template_id INTEGER  NOT NULL,
    position    INTEGER NOT NULL,
    key         TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    retired_at  TIMESTAMP,
    UNIQUE (org_id, id),
    UNIQUE (org_id, template_id, key),
    FOREIGN KEY (org_id, template_id) REFERENCES workbook_templates (org_id, id) ON DELETE CASCADE
);

-- A member municipality's workbook for one network cycle.
CREATE TABLE workbooks (
    org_id      INTEGER      NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    network_id  INTEGER      NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    template_id INTEGER      NOT NULL,
    cycle       TEXT        NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, network_id, cycle),
    FOREIGN KEY (network_id, template_id) REFERENCES workbook_templates (org_id, id)
);

-- A municipality's answer to one problem statement: the content (answers
-- per section, goals, measures, notes) as a JSON document, its current
-- version for optimistic locking, and who may see it.
CREATE TABLE workbook_entries (
    org_id       INTEGER      NOT NULL,
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workbook_id  INTEGER      NOT NULL,
    statement_id INTEGER      NOT NULL,
    visibility   TEXT        NOT NULL DEFAULT 'network' CHECK (visibility IN ('private', 'network', 'public')),
    version      INTEGER     NOT NULL DEFAULT 0,
    content      TEXT        NOT NULL DEFAULT '{}',
    updated_by   INTEGER      REFERENCES users (id) ON DELETE SET NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, workbook_id, statement_id),
    FOREIGN KEY (org_id, workbook_id) REFERENCES workbooks (org_id, id) ON DELETE CASCADE
);

-- Every saved version of an entry, for history and restore.
CREATE TABLE workbook_revisions (
    org_id      INTEGER      NOT NULL,
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id    INTEGER      NOT NULL,
    version     INTEGER     NOT NULL,
    author_id   INTEGER      REFERENCES users (id) ON DELETE SET NULL,
    author_name TEXT        NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    content     TEXT        NOT NULL,
    visibility  TEXT        NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, entry_id, version),
    FOREIGN KEY (org_id, entry_id) REFERENCES workbook_entries (org_id, id) ON DELETE CASCADE
);


-- +goose Down
DROP TABLE workbook_revisions;
DROP TABLE workbook_entries;
DROP TABLE workbooks;
DROP TABLE workbook_sections;
DROP TABLE workbook_statements;
DROP TABLE workbook_chapters;
DROP TABLE workbook_templates;
