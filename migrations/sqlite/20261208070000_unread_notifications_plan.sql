-- +goose Up
-- PostgreSQL's samvirke_unread_notifications keeps its plan (see the
-- PostgreSQL migration); SQLite has no such function.
SELECT 1;

-- +goose Down
SELECT 1;
