-- +goose Up
-- A comment the answer's municipality has hidden: its text is no longer
-- served, and everyone sees who hid it and when instead. hidden_by is the
-- member who hid it (the audit log keeps the rest).
ALTER TABLE workbook_comments ADD COLUMN hidden_at TIMESTAMPTZ;
ALTER TABLE workbook_comments ADD COLUMN hidden_by BIGINT REFERENCES users (id) ON DELETE SET NULL;
-- Comments are read a page at a time, newest first.
CREATE INDEX workbook_comments_page_idx ON workbook_comments (org_id, entry_id, id);

-- +goose Down
DROP INDEX workbook_comments_page_idx;
ALTER TABLE workbook_comments DROP COLUMN hidden_by;
ALTER TABLE workbook_comments DROP COLUMN hidden_at;
