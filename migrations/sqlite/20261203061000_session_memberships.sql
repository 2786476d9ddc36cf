-- +goose Up
-- PostgreSQL gets samvirke_session_memberships, which reads a session's
-- memberships outside a transaction under row-level security; SQLite has
-- no row-level security and joins the memberships directly.
SELECT 1;

-- +goose Down
SELECT 1;
