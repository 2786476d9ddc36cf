-- +goose Up
-- A session made by an organisation's single sign-on opens only that
-- organisation: its administrators control the identity provider, and must
-- not be able to open a member's other organisations.
ALTER TABLE sessions ADD COLUMN restrict_org_id BIGINT REFERENCES organisations (id) ON DELETE CASCADE;

-- +goose Down
ALTER TABLE sessions DROP COLUMN restrict_org_id;
