-- +goose Up
-- Indicators (see the PostgreSQL migration; no row-level security here): the catalogue (national rows have no owner; a network's or a
-- municipality's own rows name it in owner_org_id, which is not the
-- tenant column: the catalogue is not secret), the values municipalities
-- report or import (tenant rows, org_id = the municipality the figure is
-- about, readable by others when shared or public), their corrections,
-- each municipality's settings per indicator, locked periods, targets and
-- hand-made comparison groups.
CREATE TABLE indicators (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_org_id INTEGER      REFERENCES organisations (id) ON DELETE CASCADE,
    code         TEXT        NOT NULL CHECK (length(code) BETWEEN 1 AND 40),
    names        TEXT        NOT NULL,
    descriptions TEXT        NOT NULL DEFAULT '{}',
    unit         TEXT        NOT NULL CHECK (unit IN ('count', 'percent', 'rate', 'amount')),
    direction    TEXT        NOT NULL CHECK (direction IN ('higher', 'lower', 'none')),
    periodicity  TEXT        NOT NULL CHECK (periodicity IN ('month', 'quarter', 'tertial', 'year')),
    aggregation  TEXT        NOT NULL CHECK (aggregation IN ('sum', 'last')),
    source       TEXT        NOT NULL,
    numerator    TEXT        NOT NULL DEFAULT '{}',
    denominator  TEXT        NOT NULL DEFAULT '{}',
    categories   TEXT        NOT NULL DEFAULT '[]',
    rules        TEXT        NOT NULL DEFAULT '[]',
    report_day   INTEGER     NOT NULL DEFAULT 0 CHECK (report_day BETWEEN 0 AND 28),
    topic        TEXT        NOT NULL DEFAULT '',
    position     INTEGER     NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX indicators_national_code_idx ON indicators (code) WHERE owner_org_id IS NULL;
CREATE UNIQUE INDEX indicators_owner_code_idx ON indicators (owner_org_id, code) WHERE owner_org_id IS NOT NULL;

-- One figure: a count (num), a rate's parts (num over den), or a rate a
-- source publishes without its counts (rate). category is '' unless the
-- indicator is a breakdown.
CREATE TABLE indicator_values (
    org_id       INTEGER           NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    indicator_id INTEGER           NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    period       TEXT             NOT NULL CHECK (length(period) BETWEEN 4 AND 7),
    category     TEXT             NOT NULL DEFAULT '',
    period_start DATE             NOT NULL,
    num          REAL CHECK (num >= 0),
    den          REAL CHECK (den >= 0),
    rate         REAL,
    state        TEXT             NOT NULL CHECK (state IN ('ok', 'missing', 'suppressed')),
    source       TEXT             NOT NULL,
    as_of        DATE,
    final        INTEGER          NOT NULL DEFAULT 1,
    visibility   TEXT             NOT NULL CHECK (visibility IN ('private', 'network', 'public')),
    note         TEXT             NOT NULL DEFAULT '',
    entered_by   INTEGER           REFERENCES users (id) ON DELETE SET NULL,
    entered_at   TIMESTAMP      NOT NULL,
    rev          INTEGER          NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, indicator_id, period, category),
    CHECK (num IS NULL OR den IS NULL OR num <= den)
);
-- A benchmark reads one indicator's year (a range of period_start) for
-- every municipality; the latest period with a value reads it backwards.
CREATE INDEX indicator_values_benchmark_idx ON indicator_values (indicator_id, period_start, org_id);

-- A country's official figure (SSB's «Hele landet», Kolada's «Riket»,
-- Danmarks Statistik's «Hele landet»): public statistics, not a tenant's.
CREATE TABLE indicator_national_values (
    indicator_id INTEGER           NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    country      TEXT             NOT NULL CHECK (country IN ('NO', 'SE', 'DK')),
    period       TEXT             NOT NULL,
    category     TEXT             NOT NULL DEFAULT '',
    period_start DATE             NOT NULL,
    num          REAL,
    den          REAL,
    rate         REAL,
    state        TEXT             NOT NULL CHECK (state IN ('ok', 'missing', 'suppressed')),
    source       TEXT             NOT NULL,
    as_of        DATE,
    final        INTEGER          NOT NULL DEFAULT 1,
    entered_at   TIMESTAMP      NOT NULL,
    PRIMARY KEY (indicator_id, country, period, category)
);

CREATE TABLE indicator_value_history (
    org_id       INTEGER           NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    indicator_id INTEGER           NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    period       TEXT             NOT NULL,
    category     TEXT             NOT NULL DEFAULT '',
    num          REAL,
    den          REAL,
    rate         REAL,
    state        TEXT             NOT NULL,
    source       TEXT             NOT NULL,
    final        INTEGER          NOT NULL,
    note         TEXT             NOT NULL DEFAULT '',
    entered_by   INTEGER           REFERENCES users (id) ON DELETE SET NULL,
    entered_at   TIMESTAMP      NOT NULL,
    rev          INTEGER          NOT NULL,
    replaced_by  INTEGER           REFERENCES users (id) ON DELETE SET NULL,
    replaced_at  TIMESTAMP      NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX indicator_value_history_idx ON indicator_value_history (org_id, indicator_id, period, category);

CREATE TABLE indicator_settings (
    org_id         INTEGER  NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    indicator_id   INTEGER  NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    responsible_id INTEGER  REFERENCES users (id) ON DELETE SET NULL,
    visibility     TEXT    NOT NULL CHECK (visibility IN ('private', 'network', 'public')),
    reports        INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, indicator_id)
);

CREATE TABLE indicator_locks (
    org_id    INTEGER      NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    period    TEXT        NOT NULL,
    locked_by INTEGER      REFERENCES users (id) ON DELETE SET NULL,
    locked_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, period)
);

CREATE TABLE indicator_targets (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    indicator_id INTEGER           NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    owner_org_id INTEGER           REFERENCES organisations (id) ON DELETE CASCADE,
    level        TEXT             NOT NULL CHECK (level IN ('national', 'network', 'local')),
    rule         TEXT             NOT NULL DEFAULT '',
    value        REAL NOT NULL,
    valid_from   DATE,
    valid_to     DATE,
    created_at   TIMESTAMP      NOT NULL
);
CREATE INDEX indicator_targets_idx ON indicator_targets (indicator_id);

CREATE TABLE indicator_groups (
    org_id     INTEGER      NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    members    TEXT        NOT NULL DEFAULT '[]',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, id)
);

-- A network's small-count threshold (a count from 1 to it is shown as
-- «under threshold+1» outside its municipality); never below 5.
ALTER TABLE organisations ADD COLUMN small_count_threshold INTEGER NOT NULL DEFAULT 9 CHECK (small_count_threshold BETWEEN 5 AND 99);

-- +goose Down
ALTER TABLE organisations DROP COLUMN small_count_threshold;
DROP TABLE indicator_groups;
DROP TABLE indicator_targets;
DROP TABLE indicator_locks;
DROP TABLE indicator_settings;
DROP TABLE indicator_value_history;
DROP TABLE indicator_national_values;
DROP TABLE indicator_values;
DROP TABLE indicators;
