// Package db opens Samvirke's database (PostgreSQL through pgx, or SQLite
// through a pure-Go driver) behind bun, applies the embedded migrations and
// turns driver errors into app error codes.
package db

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" database/sql driver
)

// Dialect names.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// DialectOf answers Postgres or SQLite for a database URL or SQLite path.
func DialectOf(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// Open connects to the database at dsn: a postgres:// URL, or the path of a
// SQLite file (optionally prefixed sqlite:// or file:), which is created
// when missing. It does not touch the schema.
func Open(ctx context.Context, dsn string) (*bun.DB, error) {
	var (
		sqldb *sql.DB
		err   error
		bdb   *bun.DB
	)
	switch DialectOf(dsn) {
	case Postgres:
		sqldb, err = openPostgres(withExecMode(dsn))
		if err != nil {
			return nil, err
		}
		sqldb.SetMaxOpenConns(25)
		sqldb.SetMaxIdleConns(25)
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
		bdb = bun.NewDB(sqldb, pgdialect.New())
	default:
		path := sqlitePath(dsn)
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, err
			}
		}
		sqldb, err = sql.Open("sqlite", sqliteDSN(path))
		if err != nil {
			return nil, err
		}
		// One writer at a time is SQLite's nature; a handful of connections
		// lets reads proceed beside it under WAL.
		sqldb.SetMaxOpenConns(4)
		sqldb.SetMaxIdleConns(4)
		sqldb.SetConnMaxIdleTime(0)
		bdb = bun.NewDB(sqldb, sqlitedialect.New())
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := bdb.PingContext(pctx); err != nil {
		bdb.Close()
		return nil, err
	}
	return bdb, nil
}

// statementsKept is how many prepared statements (Bind's) pgx keeps on a
// connection, the least recently used let go: a few for each hot read.
const statementsKept = 64

// withExecMode makes pgx send each statement in one round trip without
// preparing it (default_query_exec_mode=exec), keep no descriptions and
// keep at most statementsKept prepared statements a connection, unless dsn
// chooses otherwise.
// bun writes its arguments into the statement's text, so nearly every
// statement is a text of its own: pgx's default, which prepares and keeps
// each new text on each connection, paid a second round trip per
// statement and held tens of megabytes of statements never sent again.
// Only the statements sent with Bind's values are prepared and kept.
func withExecMode(dsn string) string {
	if strings.Contains(dsn, "default_query_exec_mode") {
		return dsn
	}
	u, err := url.Parse(dsn) // a postgres:// URL, see DialectOf
	if err != nil {
		return dsn // pgx reports what is wrong with it
	}
	q := u.Query()
	q.Set("default_query_exec_mode", "exec")
	// Nothing described is kept in this mode, and only Bind's statements
	// are prepared (pgx's default caches of 512 entries each took 4 MB
	// across the pool).
	for c, n := range map[string]int{"statement_cache_capacity": statementsKept, "description_cache_capacity": 0} {
		if !q.Has(c) {
			q.Set(c, strconv.Itoa(n))
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenSQL is Open for callers that need only database/sql, such as the
// migrator running as the schema owner.
func OpenSQL(ctx context.Context, dsn string) (*sql.DB, error) {
	b, err := Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	return b.DB, nil
}

func sqlitePath(dsn string) string {
	for _, p := range []string{"sqlite://", "file:"} {
		dsn = strings.TrimPrefix(dsn, p)
	}
	if i := strings.IndexByte(dsn, '?'); i >= 0 {
		dsn = dsn[:i]
	}
	return dsn
}

// sqliteDSN turns on what Samvirke relies on: foreign keys, WAL so readers
// do not block the writer, a busy timeout instead of immediate "database is
// locked" errors, and IMMEDIATE transactions so two writers queue rather
// than deadlock on lock upgrade.
func sqliteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	return "file:" + path + "?" + q.Encode()
}

// Ping checks that db answers within the context's deadline.
func Ping(ctx context.Context, db *bun.DB) error {
	var one int
	if err := db.NewSelect().ColumnExpr("1").Scan(ctx, &one); err != nil {
		return fmt.Errorf("db: ping: %w", err)
	}
	return nil
}

// Pinger is a database as a readiness probe sees it (see Ping).
type Pinger struct{ DB *bun.DB }

// Ping checks that the database answers within the context's deadline.
func (p Pinger) Ping(ctx context.Context) error { return Ping(ctx, p.DB) }

// ForUpdate locks the selected rows until the transaction ends on
// PostgreSQL. SQLite needs nothing: its write transactions are IMMEDIATE,
// so one writer runs at a time.
func ForUpdate(q *bun.SelectQuery) *bun.SelectQuery {
	if q.Dialect().Name() == dialect.PG {
		return q.For("UPDATE")
	}
	return q
}
