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

INSERT INTO goals (org_id, id, source_kind, entry_id, source_path, source_title, visibility, position, statement,
                   indicator_code, baseline, target, unit, target_date, status, origin_org_id, origin_org_name, origin_entry_id,
                   created_at, updated_at)
SELECT e.org_id, 'e' || e.id || 'g' || g.key, 'workbook.entry', e.id,
       'workbooks/' || e.workbook_id || '/statements/' || e.statement_id, COALESCE(st.title, ''), e.visibility, g.key,
       COALESCE(json_extract(g.value, '$.Statement'), ''), COALESCE(json_extract(g.value, '$.IndicatorCode'), ''),
       json_extract(g.value, '$.Baseline'), json_extract(g.value, '$.Target'), COALESCE(json_extract(g.value, '$.Unit'), ''),
       json_extract(g.value, '$.TargetDate'),
       CASE json_extract(g.value, '$.Status') WHEN 'in_progress' THEN 'ongoing' WHEN 'done' THEN 'done' WHEN 'cancelled' THEN 'cancelled' ELSE 'not_started' END,
       json_extract(g.value, '$.From.org_id'), COALESCE(json_extract(g.value, '$.From.org_name'), ''), json_extract(g.value, '$.From.entry_id'),
       e.updated_at, e.updated_at
FROM workbook_entries AS e
JOIN json_each(CASE WHEN json_valid(e.content) AND json_type(e.content, '$.goals') = 'array' THEN json_extract(e.content, '$.goals') ELSE '[]' END) AS g
LEFT JOIN workbook_statements AS st ON st.id = e.statement_id;

INSERT INTO measures (org_id, id, source_kind, entry_id, source_path, source_title, visibility, position, description,
                      responsible, responsible_key, responsible_user, deadline_text, deadline_kind, due, status, notes,
                      origin_org_id, origin_org_name, origin_entry_id, created_at, updated_at)
SELECT e.org_id, 'e' || e.id || 'm' || m.key, 'workbook.entry', e.id,
       'workbooks/' || e.workbook_id || '/statements/' || e.statement_id, COALESCE(st.title, ''), e.visibility, m.key,
       COALESCE(json_extract(m.value, '$.Description'), ''), COALESCE(json_extract(m.value, '$.Responsible'), ''),
       lower(trim(COALESCE(json_extract(m.value, '$.Responsible'), ''))),
       (SELECT u.id FROM users AS u WHERE u.id = json_extract(m.value, '$.ResponsibleUser')),
       COALESCE(json_extract(m.value, '$.DeadlineText'), ''),
       CASE WHEN COALESCE(json_extract(m.value, '$.DeadlineText'), '') = '' THEN (CASE WHEN json_extract(m.value, '$.Deadline') IS NULL THEN '' ELSE 'date' END)
            WHEN json_extract(m.value, '$.Deadline') IS NULL THEN 'unknown' ELSE 'period' END,
       json_extract(m.value, '$.Deadline'),
       CASE json_extract(m.value, '$.Status') WHEN 'in_progress' THEN 'ongoing' WHEN 'done' THEN 'done' WHEN 'cancelled' THEN 'cancelled' ELSE 'not_started' END,
       COALESCE(json_extract(m.value, '$.Notes'), ''),
       json_extract(m.value, '$.From.org_id'), COALESCE(json_extract(m.value, '$.From.org_name'), ''), json_extract(m.value, '$.From.entry_id'),
       e.updated_at, e.updated_at
FROM workbook_entries AS e
JOIN json_each(CASE WHEN json_valid(e.content) AND json_type(e.content, '$.measures') = 'array' THEN json_extract(e.content, '$.measures') ELSE '[]' END) AS m
LEFT JOIN workbook_statements AS st ON st.id = e.statement_id;

ALTER TABLE workbook_entries DROP COLUMN measures;

-- +goose Down
ALTER TABLE workbook_entries ADD COLUMN measures TEXT GENERATED ALWAYS AS (
    CASE WHEN json_type(content, '$.measures') = 'array' THEN json_extract(content, '$.measures') END
) VIRTUAL;
DROP TABLE measure_updates;
DROP TABLE measures;
DROP TABLE goals;
