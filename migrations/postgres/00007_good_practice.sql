-- +goose Up
-- Answers a network's coordinators mark as good practice at a gathering.
CREATE TABLE workbook_good_practice (
    org_id       BIGINT      NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    entry_org_id BIGINT      NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    entry_id     BIGINT      NOT NULL,
    marked_by    BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    marked_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, entry_org_id, entry_id)
);
SELECT samvirke_enable_rls('workbook_good_practice');

-- +goose Down
DROP TABLE workbook_good_practice;
