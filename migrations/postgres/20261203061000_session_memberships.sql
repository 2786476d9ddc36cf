-- +goose Up
-- The memberships a browser session opens, read without a transaction:
-- authenticating a session is the one statement of every request, and on
-- PostgreSQL a unit of work around it costs BEGIN, the row-level-security
-- settings and COMMIT. The function carries its own, narrower right: for
-- the duration of the call it is system work (SET clause, restored on
-- return), and it answers only the memberships of the user whose session
-- id (the SHA-256 of the cookie's token) is given, limited to the session's
-- organisation when single sign-on restricted it. Memberships stay
-- invisible to every other query outside a scope.
-- +goose StatementBegin
CREATE FUNCTION samvirke_session_memberships(session_id TEXT) RETURNS SETOF memberships
LANGUAGE sql STABLE SET app.system = 'on' AS $$
    SELECT m.* FROM sessions s JOIN memberships m ON m.user_id = s.user_id
    WHERE s.id = session_id AND (s.restrict_org_id IS NULL OR m.org_id = s.restrict_org_id)
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION samvirke_session_memberships(TEXT);
