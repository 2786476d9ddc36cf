-- +goose Up
-- At most one open follow-up round per plan (its lineage) at a time.
CREATE UNIQUE INDEX plan_rounds_open_idx ON plan_rounds (org_id, lineage_id) WHERE closed_at IS NULL;

-- +goose Down
DROP INDEX plan_rounds_open_idx;
