-- +goose Up
-- The text of an entry as search matches it: its problem statement's
-- title, notes and answers, case-folded (search.Fold), written on save, so
-- that the database finds the matching answers instead of every answer
-- being read and decoded on each search. NULL for entries saved before
-- this migration, until the migration step fills it (server.Migrate).
ALTER TABLE workbook_entries ADD COLUMN search_text TEXT;

-- +goose Down
ALTER TABLE workbook_entries DROP COLUMN search_text;
