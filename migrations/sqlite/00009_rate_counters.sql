-- +goose Up
CREATE TABLE rate_counters (
    name         TEXT    NOT NULL,
    key_hash     TEXT    NOT NULL,
    window_start INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (name, key_hash, window_start)
);
CREATE INDEX rate_counters_window_idx ON rate_counters (window_start);

-- +goose Down
DROP TABLE rate_counters;
