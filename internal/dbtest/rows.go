package dbtest

import (
	"context"
	"fmt"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
)

// RowCounts answers the number of rows of each of tables, across every
// organisation: what a demo's second start, say, must leave as it was.
func RowCounts(tb testing.TB, bdb *bun.DB, tables ...string) map[string]int {
	tb.Helper()
	out := make(map[string]int, len(tables))
	err := db.Run(context.Background(), bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		for _, t := range tables {
			n, err := idb.NewSelect().Table(t).Count(ctx)
			if err != nil {
				return fmt.Errorf("%s: %w", t, err)
			}
			out[t] = int(n)
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("dbtest: counting rows: %v", err)
	}
	return out
}
