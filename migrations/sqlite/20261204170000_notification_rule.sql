-- +goose Up
-- The rule a reminder's notification came from («before:14», «overdue:21»,
-- «escalate»), so that the notifications page says why in words.
ALTER TABLE notifications ADD COLUMN rule TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE notifications DROP COLUMN rule;
