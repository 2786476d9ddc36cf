package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/schema"
)

// Planning a statement is most of what PostgreSQL spends on the product's
// small reads: bun writes every argument into a statement's text, so each
// statement is a text of its own, parsed and planned afresh, its
// row-level-security policies included (a dashboard's "My work" 0.74 ms
// a time, 0.11 ms prepared; README, Performance). Bind lets the hottest
// reads be prepared once per connection instead and planned once: their
// texts hold numbered parameters, and the values travel beside the text,
// through the context, to the driver (boundConn), which sends them with
// pgx's statement cache. bun still builds the statement, scans its rows
// and runs its query hooks (which see the text with its parameters and
// may ask BoundArgs for the values).

// Bind answers ctx carrying args for the next statement sent with it on
// PostgreSQL, and what to write into that statement's text in their
// places: parameters $1, $2 … there, the values themselves on SQLite
// (whose planning is cheap, and whose statements bun writes as always).
// Use the context for that one statement only.
func Bind(ctx context.Context, idb bun.IDB, args ...any) (context.Context, []any) {
	if idb.Dialect().Name() != dialect.PG {
		return ctx, args
	}
	b := &bound{args: make([]any, len(args))}
	refs := make([]any, len(args))
	for i, v := range args {
		if t, ok := v.(time.Time); ok {
			v = t.UTC() // as bun writes a time: a date column takes the same day
		}
		b.args[i], refs[i] = v, param(i+1)
	}
	return context.WithValue(ctx, boundKey{}, b), refs
}

// BoundArgs answers the values Bind gave ctx (nil: none), for a query
// hook that writes statements down with their values.
func BoundArgs(ctx context.Context) []any {
	if b, ok := ctx.Value(boundKey{}).(*bound); ok {
		return b.args
	}
	return nil
}

type boundKey struct{}

// bound is Bind's values, taken by the first statement sent with them.
type bound struct {
	args  []any
	taken atomic.Bool
}

// param is a statement's parameter: bun writes it as $n.
type param int

// AppendQuery implements schema.QueryAppender.
func (p param) AppendQuery(_ schema.QueryGen, b []byte) ([]byte, error) {
	return strconv.AppendInt(append(b, '$'), int64(p), 10), nil
}

// openPostgres opens dsn through pgx's database/sql driver, each
// connection a boundConn.
func openPostgres(dsn string) (*sql.DB, error) {
	c, err := stdlib.GetDefaultDriver().(driver.DriverContext).OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(boundConnector{c}), nil
}

type boundConnector struct{ driver.Connector }

func (c boundConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &boundConn{conn.(*stdlib.Conn)}, nil
}

// boundConn is pgx's connection, which sends a statement that comes with
// Bind's values as a prepared one (pgx keeps it on the connection, by its
// text) with those values; everything else as pgx does.
type boundConn struct{ *stdlib.Conn }

func (c *boundConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if b, ok := ctx.Value(boundKey{}).(*bound); ok && len(args) == 0 && b.taken.CompareAndSwap(false, true) {
		args = make([]driver.NamedValue, 1+len(b.args))
		args[0] = driver.NamedValue{Ordinal: 1, Value: pgx.QueryExecModeCacheStatement}
		for i, v := range b.args {
			args[i+1] = driver.NamedValue{Ordinal: i + 2, Value: v}
		}
	}
	return c.Conn.QueryContext(ctx, query, args)
}

// AnyOf answers, for a statement sent with Bind's values, the condition
// that col is one of ids and the value to bind for it: col = ANY(…) with
// an array on PostgreSQL (one text, so one prepared statement, whatever
// the number of ids), col IN (…) on SQLite.
func AnyOf(idb bun.IDB, col string, ids []int64) (string, any) {
	if idb.Dialect().Name() == dialect.PG {
		return col + " = ANY(?)", ids
	}
	return col + " IN (?)", bun.In(ids)
}
