package db

import (
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/samvirke/samvirke/internal/app"
)

// Err turns a driver error into an *app.Error by its code, never by message
// text: no rows → not_found, unique violation → conflict, foreign key or
// check violation → invalid. Other errors pass through unchanged (internal).
func Err(err error, notFoundKey string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return app.Errorf(app.ENotFound, notFoundKey).Wrap(err)
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return app.Errorf(app.EConflict, "error.conflict").Wrap(err)
		case "23503", "23514", "23502", "22P02":
			return app.Errorf(app.EInvalid, "error.invalid").Wrap(err)
		}
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return app.Errorf(app.EConflict, "error.conflict").Wrap(err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY, sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return app.Errorf(app.EInvalid, "error.invalid").Wrap(err)
		}
	}
	return err
}
