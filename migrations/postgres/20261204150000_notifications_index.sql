-- +goose Up
-- The bell's unread count on every page: a person's unread notifications
-- in one organisation, read from this partial index alone.
CREATE INDEX notifications_unread ON notifications (org_id, user_id) WHERE read_at IS NULL;

-- The count in one statement, outside a scope's transaction (db.RunBare),
-- like samvirke_session_memberships: it reads only the one person's rows
-- of the one organisation it is given.
-- +goose StatementBegin
CREATE FUNCTION samvirke_unread_notifications(p_org_id BIGINT, p_user_id BIGINT) RETURNS BIGINT
LANGUAGE sql STABLE SET app.system = 'on' AS $$
    SELECT count(*) FROM notifications WHERE org_id = p_org_id AND user_id = p_user_id AND read_at IS NULL
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION samvirke_unread_notifications(BIGINT, BIGINT);
DROP INDEX notifications_unread;
