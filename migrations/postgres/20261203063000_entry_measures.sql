-- +goose Up
-- An answer's measures as JSON, kept by the database from its content, so
-- that "My work" on the dashboard picks the measures due without parsing
-- every answer's whole text (answers run to thousands of characters) on
-- every request.
ALTER TABLE workbook_entries ADD COLUMN measures JSONB GENERATED ALWAYS AS (
    CASE WHEN jsonb_typeof(content::jsonb -> 'measures') = 'array' THEN content::jsonb -> 'measures' END
) STORED;

-- +goose Down
ALTER TABLE workbook_entries DROP COLUMN measures;
