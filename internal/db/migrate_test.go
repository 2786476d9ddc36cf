package db_test

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/migrations"
)

// columns answers table → sorted "column nullability" of every
// application table.
func columns(t *testing.T, sqldb *sql.DB, dialect string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	var rows *sql.Rows
	var err error
	if dialect == db.Postgres {
		rows, err = sqldb.Query(`SELECT table_name, column_name, is_nullable = 'YES'
			FROM information_schema.columns WHERE table_schema = 'public'`)
	} else {
		rows, err = sqldb.Query(`SELECT m.name, p.name, p."notnull" = 0 AND p.pk = 0
			FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, col string
		var nullable bool
		if err := rows.Scan(&table, &col, &nullable); err != nil {
			t.Fatal(err)
		}
		if table == "goose_db_version" {
			continue
		}
		n := "NOT NULL"
		if nullable {
			n = "NULL"
		}
		out[table] = append(out[table], col+" "+n)
	}
	for _, c := range out {
		sort.Strings(c)
	}
	return out
}

// TestMigrationsDialectsAgree builds the schema from scratch on PostgreSQL
// and SQLite and compares every table, column and nullability.
func TestMigrationsDialectsAgree(t *testing.T) {
	t.Parallel()
	pg := open(t, dbtest.EmptyPostgres(t))
	lite := open(t, filepath.Join(t.TempDir(), "parity.db"))
	ctx := context.Background()
	for _, c := range []struct {
		sqldb   *sql.DB
		dialect string
	}{{pg, db.Postgres}, {lite, db.SQLite}} {
		res, err := db.Migrate(ctx, c.sqldb, c.dialect)
		if err != nil {
			t.Fatalf("%s: %v", c.dialect, err)
		}
		if len(res.Applied) == 0 {
			t.Fatalf("%s: no migration applied to an empty database", c.dialect)
		}
	}
	pgCols, liteCols := columns(t, pg, db.Postgres), columns(t, lite, db.SQLite)
	if len(pgCols) == 0 {
		t.Fatal("no tables after migrating")
	}
	if diff := cmp.Diff(pgCols, liteCols); diff != "" {
		t.Errorf("PostgreSQL and SQLite schemas differ (-postgres +sqlite):\n%s", diff)
	}
}

// TestMigrationFilesMatch requires the same versions and names in both
// dialects, so no migration is written for one and forgotten for the other.
func TestMigrationFilesMatch(t *testing.T) {
	t.Parallel()
	names := func(dialect string) []string {
		fsys, err := migrations.FS(dialect)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := fs.Glob(fsys, "*.sql")
		return m
	}
	if diff := cmp.Diff(names(db.Postgres), names(db.SQLite)); diff != "" {
		t.Errorf("migration files differ (-postgres +sqlite):\n%s", diff)
	}
}

// TestMigrationNames: the sequential versions end at 14; every later
// migration is named with its UTC creation time, YYYYMMDDHHMMSS_name.sql,
// so that parallel branches never pick the same version.
func TestMigrationNames(t *testing.T) {
	t.Parallel()
	name := regexp.MustCompile(`^(\d{5}|\d{14})_[a-z0-9_]+\.sql$`)
	for _, dialect := range []string{db.Postgres, db.SQLite} {
		for file := range embedded(t, dialect) {
			m := name.FindStringSubmatch(file)
			switch {
			case m == nil:
				t.Errorf("%s/%s: want YYYYMMDDHHMMSS_name.sql", dialect, file)
			case len(m[1]) == 5 && version(t, file) > lastSequential:
				t.Errorf("%s/%s: sequential versions end at %d; name it with its UTC creation time, YYYYMMDDHHMMSS_name.sql", dialect, file, lastSequential)
			case len(m[1]) == 14:
				if ts, err := time.Parse("20060102150405", m[1]); err != nil || ts.Year() < 2026 || ts.After(time.Now().Add(48*time.Hour)) {
					t.Errorf("%s/%s: %s is not a UTC creation time (%v)", dialect, file, m[1], err)
				}
			}
		}
	}
}

// lastSequential is the highest of the sequential versions that deployed
// databases record.
const lastSequential = 14

func TestMigrate(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{db.Postgres, db.SQLite} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			fresh := func() *sql.DB { return emptyDB(t, dialect) }
			ctx := context.Background()
			t.Run("RerunIsNoop", func(t *testing.T) {
				sqldb := fresh()
				first, err := db.Migrate(ctx, sqldb, dialect)
				if err != nil {
					t.Fatal(err)
				}
				second, err := db.Migrate(ctx, sqldb, dialect)
				if err != nil {
					t.Fatal(err)
				}
				if len(second.Applied) != 0 || second.Version != first.Version {
					t.Errorf("second run applied %v, version %d; want nothing, version %d", second.Applied, second.Version, first.Version)
				}
				st, err := db.Status(ctx, sqldb, dialect)
				if err != nil || st.Stale() {
					t.Errorf("status after migrating = %+v, %v; want current", st, err)
				}
			})
			t.Run("ErrFailedMigrationLeavesSchema", func(t *testing.T) {
				sqldb := fresh()
				fsys := embedded(t, dialect)
				fsys["99999_broken.sql"] = &fstest.MapFile{Data: []byte(
					"-- +goose Up\nCREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n")}
				good, err := db.Migrate(ctx, sqldb, dialect)
				if err != nil {
					t.Fatal(err)
				}
				res, err := db.MigrateFS(ctx, sqldb, dialect, fsys)
				if err == nil {
					t.Fatal("broken migration succeeded")
				}
				if res.Version != good.Version {
					t.Errorf("version after failure = %d, want %d", res.Version, good.Version)
				}
				var n int
				q := "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'"
				if dialect == db.Postgres {
					q = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'half_done'"
				}
				if err := sqldb.QueryRow(q).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != 0 {
					t.Error("table half_done exists: the failed migration was half applied")
				}
			})
			t.Run("StaleSchemaIsReported", func(t *testing.T) {
				sqldb := fresh()
				st, err := db.Status(ctx, sqldb, dialect)
				if err != nil {
					t.Fatal(err)
				}
				if n := len(embedded(t, dialect)); !st.Stale() || len(st.Pending) != n || len(st.Unknown) != 0 {
					t.Errorf("status of an empty database = %+v; want all %d migrations pending", st, n)
				}
			})
		})
	}
}

// TestMigrationsOutOfOrder: two branches each add a migration with a
// timestamp version. Whichever lands first, the database ends with the same
// schema and both versions recorded: the later-landing older version is
// applied out of order, and until then the database is reported stale.
func TestMigrationsOutOfOrder(t *testing.T) {
	t.Parallel()
	const (
		a = "20260105090000_branch_a.sql" // older timestamp
		b = "20260106140000_branch_b.sql"
	)
	files := map[string]string{
		a: "-- +goose Up\nCREATE TABLE branch_a (id INTEGER PRIMARY KEY, note TEXT NOT NULL);\n" +
			"-- +goose Down\nDROP TABLE branch_a;\n",
		b: "-- +goose Up\nALTER TABLE organisations ADD COLUMN branch_b TEXT;\n" +
			"-- +goose Down\nALTER TABLE organisations DROP COLUMN branch_b;\n",
	}
	for _, dialect := range []string{db.Postgres, db.SQLite} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			with := func(names ...string) fs.FS {
				fsys := embedded(t, dialect)
				for _, n := range names {
					fsys[n] = &fstest.MapFile{Data: []byte(files[n])}
				}
				return fsys
			}
			both := with(a, b)
			var schemas []map[string][]string
			for _, order := range [][2]string{{a, b}, {b, a}} {
				sqldb := emptyDB(t, dialect)
				if _, err := db.MigrateFS(ctx, sqldb, dialect, with(order[0])); err != nil {
					t.Fatalf("%s first: %v", order[0], err)
				}
				second := version(t, order[1])
				st, err := db.StatusFS(ctx, sqldb, dialect, both)
				if err != nil || !cmp.Equal(st.Pending, []int64{second}) || st.Newer() {
					t.Errorf("%s landed first: status %+v, %v; want only %d pending", order[0], st, err, second)
				}
				res, err := db.MigrateFS(ctx, sqldb, dialect, both)
				if err != nil {
					t.Fatalf("%s after %s: %v", order[1], order[0], err)
				}
				if !cmp.Equal(res.Applied, []int64{second}) {
					t.Errorf("%s after %s applied %v; want [%d]", order[1], order[0], res.Applied, second)
				}
				if st, err := db.StatusFS(ctx, sqldb, dialect, both); err != nil || st.Stale() || st.Newer() {
					t.Errorf("after both: status %+v, %v; want up to date", st, err)
				}
				var n int
				if err := sqldb.QueryRow("SELECT count(*) FROM goose_db_version WHERE version_id IN ($1, $2)",
					version(t, a), version(t, b)).Scan(&n); err != nil || n != 2 {
					t.Errorf("recorded versions of the two branches: %d, %v; want 2", n, err)
				}
				schemas = append(schemas, columns(t, sqldb, dialect))
			}
			if diff := cmp.Diff(schemas[0], schemas[1]); diff != "" {
				t.Errorf("schema differs with the order the branches landed in (-a first +b first):\n%s", diff)
			}
		})
	}
}

// version answers the version of a migration file name.
func version(t *testing.T, name string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(strings.SplitN(name, "_", 2)[0], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// embedded copies the embedded migrations of dialect, for tests to add to.
func embedded(t *testing.T, dialect string) fstest.MapFS {
	t.Helper()
	base, err := migrations.FS(dialect)
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	err = fs.WalkDir(base, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(base, p)
			fsys[p] = &fstest.MapFile{Data: b}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

// emptyDB answers a new, empty database of dialect, opened as its owner.
func emptyDB(t *testing.T, dialect string) *sql.DB {
	t.Helper()
	if dialect == db.Postgres {
		return open(t, dbtest.EmptyPostgres(t))
	}
	return open(t, filepath.Join(t.TempDir(), "m.db"))
}

func open(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	sqldb, err := db.OpenSQL(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { sqldb.Close() })
	return sqldb
}

func TestMain(m *testing.M) {
	// The parity test needs PostgreSQL in every run of the suite.
	if os.Getenv(dbtest.EnvPostgresURL) == "" && !strings.HasPrefix(os.Getenv(dbtest.EnvDatabaseURL), "postgres") {
		os.Setenv(dbtest.EnvPostgresURL, dbtest.DefaultPostgresURL)
	}
	os.Exit(m.Run())
}
