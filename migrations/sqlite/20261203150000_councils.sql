-- +goose Up
-- Integration councils and decisions as the source of follow-up actions
-- (see the PostgreSQL migration).
CREATE TABLE councils (
    org_id       INTEGER      NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT        NOT NULL CHECK (kind IN ('integration_council', 'immigrant_council', 'steering_group', 'working_group', 'other')),
    name         TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    term_from    INTEGER,     -- the term's first year (2018)
    term_to      INTEGER,     -- and its last (2021)
    min_meetings INTEGER     NOT NULL DEFAULT 0 CHECK (min_meetings BETWEEN 0 AND 52), -- a year, by statute
    statutes     TEXT        NOT NULL DEFAULT '',
    place        TEXT        NOT NULL DEFAULT '', -- where it usually meets
    sign_off     TEXT        NOT NULL CHECK (sign_off IN ('adjusters', 'members_present', 'next_meeting')),
    visibility   TEXT        NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public')),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (org_id, id)
);

-- One membership: a person in one role from one day to another. A change
-- of role (a substitute who enters, a member elected chair) ends one row
-- and starts another; a member who leaves gets an end day.
CREATE TABLE council_members (
    org_id          INTEGER      NOT NULL,
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    council_id      INTEGER      NOT NULL,
    name            TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role            TEXT        NOT NULL CHECK (role IN ('chair', 'vice_chair', 'member', 'substitute', 'secretary')),
    represents      TEXT        NOT NULL DEFAULT '' CHECK (represents IN ('', 'politics', 'administration', 'residents', 'other')),
    represents_text TEXT        NOT NULL DEFAULT '', -- «Nationalitet: Eritrea», «Jobcenterchef»
    substitute_for  INTEGER,      -- the member whose substitute this is
    user_id         INTEGER      REFERENCES users (id) ON DELETE SET NULL, -- a member who is a user
    from_date       TIMESTAMP,
    to_date         TIMESTAMP, -- the last day, inclusive
    position        INTEGER     NOT NULL DEFAULT 0,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, council_id) REFERENCES councils (org_id, id) ON DELETE CASCADE
);
CREATE INDEX council_members_council_idx ON council_members (org_id, council_id, position);
CREATE INDEX council_members_user_idx ON council_members (org_id, user_id);

CREATE TABLE council_meetings (
    org_id              INTEGER      NOT NULL,
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    council_id          INTEGER      NOT NULL,
    starts_at           TIMESTAMP NOT NULL,
    ends_at             TIMESTAMP,
    place               TEXT        NOT NULL DEFAULT '',
    status              TEXT        NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'agenda_published', 'held', 'minutes_approved', 'published', 'cancelled')),
    agenda_published_at TIMESTAMP,
    adjusters           TEXT        NOT NULL DEFAULT '[]', -- member ids who adjust the minutes (justering)
    rev                 INTEGER     NOT NULL DEFAULT 1,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, council_id) REFERENCES councils (org_id, id) ON DELETE CASCADE
);
CREATE INDEX council_meetings_council_idx ON council_meetings (org_id, council_id, starts_at);

-- Attendance of one member at one meeting; no row: not recorded.
CREATE TABLE council_attendance (
    org_id        INTEGER NOT NULL,
    meeting_id    INTEGER NOT NULL,
    member_id     INTEGER NOT NULL,
    status        TEXT   NOT NULL CHECK (status IN ('present', 'absent_notice', 'absent')),
    substitute_id INTEGER, -- the substitute who attended for an absent member
    PRIMARY KEY (org_id, meeting_id, member_id),
    FOREIGN KEY (org_id, meeting_id) REFERENCES council_meetings (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, member_id) REFERENCES council_members (org_id, id) ON DELETE CASCADE
);

