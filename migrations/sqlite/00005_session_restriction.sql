-- +goose Up
ALTER TABLE sessions ADD COLUMN restrict_org_id INTEGER REFERENCES organisations (id) ON DELETE CASCADE;

-- +goose Down
ALTER TABLE sessions DROP COLUMN restrict_org_id;
