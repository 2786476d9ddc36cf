-- +goose Up
-- The sanitised HTML of an entry's answers, rendered from their Markdown
-- when the entry is saved (a JSON object: section key → HTML). NULL for
-- entries saved before this migration, until the migration step renders
-- them (server.Migrate). (PostgreSQL also lets a municipality keep reading
-- the template of its own workbooks after leaving the network; SQLite has
-- no row-level security.)
ALTER TABLE workbook_entries ADD COLUMN html TEXT;

-- +goose Down
ALTER TABLE workbook_entries DROP COLUMN html;
