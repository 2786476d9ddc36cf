package server_test

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
	"github.com/samvirke/samvirke/migrations"
)

// TestStaleSchemaMissingMiddleMigration: a database that has every
// migration but one in the middle (one that landed out of order) has the
// newest version recorded, yet a server refuses it as stale and names the
// missing version; `samvirke migrate` applies it and the server starts.
func TestStaleSchemaMissingMiddleMigration(t *testing.T) {
	t.Parallel()
	const middle = "00012_pending_signins.sql"
	ctx := context.Background()
	e := servertest.NewEnv(t)
	dsn := t.TempDir() + "/gap.db"
	e.DatabaseURL = "sqlite://" + dsn
	if dbtest.Dialect() == db.Postgres {
		dsn = dbtest.EmptyPostgres(t)
		e.DatabaseURL = dsn
	}
	dialect := db.DialectOf(dsn)

	base, err := migrations.FS(dialect)
	if err != nil {
		t.Fatal(err)
	}
	gap := fstest.MapFS{}
	names, _ := fs.Glob(base, "*.sql")
	for _, n := range names {
		if n != middle {
			b, _ := fs.ReadFile(base, n)
			gap[n] = &fstest.MapFile{Data: b}
		}
	}
	if len(gap) != len(names)-1 {
		t.Fatalf("%s is not among the embedded migrations", middle)
	}
	sqldb, err := db.OpenSQL(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.MigrateFS(ctx, sqldb, dialect, gap)
	sqldb.Close()
	if err != nil {
		t.Fatal(err)
	}

	cfg := e.Config()
	cfg.AutoMigrate = false
	m := server.New(cfg, server.ModeWeb, io.Discard)
	err = m.Open(ctx)
	m.Close()
	if err == nil || !strings.Contains(err.Error(), "samvirke migrate") || !strings.Contains(err.Error(), "[12]") {
		t.Fatalf("open with migration 12 missing: %v; want a refusal naming it and `samvirke migrate`", err)
	}

	if err := server.Migrate(ctx, dsn, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	m = server.New(cfg, server.ModeWeb, io.Discard)
	defer m.Close()
	if err := m.Open(ctx); err != nil {
		t.Fatalf("open after migrate: %v", err)
	}
	if _, err := m.DB.ExecContext(ctx, "SELECT count(*) FROM pending_signins"); err != nil {
		t.Errorf("the missing migration's table after migrate: %v", err)
	}
}
