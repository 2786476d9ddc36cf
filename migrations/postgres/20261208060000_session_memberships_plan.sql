-- +goose Up
-- samvirke_session_memberships (migration session_memberships) in PL/pgSQL
-- and expecting one row: the session's read is the one statement of every
-- request. A SQL function with a SET clause is never inlined, and its
-- query was planned anew on every call (0.2 ms of the statement's 0.45);
-- PL/pgSQL keeps the plan on each connection. Expecting one membership
-- (most people have one) lets the planner find each membership's
-- organisation by its key instead of hashing the whole table. Same rows,
-- same right: system work for the duration of the call only, the given
-- session's memberships only, limited to its organisation when single
-- sign-on restricted it.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION samvirke_session_memberships(session_id TEXT) RETURNS SETOF memberships
LANGUAGE plpgsql STABLE ROWS 1 SET app.system = 'on' AS $$
BEGIN
    RETURN QUERY SELECT m.* FROM sessions s JOIN memberships m ON m.user_id = s.user_id
    WHERE s.id = session_id AND (s.restrict_org_id IS NULL OR m.org_id = s.restrict_org_id);
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION samvirke_session_memberships(session_id TEXT) RETURNS SETOF memberships
LANGUAGE sql STABLE ROWS 4 SET app.system = 'on' AS $$
    SELECT m.* FROM sessions s JOIN memberships m ON m.user_id = s.user_id
    WHERE s.id = session_id AND (s.restrict_org_id IS NULL OR m.org_id = s.restrict_org_id)
$$;
-- +goose StatementEnd
