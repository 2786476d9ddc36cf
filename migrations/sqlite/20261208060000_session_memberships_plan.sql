-- +goose Up
-- PostgreSQL's samvirke_session_memberships keeps its plan (see the
-- PostgreSQL migration); SQLite has no such function.
SELECT 1;

-- +goose Down
SELECT 1;
