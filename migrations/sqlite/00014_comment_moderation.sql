-- +goose Up
ALTER TABLE workbook_comments ADD COLUMN hidden_at TIMESTAMP;
ALTER TABLE workbook_comments ADD COLUMN hidden_by INTEGER REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX workbook_comments_page_idx ON workbook_comments (org_id, entry_id, id);

-- +goose Down
DROP INDEX workbook_comments_page_idx;
ALTER TABLE workbook_comments DROP COLUMN hidden_by;
ALTER TABLE workbook_comments DROP COLUMN hidden_at;
