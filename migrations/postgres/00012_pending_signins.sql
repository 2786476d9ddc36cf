-- +goose Up
-- Sign-ins waiting for their second factor: the browser holds a random
-- token, only its SHA-256 is kept. A row is used up by the right code,
-- deleted after a few wrong ones, and expires within minutes.
CREATE TABLE pending_signins (
    id              TEXT        PRIMARY KEY,
    user_id         BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    restrict_org_id BIGINT      REFERENCES organisations (id) ON DELETE CASCADE,
    next            TEXT        NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    attempts        INTEGER     NOT NULL DEFAULT 0
);
CREATE INDEX pending_signins_user_idx ON pending_signins (user_id);
CREATE INDEX pending_signins_expires_idx ON pending_signins (expires_at);

-- +goose Down
DROP TABLE pending_signins;
