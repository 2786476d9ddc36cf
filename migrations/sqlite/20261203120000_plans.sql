-- +goose Up
-- Action plans, their follow-up rounds, and the plan as the source of
-- goals and measures (see the PostgreSQL migration).
CREATE TABLE plans (
    org_id        INTEGER   NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id            INTEGER   PRIMARY KEY AUTOINCREMENT,
    lineage_id    INTEGER,
    kind          TEXT      NOT NULL CHECK (kind IN ('action_plan', 'theme_plan', 'value_platform', 'implementation_plan')),
    title         TEXT      NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    scope         TEXT      NOT NULL DEFAULT '',
    period_from   INTEGER,
    period_to     INTEGER,
    status        TEXT      NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'consultation', 'adopted', 'expired')),
    adopted_by    TEXT      NOT NULL DEFAULT '',
    adopted_on    TIMESTAMP,
    decision_ref  TEXT      NOT NULL DEFAULT '',
    owner         TEXT      NOT NULL DEFAULT '',
    valid_until   TIMESTAMP,
    reg_number    TEXT      NOT NULL DEFAULT '',
    version       INTEGER   NOT NULL DEFAULT 1,
    replaces_id   INTEGER,
    superseded_by INTEGER,
    visibility    TEXT      NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'network', 'public')),
    content       TEXT      NOT NULL DEFAULT '{}',
    snapshot      TEXT,
    rev           INTEGER   NOT NULL DEFAULT 1,
    search_text   TEXT      NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    updated_by    INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX plans_lineage_idx ON plans (org_id, lineage_id, version);

CREATE TABLE plan_rounds (
    org_id     INTEGER   NOT NULL,
    id         INTEGER   PRIMARY KEY AUTOINCREMENT,
    plan_id    INTEGER   NOT NULL,
    lineage_id INTEGER   NOT NULL,
    title      TEXT      NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    due        TIMESTAMP,
    opened_at  TIMESTAMP NOT NULL,
    opened_by  INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    closed_at  TIMESTAMP,
    report     TEXT,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, plan_id) REFERENCES plans (org_id, id) ON DELETE CASCADE
);
CREATE INDEX plan_rounds_plan_idx ON plan_rounds (org_id, lineage_id, opened_at);

CREATE TABLE plan_round_reports (
    org_id      INTEGER   NOT NULL,
    round_id    INTEGER   NOT NULL,
    measure_id  TEXT      NOT NULL,
    status      TEXT      NOT NULL CHECK (status IN ('not_started', 'ongoing', 'done', 'cancelled', 'postponed')),
    progress    INTEGER   NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    note        TEXT      NOT NULL DEFAULT '',
    author_id   INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    author_name TEXT      NOT NULL DEFAULT '',
    reported_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, round_id, measure_id),
    FOREIGN KEY (org_id, round_id) REFERENCES plan_rounds (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, measure_id) REFERENCES measures (org_id, id) ON DELETE CASCADE
);

ALTER TABLE goals ADD COLUMN plan_id INTEGER REFERENCES plans (id) ON DELETE CASCADE;
CREATE INDEX goals_plan_idx ON goals (org_id, plan_id, position);
ALTER TABLE measures ADD COLUMN plan_id INTEGER REFERENCES plans (id) ON DELETE CASCADE;
CREATE INDEX measures_plan_idx ON measures (org_id, plan_id, position);

-- +goose Down
DROP INDEX measures_plan_idx;
ALTER TABLE measures DROP COLUMN plan_id;
DROP INDEX goals_plan_idx;
ALTER TABLE goals DROP COLUMN plan_id;
DROP TABLE plan_round_reports;
DROP TABLE plan_rounds;
DROP TABLE plans;
