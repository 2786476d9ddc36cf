-- +goose Up
-- Goals and measures as shared objects with their own rows (see the
-- PostgreSQL migration).
CREATE TABLE goals (
    org_id          INTEGER   NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id              TEXT      NOT NULL CHECK (length(id) BETWEEN 1 AND 32),
    source_kind     TEXT      NOT NULL,
    entry_id        INTEGER,
    source_path     TEXT      NOT NULL DEFAULT '',
    source_title    TEXT      NOT NULL DEFAULT '',
    visibility      TEXT      NOT NULL DEFAULT 'network' CHECK (visibility IN ('private', 'network', 'public')),
    position        INTEGER   NOT NULL DEFAULT 0,
    statement       TEXT      NOT NULL,
    indicator_code  TEXT      NOT NULL DEFAULT '',
    baseline        REAL,
    target          REAL,
    unit            TEXT      NOT NULL DEFAULT '',
    target_date     TIMESTAMP,
    status          TEXT      NOT NULL DEFAULT 'not_started' CHECK (status IN ('not_started', 'ongoing', 'done', 'cancelled', 'postponed')),
    origin_org_id   INTEGER,
    origin_org_name TEXT      NOT NULL DEFAULT '',
    origin_entry_id INTEGER,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    removed_at      TIMESTAMP,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, entry_id) REFERENCES workbook_entries (org_id, id) ON DELETE CASCADE
);
CREATE INDEX goals_entry_idx ON goals (org_id, entry_id, position);

CREATE TABLE measures (
    org_id           INTEGER   NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id               TEXT      NOT NULL CHECK (length(id) BETWEEN 1 AND 32),
    source_kind      TEXT      NOT NULL,
    entry_id         INTEGER,
    source_path      TEXT      NOT NULL DEFAULT '',
    source_title     TEXT      NOT NULL DEFAULT '',
    visibility       TEXT      NOT NULL DEFAULT 'network' CHECK (visibility IN ('private', 'network', 'public')),
    position         INTEGER   NOT NULL DEFAULT 0,
    description      TEXT      NOT NULL,
    responsible      TEXT      NOT NULL DEFAULT '',
    responsible_key  TEXT      NOT NULL DEFAULT '',
    responsible_user INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    deadline_text    TEXT      NOT NULL DEFAULT '',
    deadline_kind    TEXT      NOT NULL DEFAULT '',
    due              TIMESTAMP,
    status           TEXT      NOT NULL DEFAULT 'not_started' CHECK (status IN ('not_started', 'ongoing', 'done', 'cancelled', 'postponed')),
    progress         INTEGER   NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    notes            TEXT      NOT NULL DEFAULT '',
    goal_ids         TEXT      NOT NULL DEFAULT '[]',
    origin_org_id    INTEGER,
    origin_org_name  TEXT      NOT NULL DEFAULT '',
    origin_entry_id  INTEGER,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    updated_by       INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    removed_at       TIMESTAMP,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, entry_id) REFERENCES workbook_entries (org_id, id) ON DELETE CASCADE
);
CREATE INDEX measures_entry_idx ON measures (org_id, entry_id, position);
CREATE INDEX measures_due_idx ON measures (org_id, due) WHERE removed_at IS NULL AND status NOT IN ('done', 'cancelled');

CREATE TABLE measure_updates (
    org_id      INTEGER   NOT NULL,
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    measure_id  TEXT      NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    author_id   INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    author_name TEXT      NOT NULL DEFAULT '',
    status_from TEXT      NOT NULL DEFAULT '',
    status_to   TEXT      NOT NULL DEFAULT '',
    progress    INTEGER   NOT NULL DEFAULT 0,
    note        TEXT      NOT NULL DEFAULT '',
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, measure_id) REFERENCES measures (org_id, id) ON DELETE CASCADE
);
CREATE INDEX measure_updates_measure_idx ON measure_updates (org_id, measure_id, created_at);

-- The answers' goals and measures become rows (see the PostgreSQL
-- migration). An answer saved before the move names their fields as Go
-- did (Statement, DeadlineText …) with the statuses of the time (planned,
-- in_progress); one saved since (a database migrated down and up again)
-- has today's names, statuses and ids: both are read. Times are written as
-- bun writes them (UTC, "2006-01-02 15:04:05+00:00"), because SQLite
-- compares and sorts them as text.
WITH g AS (
    SELECT e.org_id, e.id AS entry_id, e.workbook_id, e.statement_id, e.visibility, e.updated_at, j.key AS position,
           json_extract(j.value, '$.id') AS id,
           COALESCE(json_extract(j.value, '$.statement'), json_extract(j.value, '$.Statement'), '') AS statement,
           COALESCE(json_extract(j.value, '$.indicator_code'), json_extract(j.value, '$.IndicatorCode'), '') AS indicator_code,
           COALESCE(json_extract(j.value, '$.baseline'), json_extract(j.value, '$.Baseline')) AS baseline,
           COALESCE(json_extract(j.value, '$.target'), json_extract(j.value, '$.Target')) AS target,
           COALESCE(json_extract(j.value, '$.unit'), json_extract(j.value, '$.Unit'), '') AS unit,
           COALESCE(json_extract(j.value, '$.target_date'), json_extract(j.value, '$.TargetDate')) AS target_date,
           COALESCE(json_extract(j.value, '$.status'), json_extract(j.value, '$.Status')) AS status,
           COALESCE(json_extract(j.value, '$.from'), json_extract(j.value, '$.From')) AS origin
    FROM workbook_entries AS e
    JOIN json_each(CASE WHEN json_valid(e.content) AND json_type(e.content, '$.goals') = 'array' THEN json_extract(e.content, '$.goals') ELSE '[]' END) AS j
)
INSERT INTO goals (org_id, id, source_kind, entry_id, source_path, source_title, visibility, position, statement,
                   indicator_code, baseline, target, unit, target_date, status, origin_org_id, origin_org_name, origin_entry_id,
                   created_at, updated_at)
