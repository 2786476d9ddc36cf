#!/usr/bin/env bash
# Creates Samvirke's two database roles and its database. Idempotent: running
# it again changes nothing but the passwords.
#
#   samvirke      owns the database, the schema and every table; used only by
#                 `samvirke migrate` (SAMVIRKE_MIGRATE_DATABASE_URL).
#   samvirke_app  the servers' role (SAMVIRKE_DATABASE_URL): may read and write
#                 rows but owns nothing and cannot bypass row-level security,
#                 so every tenant policy applies to it.
#
# docker compose runs it once, from /docker-entrypoint-initdb.d, when the
# PostgreSQL volume is empty. Against another server, run it as a superuser
# with the usual libpq variables, e.g.
#
#   PGHOST=db.internal PGUSER=postgres \
#   SAMVIRKE_DB_OWNER_PASSWORD=... SAMVIRKE_DB_APP_PASSWORD=... \
#   deploy/postgres/init-app-role.sh
#
# Passwords go into connection URLs: use URL-safe characters, e.g. from
# `openssl rand -hex 24`.
set -Eeo pipefail

: "${SAMVIRKE_DB_OWNER_PASSWORD:?set SAMVIRKE_DB_OWNER_PASSWORD, the password of role samvirke}"
: "${SAMVIRKE_DB_APP_PASSWORD:?set SAMVIRKE_DB_APP_PASSWORD, the password of role samvirke_app}"
SAMVIRKE_DB_NAME="${SAMVIRKE_DB_NAME:-samvirke}"

psql_admin() {
	psql --no-psqlrc -v ON_ERROR_STOP=1 --quiet \
		--username "${POSTGRES_USER:-${PGUSER:-postgres}}" \
		-v owner_password="$SAMVIRKE_DB_OWNER_PASSWORD" \
		-v app_password="$SAMVIRKE_DB_APP_PASSWORD" \
		-v dbname="$SAMVIRKE_DB_NAME" \
		"$@"
}

# Roles and database, connected to the maintenance database.
psql_admin --dbname "${POSTGRES_DB:-postgres}" <<'SQL'
SELECT 'CREATE ROLE samvirke LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'samvirke')
\gexec
SELECT 'CREATE ROLE samvirke_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'samvirke_app')
\gexec
ALTER ROLE samvirke PASSWORD :'owner_password';
ALTER ROLE samvirke_app PASSWORD :'app_password';

-- Row-level security does not apply to superusers, to roles with BYPASSRLS,
-- nor to a table's owner: refuse to go on with an app role that escapes it.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'samvirke_app' AND (rolsuper OR rolbypassrls)) THEN
        RAISE EXCEPTION 'role samvirke_app must be NOSUPERUSER NOBYPASSRLS, or row-level security does not apply to it';
    END IF;
    IF pg_has_role('samvirke_app', 'samvirke', 'MEMBER') THEN
        RAISE EXCEPTION 'role samvirke_app must not be a member of samvirke, the owner of the tables';
    END IF;
END
$$;

SELECT format('CREATE DATABASE %I OWNER samvirke ENCODING ''UTF8'' TEMPLATE template0', :'dbname')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'dbname')
\gexec
SELECT format('ALTER DATABASE %I OWNER TO samvirke', :'dbname')
\gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'dbname')
\gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO samvirke_app', :'dbname')
\gexec
SQL

# Schema privileges, connected to Samvirke's database.
psql_admin --dbname "$SAMVIRKE_DB_NAME" <<'SQL'
-- Only the owner creates objects; the app role may use them.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO samvirke;
GRANT USAGE ON SCHEMA public TO samvirke_app;

-- Tables and sequences that migrations create later.
ALTER DEFAULT PRIVILEGES FOR ROLE samvirke IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO samvirke_app;
ALTER DEFAULT PRIVILEGES FOR ROLE samvirke IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO samvirke_app;

-- Tables and sequences that already exist (when run after a migration).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO samvirke_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO samvirke_app;
SQL

echo "samvirke: roles samvirke (owner) and samvirke_app (application) ready in database $SAMVIRKE_DB_NAME"
