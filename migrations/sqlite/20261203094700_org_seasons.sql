-- +goose Up
-- The days an organisation's spring and autumn terms end: 'MM-DD', or ''
-- for the default (30 June, 31 December).
ALTER TABLE organisations ADD COLUMN spring_end TEXT NOT NULL DEFAULT ''
    CHECK (spring_end = '' OR (length(spring_end) = 5 AND spring_end GLOB '[01][0-9]-[0-3][0-9]'));
ALTER TABLE organisations ADD COLUMN autumn_end TEXT NOT NULL DEFAULT ''
    CHECK (autumn_end = '' OR (length(autumn_end) = 5 AND autumn_end GLOB '[01][0-9]-[0-3][0-9]'));

-- +goose Down
ALTER TABLE organisations DROP COLUMN autumn_end;
ALTER TABLE organisations DROP COLUMN spring_end;
