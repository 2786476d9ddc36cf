-- +goose Up
CREATE TABLE files (
    org_id       INTEGER   NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id           INTEGER   PRIMARY KEY AUTOINCREMENT,
    sha256       TEXT      NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    size         INTEGER   NOT NULL CHECK (size >= 0),
    content_type TEXT      NOT NULL,
    name         TEXT      NOT NULL,
    created_by   INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX files_sha256_idx ON files (sha256);

ALTER TABLE organisations ADD COLUMN logo_file_id INTEGER REFERENCES files (id);

-- +goose Down
ALTER TABLE organisations DROP COLUMN logo_file_id;
DROP TABLE files;
