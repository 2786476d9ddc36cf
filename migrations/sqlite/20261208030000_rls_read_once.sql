-- +goose Up
-- Row-level security's policies read app.read_org_ids once a statement
-- (see the PostgreSQL migration). SQLite has no row-level security: the
-- embedded default scopes in the services alone, so nothing changes here.
SELECT 1;

-- +goose Down
SELECT 1;
