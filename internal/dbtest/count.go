package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/audit"
)

// Counter counts the statements one request sends to the database and the
// rows they read: every statement, BEGIN, COMMIT, ROLLBACK and the
// row-level-security settings included. A statement belongs to a request
// when its context carries the request's id (the web layer attaches it
// with audit.WithMeta); background work (the outbox dispatcher, the
// permission reload) carries none and is not counted. Make one with
// CountStatements.
type Counter struct {
	mu   sync.Mutex
	byID map[string]*Count
}

// Count is what one request sent: its statements in order, and the rows
// its queries read (as the driver reports them for scanned results).
type Count struct {
	Statements []string
	Rows       int64
}

// Writes answers the statements that change data: INSERT, UPDATE, DELETE
// (a transaction's BEGIN and COMMIT are not writes).
func (c Count) Writes() []string {
	var out []string
	for _, q := range c.Statements {
		switch strings.ToUpper(strings.Fields(q + " x")[0]) {
		case "INSERT", "UPDATE", "DELETE", "REPLACE":
			out = append(out, q)
		}
	}
	return out
}

// Transactions answers how many transactions the statements began (on
// PostgreSQL a unit of work of db.Run is one; SQLite's reads run outside
// any).
func (c Count) Transactions() int {
	n := 0
	for _, q := range c.Statements {
		if strings.EqualFold(strings.Fields(q + " x")[0], "BEGIN") {
			n++
		}
	}
	return n
}

// String lists the statements, one a line, shortened, for a failure message.
func (c Count) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d statements, %d rows read:\n", len(c.Statements), c.Rows)
	for i, q := range c.Statements {
		if len(q) > 160 {
			q = q[:160] + "…"
		}
		fmt.Fprintf(&b, "%3d  %s\n", i+1, q)
	}
	return b.String()
}

// CountStatements installs a Counter on bdb for the rest of the test.
func CountStatements(tb testing.TB, bdb *bun.DB) *Counter {
	tb.Helper()
	c := &Counter{byID: map[string]*Count{}}
	bdb.AddQueryHook(c)
	return c
}

// Request answers what the request with this X-Request-ID has sent so far.
func (c *Counter) Request(id string) Count {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.byID[id]
	if n == nil {
		return Count{}
	}
	return Count{Statements: append([]string(nil), n.Statements...), Rows: n.Rows}
}

// BeforeQuery does nothing.
func (c *Counter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

// AfterQuery counts the statement for the request in ctx, if any.
func (c *Counter) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	m, ok := audit.MetaFrom(ctx)
	if !ok || m.RequestID == "" {
		return
	}
	var rows int64
	if r, ok := e.Result.(sql.Result); ok && r != nil && e.Err == nil && isRead(e.Query) {
		if n, err := r.RowsAffected(); err == nil {
			rows = n
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.byID[m.RequestID]
	if n == nil {
		n = &Count{}
		c.byID[m.RequestID] = n
	}
	n.Statements = append(n.Statements, e.Query)
	n.Rows += rows
}

func isRead(q string) bool {
	f := strings.Fields(q + " x")[0]
	return strings.EqualFold(f, "SELECT") || strings.EqualFold(f, "WITH")
}
