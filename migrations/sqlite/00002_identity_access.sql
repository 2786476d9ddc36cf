-- +goose Up
-- SQLite has no row-level security: there, a query hook in the tests fails
-- any query of a tenant table that does not name org_id.
CREATE TABLE casbin_rule (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    ptype TEXT NOT NULL,
    v0    TEXT NOT NULL DEFAULT '',
    v1    TEXT NOT NULL DEFAULT '',
    v2    TEXT NOT NULL DEFAULT '',
    v3    TEXT NOT NULL DEFAULT '',
    v4    TEXT NOT NULL DEFAULT '',
    v5    TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX casbin_rule_key ON casbin_rule (ptype, v0, v1, v2, v3, v4, v5);

ALTER TABLE organisations ADD COLUMN require_second_factor BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organisations ADD COLUMN logo_type TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN logo BLOB;

ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled_at TIMESTAMP;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

CREATE TABLE audit_log (
    org_id        INTEGER   NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id            INTEGER   PRIMARY KEY AUTOINCREMENT,
    at            TIMESTAMP NOT NULL,
    actor_user_id INTEGER,
    actor_email   TEXT      NOT NULL DEFAULT '',
    action        TEXT      NOT NULL,
    target        TEXT      NOT NULL DEFAULT '',
    detail        TEXT      NOT NULL DEFAULT '',
    ip            TEXT      NOT NULL DEFAULT '',
    request_id    TEXT      NOT NULL DEFAULT '',
    UNIQUE (org_id, id)
);
CREATE INDEX audit_log_org_at_idx ON audit_log (org_id, at DESC);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN EXISTS (SELECT 1 FROM organisations WHERE id = OLD.org_id)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE invitations (
    org_id      INTEGER   NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id          INTEGER   PRIMARY KEY AUTOINCREMENT,
    email       TEXT      NOT NULL,
    role        TEXT      NOT NULL,
    token_hash  TEXT      NOT NULL,
    invited_by  INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    revoked_at  TIMESTAMP,
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX invitations_token_key ON invitations (token_hash);

CREATE TABLE password_resets (
    token_hash TEXT      PRIMARY KEY,
    user_id    INTEGER   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);

CREATE TABLE api_tokens (
    org_id       INTEGER   NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id           INTEGER   PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT      NOT NULL,
    scope        TEXT      NOT NULL DEFAULT 'read',
    token_hash   TEXT      NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    expires_at   TIMESTAMP,
    revoked_at   TIMESTAMP,
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX api_tokens_token_key ON api_tokens (token_hash);

CREATE TABLE auth_events (
    id      INTEGER   PRIMARY KEY AUTOINCREMENT,
    at      TIMESTAMP NOT NULL,
    kind    TEXT      NOT NULL,
    email   TEXT      NOT NULL DEFAULT '',
    user_id INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    ip      TEXT      NOT NULL DEFAULT ''
);
CREATE INDEX auth_events_email_idx ON auth_events (email, at);
CREATE INDEX auth_events_ip_idx ON auth_events (ip, at);

CREATE TABLE org_sso (
    org_id        INTEGER NOT NULL PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    enabled       BOOLEAN NOT NULL DEFAULT FALSE,
    issuer        TEXT    NOT NULL,
    client_id     TEXT    NOT NULL,
    client_secret TEXT    NOT NULL DEFAULT '',
    email_claim   TEXT    NOT NULL DEFAULT 'email'
);

-- +goose Down
DROP TABLE org_sso;
DROP TABLE auth_events;
DROP TABLE api_tokens;
DROP TABLE password_resets;
DROP TABLE invitations;
DROP TRIGGER audit_log_no_delete;
DROP TRIGGER audit_log_no_update;
DROP TABLE audit_log;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_enabled_at;
ALTER TABLE users DROP COLUMN totp_secret;
ALTER TABLE organisations DROP COLUMN logo;
ALTER TABLE organisations DROP COLUMN logo_type;
ALTER TABLE organisations DROP COLUMN require_second_factor;
DROP TABLE casbin_rule;
