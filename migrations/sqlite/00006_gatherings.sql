-- +goose Up
CREATE TABLE gatherings (
    org_id     INTEGER   NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id         INTEGER   PRIMARY KEY AUTOINCREMENT,
    title      TEXT      NOT NULL,
    starts_on  DATE      NOT NULL,
    place      TEXT      NOT NULL DEFAULT '',
    agenda     TEXT      NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, id)
);

CREATE TABLE gathering_chapters (
    org_id       INTEGER NOT NULL,
    gathering_id INTEGER NOT NULL,
    chapter_id   INTEGER NOT NULL,
    PRIMARY KEY (org_id, gathering_id, chapter_id),
    FOREIGN KEY (org_id, gathering_id) REFERENCES gatherings (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, chapter_id) REFERENCES workbook_chapters (org_id, id) ON DELETE CASCADE
);

CREATE TABLE workbook_chapter_status (
    org_id      INTEGER   NOT NULL,
    workbook_id INTEGER   NOT NULL,
    chapter_id  INTEGER   NOT NULL,
    status      TEXT      NOT NULL CHECK (status IN ('not_started', 'in_progress', 'ready')),
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, workbook_id, chapter_id),
    FOREIGN KEY (org_id, workbook_id) REFERENCES workbooks (org_id, id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE workbook_chapter_status;
DROP TABLE gathering_chapters;
DROP TABLE gatherings;
