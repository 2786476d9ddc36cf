package db

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/samvirke/samvirke/migrations"
)

// lockID is the PostgreSQL advisory lock that serialises migrators across
// processes; goose's session lock is released by the server when the
// connection dies, so a crashed migrator never leaves it held.
const lockID = 0x5a4d5649524b45 // "SAMVIRKE"

func provider(sqldb *sql.DB, dialect string, fsys fs.FS) (*goose.Provider, error) {
	if fsys == nil {
		var err error
		if fsys, err = migrations.FS(dialect); err != nil {
			return nil, err
		}
	}
	var opts []goose.ProviderOption
	gd := goose.DialectSQLite3
	if dialect == Postgres {
		gd = goose.DialectPostgres
		l, err := lock.NewPostgresSessionLocker(lock.WithLockID(lockID), lock.WithLockTimeout(2, 60))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(l))
	}
	return goose.NewProvider(gd, sqldb, fsys, opts...)
}

// MigrationResult says which version a migration run ended at and which
// versions it applied.
type MigrationResult struct {
	Applied []int64
	Version int64
}

// Migrate applies every pending migration of dialect to sqldb. Each
// migration runs in its own transaction, so a failing one leaves the schema
// as the previous one left it. Running it again is a no-op.
func Migrate(ctx context.Context, sqldb *sql.DB, dialect string) (MigrationResult, error) {
	return MigrateFS(ctx, sqldb, dialect, nil)
}

// MigrateFS is Migrate with the migrations of fsys instead of the embedded
// ones (nil: the embedded ones).
func MigrateFS(ctx context.Context, sqldb *sql.DB, dialect string, fsys fs.FS) (MigrationResult, error) {
	p, err := provider(sqldb, dialect, fsys)
	if err != nil {
		return MigrationResult{}, err
	}
	results, err := p.Up(ctx)
	var res MigrationResult
	for _, r := range results {
		if r.Error == nil {
			res.Applied = append(res.Applied, r.Source.Version)
		}
	}
	if v, verr := p.GetDBVersion(ctx); verr == nil {
		res.Version = v
	}
	if err != nil {
		return res, fmt.Errorf("db: migrate: %w", err)
	}
	return res, nil
}

// SchemaStatus compares the database's schema version with the newest
// migration embedded in this binary.
type SchemaStatus struct {
	Current, Target int64
}

// Stale reports whether migrations are pending.
func (s SchemaStatus) Stale() bool { return s.Current < s.Target }

// Status answers the schema version of sqldb and the newest one known.
func Status(ctx context.Context, sqldb *sql.DB, dialect string) (SchemaStatus, error) {
	p, err := provider(sqldb, dialect, nil)
	if err != nil {
		return SchemaStatus{}, err
	}
	cur, target, err := p.GetVersions(ctx)
	if err != nil {
		return SchemaStatus{}, fmt.Errorf("db: schema version: %w", err)
	}
	return SchemaStatus{Current: cur, Target: target}, nil
}
