-- +goose Up
CREATE TABLE org_terms (
    org_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    term   TEXT    NOT NULL,
    locale TEXT    NOT NULL,
    label  TEXT    NOT NULL,
    PRIMARY KEY (org_id, term, locale)
);

-- +goose Down
DROP TABLE org_terms;
