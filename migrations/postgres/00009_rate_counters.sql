-- +goose Up
-- Counters of expensive actions (sign-in, second factor, mail, comments,
-- imports) per limit and key, in fixed windows: shared by every web process
-- and incremented atomically. Keys are SHA-256 hashes, so no address or
-- e-mail is kept here.
CREATE TABLE rate_counters (
    name         TEXT    NOT NULL,
    key_hash     TEXT    NOT NULL,
    window_start BIGINT  NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (name, key_hash, window_start)
);
CREATE INDEX rate_counters_window_idx ON rate_counters (window_start);

-- +goose Down
DROP TABLE rate_counters;
