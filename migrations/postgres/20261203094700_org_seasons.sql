-- +goose Up
-- The days an organisation's spring and autumn terms end, when they are
-- not 30 June and 31 December (a school's terms, say): «Vår 2027» is then
-- due on that day. 'MM-DD', or '' for the default.
ALTER TABLE organisations ADD COLUMN spring_end TEXT NOT NULL DEFAULT ''
    CHECK (spring_end = '' OR spring_end ~ '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$');
ALTER TABLE organisations ADD COLUMN autumn_end TEXT NOT NULL DEFAULT ''
    CHECK (autumn_end = '' OR autumn_end ~ '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$');

-- +goose Down
ALTER TABLE organisations DROP COLUMN autumn_end;
ALTER TABLE organisations DROP COLUMN spring_end;
