-- +goose Up
CREATE TABLE workbook_good_practice (
    org_id       INTEGER   NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    entry_org_id INTEGER   NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    entry_id     INTEGER   NOT NULL,
    marked_by    INTEGER   REFERENCES users (id) ON DELETE SET NULL,
    marked_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, entry_org_id, entry_id)
);

-- +goose Down
DROP TABLE workbook_good_practice;
