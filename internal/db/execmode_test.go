package db_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
)

// TestPostgresStatementsNotPrepared: on PostgreSQL the product sends each
// statement bun writes in one round trip and keeps no prepared statement
// for it on the connection (bun writes arguments into the text, so a kept
// statement would hardly ever be used again; only db.Bind's are kept, see
// TestBoundStatementsPrepared); an address that chooses its own mode
// keeps it.
func TestPostgresStatementsNotPrepared(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := dbtest.DSNOf(t, dbtest.OpenPostgres(t))
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("default_query_exec_mode", "cache_statement")
	u.RawQuery = q.Encode()
	for _, c := range []struct {
		name, dsn string
		prepared  bool
	}{{"default", dsn, false}, {"chosen mode", u.String(), true}} {
		t.Run(c.name, func(t *testing.T) {
			bdb, err := db.Open(ctx, c.dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer bdb.Close()
			conn, err := bdb.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			for i := range 3 {
				var n int
				if err := conn.NewSelect().Table("organisations").ColumnExpr("count(*)").Where("id > ?", i).Scan(ctx, &n); err != nil {
					t.Fatal(err)
				}
			}
			var prepared int
			if err := conn.NewRaw("SELECT count(*) FROM pg_prepared_statements").Scan(ctx, &prepared); err != nil {
				t.Fatal(err)
			}
			if (prepared > 0) != c.prepared {
				t.Errorf("%d statements prepared on the connection; want prepared=%v", prepared, c.prepared)
			}
		})
	}
}

// TestBoundStatementsPrepared: a statement sent with Bind's values answers
// as the same statement with its values written in, on the suite's
// database; on PostgreSQL it is prepared once on the connection and used
// again with other values, a query hook sees it with its parameters and
// may ask for the values, and the statements after it are sent as always.
func TestBoundStatementsPrepared(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, c := range []struct {
		name string
		bdb  *bun.DB
	}{{"suite", dbtest.Open(t)}, {"postgres", dbtest.OpenPostgres(t)}} {
		t.Run(c.name, func(t *testing.T) {
			pg := c.bdb.Dialect().Name() == dialect.PG
			hook := &boundHook{}
			c.bdb.AddQueryHook(hook)
			conn, err := c.bdb.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			since := time.Date(2026, 12, 7, 23, 30, 0, 0, time.FixedZone("CET", 3600))
			for _, n := range []int64{0, 1, 2} {
				type row struct {
					A string    `bun:"a"`
					B int64     `bun:"b"`
					C time.Time `bun:"c"`
				}
				var want, got row
				q := "SELECT ?::text || '«æøå»' AS a, ? + 1 AS b, ?::timestamptz AS c"
				if !pg {
					q = "SELECT ? || '«æøå»' AS a, ? + 1 AS b, ? AS c"
				}
				text := "§" + strconv.FormatInt(n, 10)
				if err := conn.NewRaw(q, text, n, since).Scan(ctx, &want); err != nil {
					t.Fatal(err)
				}
				bctx, args := db.Bind(ctx, conn, text, n, since)
				if err := conn.NewRaw(q, args...).Scan(bctx, &got); err != nil {
					t.Fatal(err)
				}
				if got.A != text+"«æøå»" || got.B != n+1 || got.A != want.A || got.B != want.B || !got.C.Equal(want.C) || !got.C.Equal(since) {
					t.Errorf("bound %+v, written in %+v", got, want)
				}
			}
			var prepared []string
			if err := conn.NewRaw("SELECT statement FROM pg_prepared_statements").Scan(ctx, &prepared); pg && err != nil {
				t.Fatal(err)
			}
			if pg && (len(prepared) != 1 || !strings.Contains(prepared[0], "$1::text")) {
				t.Errorf("prepared on the connection: %q; want the bound statement once", prepared)
			}
			if pg && (len(hook.args) != 3 || hook.args[0] != "§2" || hook.args[2] != since.UTC() || !strings.Contains(hook.query, "$3")) {
				t.Errorf("the hook saw %q with %v", hook.query, hook.args)
			}
		})
	}
}

// boundHook keeps the last bound statement it saw and its values.
type boundHook struct {
	query string
	args  []any
}

func (h *boundHook) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (h *boundHook) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	if a := db.BoundArgs(ctx); a != nil {
		h.query, h.args = e.Query, a
	}
}
