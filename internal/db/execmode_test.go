package db_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
)

// TestPostgresStatementsNotPrepared: on PostgreSQL the product sends each
// statement in one round trip and keeps no prepared statement on the
// connection (bun writes arguments into the text, so a kept statement
// would hardly ever be used again); an address that chooses its own mode
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
