// Migrations: the embedded SQL files of package migrations, applied by goose.
//
// Versions. Files 00001 to 00014 keep their sequential numbers (deployed
// databases record them). Every new migration is named with its UTC
// creation time, YYYYMMDDHHMMSS_name.sql, in both dialects' directories.
// Goose runs with out-of-order versions allowed: when two branches each add
// a migration, whichever lands second may carry the older timestamp, and
// `migrate` applies it even though a newer version is already recorded. A
// database is therefore up to date when every embedded version is recorded,
// not when its highest version equals the newest file (see Status).
package db

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"slices"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"github.com/pressly/goose/v3/lock"

	"github.com/samvirke/samvirke/migrations"
)

// lockID is the PostgreSQL advisory lock that serialises migrators across
// processes; goose's session lock is released by the server when the
// connection dies, so a crashed migrator never leaves it held.
const lockID = 0x5a4d5649524b45 // "SAMVIRKE"

// migrator is a goose provider with the store it records versions in.
type migrator struct {
	*goose.Provider
	store database.Store
}

func newMigrator(sqldb *sql.DB, dialect string, fsys fs.FS) (migrator, error) {
	if fsys == nil {
		var err error
		if fsys, err = migrations.FS(dialect); err != nil {
			return migrator{}, err
		}
	}
	opts := []goose.ProviderOption{goose.WithAllowOutofOrder(true)}
	gd := database.DialectSQLite3
	if dialect == Postgres {
		gd = database.DialectPostgres
		l, err := lock.NewPostgresSessionLocker(lock.WithLockID(lockID), lock.WithLockTimeout(2, 60))
		if err != nil {
			return migrator{}, err
		}
		opts = append(opts, goose.WithSessionLocker(l))
	}
	store, err := database.NewStore(gd, goose.DefaultTablename)
	if err != nil {
		return migrator{}, err
	}
	p, err := goose.NewProvider("", sqldb, fsys, append(opts, goose.WithStore(store))...)
	if err != nil {
		return migrator{}, err
	}
	return migrator{Provider: p, store: store}, nil
}

// MigrationResult says which versions a migration run applied and the
// highest version the database records after it.
type MigrationResult struct {
	Applied []int64
	Version int64
}

// Migrate applies every migration of dialect that sqldb has not applied,
// older versions (out of order) included, oldest first. Each migration runs
// in its own transaction, so a failing one leaves the schema as the
// previous one left it. Running it again is a no-op.
func Migrate(ctx context.Context, sqldb *sql.DB, dialect string) (MigrationResult, error) {
	return MigrateFS(ctx, sqldb, dialect, nil)
}

// MigrateFS is Migrate with the migrations of fsys instead of the embedded
// ones (nil: the embedded ones).
func MigrateFS(ctx context.Context, sqldb *sql.DB, dialect string, fsys fs.FS) (MigrationResult, error) {
	m, err := newMigrator(sqldb, dialect, fsys)
	if err != nil {
		return MigrationResult{}, err
	}
	results, err := m.Up(ctx)
	var res MigrationResult
	for _, r := range results {
		if r.Error == nil {
			res.Applied = append(res.Applied, r.Source.Version)
		}
	}
	if v, verr := m.GetDBVersion(ctx); verr == nil {
		res.Version = v
	}
	if err != nil {
		return res, fmt.Errorf("db: migrate: %w", err)
	}
	return res, nil
}

// SchemaStatus compares the migrations a database records with those
// embedded in this binary.
type SchemaStatus struct {
	// Pending are the versions this binary embeds and the database has not
	// applied, oldest first; with out-of-order versions they may be older
	// than versions it has applied.
	Pending []int64
	// Unknown are the versions the database has applied that this binary
	// does not embed: a newer binary migrated it.
	Unknown []int64
}

// Stale reports whether some embedded migration is not applied.
func (s SchemaStatus) Stale() bool { return len(s.Pending) > 0 }

// Newer reports whether the database has migrations this binary lacks.
func (s SchemaStatus) Newer() bool { return len(s.Unknown) > 0 }

// Status answers which embedded migrations sqldb lacks and which of its
// migrations the binary does not know. It takes no lock and creates
// nothing: an empty database has every migration pending.
func Status(ctx context.Context, sqldb *sql.DB, dialect string) (SchemaStatus, error) {
	return StatusFS(ctx, sqldb, dialect, nil)
}

// StatusFS is Status with the migrations of fsys instead of the embedded
// ones (nil: the embedded ones).
func StatusFS(ctx context.Context, sqldb *sql.DB, dialect string, fsys fs.FS) (SchemaStatus, error) {
	m, err := newMigrator(sqldb, dialect, fsys)
	if err != nil {
		return SchemaStatus{}, err
	}
	applied, err := appliedVersions(ctx, sqldb, dialect, m.store)
	if err != nil {
		return SchemaStatus{}, fmt.Errorf("db: schema version: %w", err)
	}
	var st SchemaStatus
	embedded := map[int64]bool{}
	for _, src := range m.ListSources() {
		embedded[src.Version] = true
		if !applied[src.Version] {
			st.Pending = append(st.Pending, src.Version)
		}
	}
	for v := range applied {
		if !embedded[v] {
			st.Unknown = append(st.Unknown, v)
		}
	}
	slices.Sort(st.Pending)
	slices.Sort(st.Unknown)
	return st, nil
}

// appliedVersions answers the versions recorded in goose's table, without
// goose's version 0, as goose itself reads them (Up applies exactly the
// embedded versions missing here); none when the table does not exist yet.
func appliedVersions(ctx context.Context, sqldb *sql.DB, dialect string, store database.Store) (map[int64]bool, error) {
	conn, err := sqldb.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	q := "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '" + goose.DefaultTablename + "'"
	if dialect == Postgres {
		q = "SELECT to_regclass('" + goose.DefaultTablename + "') IS NOT NULL"
	}
	var exists bool
	if err := conn.QueryRowContext(ctx, q).Scan(&exists); err != nil || !exists {
		return nil, err
	}
	rows, err := store.ListMigrations(ctx, conn)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(rows))
	for _, r := range rows {
		if r.Version != 0 {
			out[r.Version] = true
		}
	}
	return out, nil
}
