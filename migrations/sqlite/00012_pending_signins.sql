-- +goose Up
CREATE TABLE pending_signins (
    id              TEXT      PRIMARY KEY,
    user_id         INTEGER   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    restrict_org_id INTEGER   REFERENCES organisations (id) ON DELETE CASCADE,
    next            TEXT      NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    expires_at      TIMESTAMP NOT NULL,
    attempts        INTEGER   NOT NULL DEFAULT 0
);
CREATE INDEX pending_signins_user_idx ON pending_signins (user_id);
CREATE INDEX pending_signins_expires_idx ON pending_signins (expires_at);

-- +goose Down
DROP TABLE pending_signins;
