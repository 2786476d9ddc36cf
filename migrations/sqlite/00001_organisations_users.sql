-- +goose Up
CREATE TABLE organisations (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    slug                TEXT      NOT NULL,
    kind                TEXT      NOT NULL CHECK (kind IN ('municipality', 'county', 'network')),
    name                TEXT      NOT NULL,
    country             TEXT      NOT NULL DEFAULT '' CHECK (country IN ('', 'NO', 'SE', 'DK')),
    municipality_number TEXT      NOT NULL DEFAULT '',
    locale              TEXT      NOT NULL DEFAULT 'nb',
    time_zone           TEXT      NOT NULL DEFAULT 'Europe/Oslo',
    parent_id           INTEGER   REFERENCES organisations (id),
    description         TEXT      NOT NULL DEFAULT '',
    demo                BOOLEAN   NOT NULL DEFAULT FALSE,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX organisations_slug_key ON organisations (slug);

CREATE TABLE network_members (
    org_id        INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    member_org_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    joined_on     DATE    NOT NULL,
    left_on       DATE,
    PRIMARY KEY (org_id, member_org_id, joined_on),
    CHECK (left_on IS NULL OR left_on > joined_on)
);
CREATE INDEX network_members_member_idx ON network_members (member_org_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT      NOT NULL,
    name          TEXT      NOT NULL DEFAULT '',
    password_hash TEXT      NOT NULL DEFAULT '',
    locale        TEXT      NOT NULL DEFAULT '',
    demo          BOOLEAN   NOT NULL DEFAULT FALSE,
    disabled_at   TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE memberships (
    org_id     INTEGER   NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id    INTEGER   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT      NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE sessions (
    id           TEXT      PRIMARY KEY,
    user_id      INTEGER   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    current_org_id INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    ip           TEXT      NOT NULL DEFAULT '',
    user_agent   TEXT      NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- +goose Down
DROP TABLE sessions;
DROP TABLE memberships;
DROP TABLE users;
DROP TABLE network_members;
DROP TABLE organisations;
