// Package dbtest gives tests real, isolated storage: each call to Open
// answers a freshly migrated database of its own (PostgreSQL or SQLite,
// chosen by the environment), and Redis gives a Redis database of its own
// (a real server, or an in-process one). Tests run in parallel with their
// own organisations and never truncate anything.
//
// The backends are chosen by:
//
//	SAMVIRKE_TEST_DATABASE_URL  postgres://…/test (an admin connection), or empty for SQLite
//	SAMVIRKE_TEST_REDIS_URL     redis://127.0.0.1:6379, or empty for the in-process server
//
// When a backend is named and cannot be reached, tests fail; they never
// skip.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/migrations"
)

// Environment variables that choose the backends.
const (
	EnvDatabaseURL = "SAMVIRKE_TEST_DATABASE_URL"
	EnvRedisURL    = "SAMVIRKE_TEST_REDIS_URL"
)

// Dialect answers the database dialect the tests run against.
func Dialect() string {
	if os.Getenv(EnvDatabaseURL) != "" {
		return db.Postgres
	}
	return db.SQLite
}

// Open returns a migrated database used by this test alone, closed and
// dropped when the test ends.
func Open(tb testing.TB) *bun.DB {
	tb.Helper()
	dsn := DSN(tb)
	bdb, err := db.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatalf("dbtest: open %s: %v", dsn, err)
	}
	guard, err := db.NewTenantGuard(context.Background(), bdb, func(q string) {
		tb.Errorf("dbtest: tenant table queried %s", q)
	})
	if err != nil {
		bdb.Close()
		tb.Fatalf("dbtest: %v", err)
	}
	bdb.AddQueryHook(guard)
	dsns.Store(bdb, dsn)
	tb.Cleanup(func() { bdb.Close(); dsns.Delete(bdb) })
	return bdb
}

// AppRole is the PostgreSQL role tests connect as: like production's
// application role it owns no table and cannot bypass row-level security.
const AppRole = "samvirke_app"

// OpenPostgres is Open on PostgreSQL whichever backend the suite runs on,
// for tests of PostgreSQL's own walls (row-level security).
func OpenPostgres(tb testing.TB) *bun.DB {
	tb.Helper()
	dsn := pgDatabaseAt(tb, postgresAdmin())
	bdb, err := db.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatalf("dbtest: open %s: %v", redact(dsn), err)
	}
	dsns.Store(bdb, dsn)
	tb.Cleanup(func() { bdb.Close(); dsns.Delete(bdb) })
	return bdb
}

// DSN creates a migrated database for this test alone and answers its
// connection string: a postgres:// URL for AppRole, or a SQLite file path.
func DSN(tb testing.TB) string {
	tb.Helper()
	if Dialect() == db.Postgres {
		return pgDatabase(tb)
	}
	return sqliteDatabase(tb)
}

// migrationsHash identifies the current schema, so a template built from
// older migrations is never reused.
var migrationsHash = sync.OnceValue(func() string {
	h := sha256.New()
	for _, d := range []string{db.Postgres, db.SQLite} {
		fsys, _ := migrations.FS(d)
		fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				b, _ := fs.ReadFile(fsys, p)
				io.WriteString(h, p)
				h.Write(b)
			}
			return err
		})
	}
	io.WriteString(h, "grants-v1") // bump when the template's set-up changes
	return hex.EncodeToString(h.Sum(nil))[:12]
})

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// --- SQLite -------------------------------------------------------------

var (
	sqliteOnce     sync.Once
	sqliteTemplate string
	sqliteErr      error
)

