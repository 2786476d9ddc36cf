-- +goose Up
CREATE TABLE workbook_comments (
    org_id        INTEGER   NOT NULL,
    id            INTEGER   PRIMARY KEY AUTOINCREMENT,
    entry_id      INTEGER   NOT NULL,
    author_id     INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    author_org_id INTEGER   REFERENCES organisations (id) ON DELETE SET NULL,
    author_name   TEXT      NOT NULL,
    body          TEXT      NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, entry_id) REFERENCES workbook_entries (org_id, id) ON DELETE CASCADE
);
CREATE INDEX workbook_comments_entry_idx ON workbook_comments (org_id, entry_id, created_at);

-- +goose Down
DROP TABLE workbook_comments;
