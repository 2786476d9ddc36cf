-- +goose Up
CREATE TABLE mail_outbox (
    id            INTEGER   PRIMARY KEY AUTOINCREMENT,
    kind          TEXT      NOT NULL,
    message       TEXT      NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    attempts      INTEGER   NOT NULL DEFAULT 0,
    claimed_until TIMESTAMP,
    sent_at       TIMESTAMP,
    failed_at     TIMESTAMP,
    last_error    TEXT      NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_unsent_idx ON mail_outbox (created_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- +goose Down
DROP TABLE mail_outbox;
