-- +goose Up
-- An answer's measures as JSON, kept by the database from its content (see
-- the PostgreSQL migration); SQLite adds generated columns as VIRTUAL only.
ALTER TABLE workbook_entries ADD COLUMN measures TEXT GENERATED ALWAYS AS (
    CASE WHEN json_type(content, '$.measures') = 'array' THEN json_extract(content, '$.measures') END
) VIRTUAL;

-- +goose Down
ALTER TABLE workbook_entries DROP COLUMN measures;
