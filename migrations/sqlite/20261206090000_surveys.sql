-- +goose Up
-- Integration surveys (package survey): questionnaires of a network or a
-- municipality, survey rounds of a municipality, single-use respondent
-- links and anonymous responses, and the follow-up measures a round gave.
--
-- In SQLite the links and responses are WITHOUT ROWID tables: their rows
-- lie in key order (random), not in the order they were written.
-- Anonymity is kept by what is not stored: a response has a random id, no
-- time, no language, no person, no client address and no reference to the
-- link it came through; a link holds only the hash of its token and
-- whether it was used. Dates exist only at the round's level.

-- content is the questionnaire as JSON (languages, axes, questions,
-- respondent texts), see survey.Content.
CREATE TABLE survey_questionnaires (
    org_id     INTEGER      NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    title      TEXT        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    status     TEXT        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'archived')),
    content    TEXT        NOT NULL,
    rev        INTEGER     NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX survey_questionnaires_org ON survey_questionnaires (org_id, id);

-- A municipality's round of one questionnaire in one year; content is the
-- questionnaire as it was when the round opened, so later edits do not
-- change what earlier answers meant.
CREATE TABLE survey_rounds (
    org_id               INTEGER  NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    questionnaire_org_id INTEGER  NOT NULL,
    questionnaire_id     INTEGER  NOT NULL,
    title                TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    year                 INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    status               TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    content              TEXT    NOT NULL,
    opened_on            DATE    NOT NULL,
    closed_on            DATE,
    FOREIGN KEY (questionnaire_org_id, questionnaire_id) REFERENCES survey_questionnaires (org_id, id)
);
CREATE UNIQUE INDEX survey_rounds_org ON survey_rounds (org_id, id);
CREATE INDEX survey_rounds_questionnaire ON survey_rounds (questionnaire_org_id, questionnaire_id, year);

-- A single-use respondent link: the SHA-256 of its token, and whether it
-- was used. No time, no order, nothing that names who received it.
CREATE TABLE survey_links (
    org_id     INTEGER  NOT NULL,
    round_id   INTEGER  NOT NULL,
    token_hash TEXT    NOT NULL CHECK (length(token_hash) = 64),
    used       BOOLEAN NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, round_id, token_hash),
    FOREIGN KEY (org_id, round_id) REFERENCES survey_rounds (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE UNIQUE INDEX survey_links_token ON survey_links (token_hash);

-- An anonymous response: scores and free texts by question key (JSON).
CREATE TABLE survey_responses (
    org_id   INTEGER NOT NULL,
    round_id INTEGER NOT NULL,
    id       TEXT   NOT NULL CHECK (length(id) = 26),
    scores   TEXT   NOT NULL,
    texts    TEXT   NOT NULL,
    PRIMARY KEY (org_id, round_id, id),
    FOREIGN KEY (org_id, round_id) REFERENCES survey_rounds (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

-- The measures a round's low scores gave (their own, or lines of a plan).
CREATE TABLE survey_followups (
    org_id     INTEGER NOT NULL,
    measure_id TEXT   NOT NULL,
    round_id   INTEGER NOT NULL,
    axis       TEXT   NOT NULL,
    PRIMARY KEY (org_id, measure_id),
    FOREIGN KEY (org_id, round_id) REFERENCES survey_rounds (org_id, id) ON DELETE CASCADE
);
CREATE INDEX survey_followups_round ON survey_followups (org_id, round_id);

-- +goose Down
DROP TABLE survey_followups;
DROP TABLE survey_responses;
DROP TABLE survey_links;
DROP TABLE survey_rounds;
DROP TABLE survey_questionnaires;