SELECT g.org_id, COALESCE(g.id, 'e' || g.entry_id || 'g' || g.position), 'workbook.entry', g.entry_id,
       'workbooks/' || g.workbook_id || '/statements/' || g.statement_id, COALESCE(st.title, ''), g.visibility, g.position,
       g.statement, g.indicator_code, g.baseline, g.target, g.unit, strftime('%Y-%m-%d %H:%M:%S+00:00', g.target_date),
       CASE g.status WHEN 'planned' THEN 'not_started' WHEN 'in_progress' THEN 'ongoing'
            WHEN 'ongoing' THEN 'ongoing' WHEN 'done' THEN 'done' WHEN 'cancelled' THEN 'cancelled' WHEN 'postponed' THEN 'postponed'
            ELSE 'not_started' END,
       json_extract(g.origin, '$.org_id'), COALESCE(json_extract(g.origin, '$.org_name'), ''), json_extract(g.origin, '$.entry_id'),
       g.updated_at, g.updated_at
FROM g
LEFT JOIN workbook_statements AS st ON st.id = g.statement_id;

-- A responsible's key is measure.Key: case-folded and trimmed; SQLite's
-- lower() folds ASCII letters only, so the Nordic capitals are folded
-- first.
WITH m AS (
    SELECT e.org_id, e.id AS entry_id, e.workbook_id, e.statement_id, e.visibility, e.updated_at, j.key AS position,
           json_extract(j.value, '$.id') AS id,
           COALESCE(json_extract(j.value, '$.description'), json_extract(j.value, '$.Description'), '') AS description,
           COALESCE(json_extract(j.value, '$.responsible'), json_extract(j.value, '$.Responsible'), '') AS responsible,
           COALESCE(json_extract(j.value, '$.responsible_user'), json_extract(j.value, '$.ResponsibleUser')) AS responsible_user,
           COALESCE(json_extract(j.value, '$.deadline'), json_extract(j.value, '$.Deadline')) AS deadline,
           COALESCE(json_extract(j.value, '$.deadline_text'), json_extract(j.value, '$.DeadlineText'), '') AS deadline_text,
           COALESCE(json_extract(j.value, '$.status'), json_extract(j.value, '$.Status')) AS status,
           COALESCE(json_extract(j.value, '$.progress'), 0) AS progress,
           COALESCE(json_extract(j.value, '$.notes'), json_extract(j.value, '$.Notes'), '') AS notes,
           CASE WHEN json_type(j.value, '$.goals') = 'array' THEN json_extract(j.value, '$.goals') ELSE '[]' END AS goal_ids,
           COALESCE(json_extract(j.value, '$.from'), json_extract(j.value, '$.From')) AS origin
    FROM workbook_entries AS e
    JOIN json_each(CASE WHEN json_valid(e.content) AND json_type(e.content, '$.measures') = 'array' THEN json_extract(e.content, '$.measures') ELSE '[]' END) AS j
)
INSERT INTO measures (org_id, id, source_kind, entry_id, source_path, source_title, visibility, position, description,
                      responsible, responsible_key, responsible_user, deadline_text, deadline_kind, due, status, progress, notes,
                      goal_ids, origin_org_id, origin_org_name, origin_entry_id, created_at, updated_at)
SELECT m.org_id, COALESCE(m.id, 'e' || m.entry_id || 'm' || m.position), 'workbook.entry', m.entry_id,
       'workbooks/' || m.workbook_id || '/statements/' || m.statement_id, COALESCE(st.title, ''), m.visibility, m.position,
       m.description, m.responsible,
       lower(replace(replace(replace(replace(replace(replace(replace(trim(m.responsible),
           'Æ', 'æ'), 'Ø', 'ø'), 'Å', 'å'), 'Ä', 'ä'), 'Ö', 'ö'), 'Ü', 'ü'), 'É', 'é')),
       (SELECT u.id FROM users AS u WHERE u.id = m.responsible_user),
       m.deadline_text,
       CASE WHEN m.deadline_text = '' THEN (CASE WHEN m.deadline IS NULL THEN '' ELSE 'date' END)
            WHEN m.deadline IS NULL THEN 'unknown' ELSE 'period' END,
       strftime('%Y-%m-%d %H:%M:%S+00:00', m.deadline),
       CASE m.status WHEN 'planned' THEN 'not_started' WHEN 'in_progress' THEN 'ongoing'
            WHEN 'ongoing' THEN 'ongoing' WHEN 'done' THEN 'done' WHEN 'cancelled' THEN 'cancelled' WHEN 'postponed' THEN 'postponed'
            ELSE 'not_started' END,
       min(max(m.progress, 0), 100), m.notes, m.goal_ids,
       json_extract(m.origin, '$.org_id'), COALESCE(json_extract(m.origin, '$.org_name'), ''), json_extract(m.origin, '$.entry_id'),
       m.updated_at, m.updated_at
FROM m
LEFT JOIN workbook_statements AS st ON st.id = m.statement_id;

ALTER TABLE workbook_entries DROP COLUMN measures;

-- +goose Down
ALTER TABLE workbook_entries ADD COLUMN measures TEXT GENERATED ALWAYS AS (
    CASE WHEN json_type(content, '$.measures') = 'array' THEN json_extract(content, '$.measures') END
) VIRTUAL;
DROP TABLE measure_updates;
DROP TABLE measures;
DROP TABLE goals;