CREATE TABLE council_items (
    org_id             INTEGER      NOT NULL,
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    council_id         INTEGER      NOT NULL,
    meeting_id         INTEGER      NOT NULL,
    position           INTEGER     NOT NULL DEFAULT 0,
    title              TEXT        NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    case_number        TEXT        NOT NULL DEFAULT '', -- journal number: «15.40.00-P35-1-17»
    topic              TEXT        NOT NULL DEFAULT '', -- Sagstema
    background         TEXT        NOT NULL DEFAULT '', -- Redegørelse
    recommendation     TEXT        NOT NULL DEFAULT '', -- Indstilling
    decision           TEXT        NOT NULL DEFAULT '', -- Beslutning
    decision_type      TEXT        NOT NULL DEFAULT '' CHECK (decision_type IN ('', 'noted', 'approved', 'rejected', 'postponed', 'hearing')),
    legal_basis        TEXT        NOT NULL DEFAULT '',
    economic           TEXT        NOT NULL DEFAULT '',
    other_consequences TEXT        NOT NULL DEFAULT '',
    hearing            TEXT        NOT NULL DEFAULT '[]', -- the hearing route: body, date, role
    earlier            TEXT        NOT NULL DEFAULT '[]', -- earlier decisions of other bodies
    links              TEXT        NOT NULL DEFAULT '[]', -- plans, measures, workbook answers, indicators
    closed             BOOLEAN     NOT NULL DEFAULT 0, -- not public
    search_text        TEXT        NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, meeting_id) REFERENCES council_meetings (org_id, id) ON DELETE CASCADE
);
CREATE INDEX council_items_meeting_idx ON council_items (org_id, meeting_id, position);
CREATE INDEX council_items_council_idx ON council_items (org_id, council_id);

-- An item's attachments, in the file store.
CREATE TABLE council_item_files (
    org_id   INTEGER  NOT NULL,
    item_id  INTEGER  NOT NULL,
    file_id  INTEGER  NOT NULL,
    title    TEXT    NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, item_id, file_id),
    FOREIGN KEY (org_id, item_id) REFERENCES council_items (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, file_id) REFERENCES files (org_id, id) ON DELETE CASCADE
);

-- A version of a meeting's minutes: drafted, circulated, amended,
-- approved (then frozen: the snapshot is what was approved), published.
-- A correction of approved minutes is the next version.
CREATE TABLE council_minutes (
    org_id       INTEGER      NOT NULL,
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id   INTEGER      NOT NULL,
    version      INTEGER     NOT NULL,
    state        TEXT        NOT NULL CHECK (state IN ('draft', 'circulated', 'amended', 'approved', 'published')),
    reason       TEXT        NOT NULL DEFAULT '', -- why a correction was made
    snapshot     TEXT,        -- the minutes as approved
    approved_at  TIMESTAMP,
    approved_by  TEXT        NOT NULL DEFAULT '', -- who approved or signed, as names
    approved_ref TEXT        NOT NULL DEFAULT '', -- the meeting and item that approved it (next meeting)
    published_at TIMESTAMP, -- the day it was posted (anslag)
    created_at   TIMESTAMP NOT NULL,
    created_by   INTEGER      REFERENCES users (id) ON DELETE SET NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, meeting_id, version),
    FOREIGN KEY (org_id, meeting_id) REFERENCES council_meetings (org_id, id) ON DELETE CASCADE
);

-- Each step of the minutes: circulated, a member's comment or approval
-- (signature, justering), amended, approved, published, corrected.
CREATE TABLE council_minutes_events (
    org_id      INTEGER      NOT NULL,
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    minutes_id  INTEGER      NOT NULL,
    kind        TEXT        NOT NULL CHECK (kind IN ('drafted', 'circulated', 'comment', 'signed', 'amended', 'approved', 'published', 'corrected')),
    member_id   INTEGER,
    user_id     INTEGER      REFERENCES users (id) ON DELETE SET NULL,
    author_name TEXT        NOT NULL DEFAULT '',
    text        TEXT        NOT NULL DEFAULT '',
    at          TIMESTAMP NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, minutes_id) REFERENCES council_minutes (org_id, id) ON DELETE CASCADE
);
CREATE INDEX council_minutes_events_idx ON council_minutes_events (org_id, minutes_id, at);

-- A decision is the source of its follow-up actions.
ALTER TABLE measures ADD COLUMN council_item_id INTEGER REFERENCES council_items (id) ON DELETE CASCADE;
CREATE INDEX measures_council_item_idx ON measures (org_id, council_item_id, position);

-- +goose Down
DROP INDEX measures_council_item_idx;
ALTER TABLE measures DROP COLUMN council_item_id;
DROP TABLE council_minutes_events;
DROP TABLE council_minutes;
DROP TABLE council_item_files;
DROP TABLE council_items;
DROP TABLE council_attendance;
DROP TABLE council_meetings;
DROP TABLE council_members;
DROP TABLE councils;
