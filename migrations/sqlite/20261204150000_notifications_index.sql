-- +goose Up
-- The bell's unread count on every page: a person's unread notifications
-- in one organisation, read from this partial index alone.
CREATE INDEX notifications_unread ON notifications (org_id, user_id) WHERE read_at IS NULL;

-- +goose Down
DROP INDEX notifications_unread;