// sqliteDatabase copies a template file migrated once per test process.
func sqliteDatabase(tb testing.TB) string {
	tb.Helper()
	sqliteOnce.Do(func() {
		dir, err := os.MkdirTemp("", "samvirke-sqlite-template-")
		if err != nil {
			sqliteErr = err
			return
		}
		sqliteTemplate = filepath.Join(dir, "template.db")
		ctx := context.Background()
		sqldb, err := db.OpenSQL(ctx, sqliteTemplate)
		if err != nil {
			sqliteErr = err
			return
		}
		defer sqldb.Close()
		if _, err := db.Migrate(ctx, sqldb, db.SQLite); err != nil {
			sqliteErr = err
			return
		}
		// Fold the write-ahead log into the file so a plain copy is whole.
		_, sqliteErr = sqldb.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	})
	if sqliteErr != nil {
		tb.Fatalf("dbtest: sqlite template: %v", sqliteErr)
	}
	b, err := os.ReadFile(sqliteTemplate)
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	path := filepath.Join(tb.TempDir(), "samvirke.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	return path
}

// --- PostgreSQL ---------------------------------------------------------

var (
	pgOnce     sync.Once
	pgTemplate string
	pgErr      error
)

// pgDatabase clones a template database that is migrated once for every
// test process of this schema version. The template is built under an
// advisory lock because test packages run as parallel processes.
func pgDatabase(tb testing.TB) string {
	tb.Helper()
	return pgDatabaseAt(tb, os.Getenv(EnvDatabaseURL))
}

func pgDatabaseAt(tb testing.TB, admin string) string {
	tb.Helper()
	ctx := context.Background()
	pgOnce.Do(func() { pgTemplate, pgErr = ensurePGTemplate(ctx, admin) })
	if pgErr != nil {
		tb.Fatalf("dbtest: PostgreSQL at %s: %v (is it running? the test command starts it)", redact(admin), pgErr)
	}
	name := "samvirke_t_" + randomSuffix()
	adb, err := db.Open(ctx, admin)
	if err != nil {
		tb.Fatalf("dbtest: PostgreSQL at %s: %v", redact(admin), err)
	}
	defer adb.Close()
	// Concurrent clones of one template are refused while another clone
	// is reading it, so retry for a while.
	for i := 0; ; i++ {
		_, err = adb.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, pgTemplate))
		if err == nil || i == 50 || !strings.Contains(err.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		tb.Fatalf("dbtest: create database: %v", err)
	}
	tb.Cleanup(func() {
		adb, err := db.Open(context.Background(), admin)
		if err != nil {
			return
		}
		defer adb.Close()
		adb.ExecContext(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	})
	return withUser(withDatabase(admin, name), AppRole)
}

// OwnerDSN answers the URL of the same database as dsn for the admin
// (table owner), for tests that must see past row-level security.
func OwnerDSN(dsn string) string {
	admin, err := url.Parse(postgresAdmin())
	if err != nil {
		return dsn
	}
	return withUser(dsn, admin.User.Username())
}

func withUser(dsn, user string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.User = url.User(user)
	return u.String()
}

func ensurePGTemplate(ctx context.Context, admin string) (string, error) {
	name := "samvirke_tpl_" + migrationsHash()
	adb, err := db.Open(ctx, admin)
	if err != nil {
		return "", err
	}
	defer adb.Close()
	conn, err := adb.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(4242001)"); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, "SELECT pg_advisory_unlock(4242001)")
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM pg_database WHERE datname = ?", name).Scan(&n); err != nil {
		return "", err
	}
	if n == 1 {
		return name, nil
	}
	building := name + "_building"
	conn.ExecContext(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", building))
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	// The application role, as production has it (deploy/postgres).
	if _, err := conn.ExecContext(ctx, `DO $$ BEGIN
		IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '`+AppRole+`') THEN
			CREATE ROLE `+AppRole+` LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
		END IF; END $$`); err != nil && !strings.Contains(err.Error(), "already exists") {
		return "", err
	}
	sqldb, err := db.OpenSQL(ctx, withDatabase(admin, building))
	if err != nil {
		return "", err
	}
	_, err = db.Migrate(ctx, sqldb, db.Postgres)
	if err == nil {
		_, err = sqldb.ExecContext(ctx, `GRANT USAGE ON SCHEMA public TO `+AppRole+`;
			GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO `+AppRole+`;
			GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO `+AppRole)
	}
	sqldb.Close()
	if err != nil {
		return "", err
	}
	// Renamed only once complete, so a crashed build is never used.
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", building, name)); err != nil {
		return "", err
	}
	return name, nil
}

func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.Path = "/" + name
	return u.String()
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// EnvPostgresURL names a PostgreSQL admin URL for tests that need
// PostgreSQL whichever backend the suite runs on (the dialect parity test).
const EnvPostgresURL = "SAMVIRKE_TEST_POSTGRES_URL"

// DefaultPostgresURL is the local test server of this project's machines.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// postgresAdmin answers the admin URL of the PostgreSQL server tests use.
func postgresAdmin() string {
	for _, k := range []string{EnvDatabaseURL, EnvPostgresURL} {
		if v := os.Getenv(k); strings.HasPrefix(v, "postgres") {
			return v
		}
	}
	return DefaultPostgresURL
}

// EmptyPostgres creates an empty database (no migrations) on the suite's
// PostgreSQL server for this test alone and answers its URL. It needs
// PostgreSQL whichever backend the suite runs on.
func EmptyPostgres(tb testing.TB) string {
	tb.Helper()
	return EmptyPostgresAt(tb, postgresAdmin())
}

// EmptyPostgresAt creates an empty database on the server of admin.
func EmptyPostgresAt(tb testing.TB, admin string) string {
	tb.Helper()
	ctx := context.Background()
	adb, err := db.Open(ctx, admin)
	if err != nil {
		tb.Fatalf("dbtest: PostgreSQL at %s: %v (is it running? the test command starts it)", redact(admin), err)
	}
	defer adb.Close()
	name := "samvirke_e_" + randomSuffix()
	if _, err := adb.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	tb.Cleanup(func() {
		adb, err := db.Open(context.Background(), admin)
		if err == nil {
			adb.ExecContext(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
			adb.Close()
		}
	})
	return withDatabase(admin, name)
}

var dsns sync.Map // *bun.DB → dsn

// DSNOf answers the connection string Open used for bdb.
func DSNOf(tb testing.TB, bdb *bun.DB) string {
	tb.Helper()
	v, ok := dsns.Load(bdb)
	if !ok {
		tb.Fatal("dbtest: DSNOf: database not opened by dbtest.Open")
	}
	return v.(string)
}
