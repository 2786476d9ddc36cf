package db

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// TenantColumn is the column that makes a table a tenant table: every
// table with it is owned by one organisation, has the column first in its
// keys, row-level security on PostgreSQL (a test fails without it), and is
// watched by TenantGuard. There is no list to keep: a migration that
// creates such a table makes it a tenant table. A table that only refers
// to an organisation it does not belong to names the column otherwise
// (restrict_org_id, member_org_id).
const TenantColumn = "org_id"

// TenantTables answers the tenant tables of the schema idb is connected to,
// sorted: the tables with a TenantColumn.
func TenantTables(ctx context.Context, idb bun.IDB) ([]string, error) {
	q := `SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND p.name = ? ORDER BY 1`
	if idb.Dialect().Name() == dialect.PG {
		q = `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
			  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = ? AND NOT a.attisdropped)
			ORDER BY 1`
	}
	var names []string
	if err := idb.NewRaw(q, TenantColumn).Scan(ctx, &names); err != nil {
		return nil, fmt.Errorf("db: tenant tables: %w", err)
	}
	return names, nil
}

// Scope says which organisations a unit of work may touch.
type Scope struct {
	// OrgID is the organisation acted for: its rows may be read and written.
	OrgID int64
	// ReadOrgIDs may be read too: network peers' shared content, or the
	// member municipalities a coordinator follows.
	ReadOrgIDs []int64
	// System is work on behalf of no single organisation (sign-in,
	// scheduling, onboarding). It must be asked for by name.
	System bool
}

// SystemScope is the scope of work across organisations.
var SystemScope = Scope{System: true}

// OrgScope acts for one organisation.
func OrgScope(orgID int64, readAlso ...int64) Scope {
	return Scope{OrgID: orgID, ReadOrgIDs: readAlso}
}

type scopeKey struct{}

// ScopeFrom answers the scope a context runs in.
func ScopeFrom(ctx context.Context) (Scope, bool) {
	s, ok := ctx.Value(scopeKey{}).(Scope)
	return s, ok
}

// ErrNoScope is returned for a scope that names no organisation and is not
// system work.
var ErrNoScope = errors.New("db: empty scope")

// Run runs fn in scope s. On PostgreSQL it runs in a transaction whose
// transaction-local settings carry the scope, which the row-level security
// policies read: a query outside Run sees no tenant rows at all, and the
// settings die with the transaction, so nothing leaks to the next user of
// a pooled connection. On SQLite (one process, no row-level security) fn
// runs on the database directly; use RunTx when fn writes.
func Run(ctx context.Context, bdb *bun.DB, s Scope, fn func(ctx context.Context, idb bun.IDB) error) error {
	if s.OrgID == 0 && !s.System {
		return ErrNoScope
	}
	ctx = context.WithValue(ctx, scopeKey{}, s)
	if bdb.Dialect().Name() != dialect.PG {
		return fn(withMemo(ctx), bdb)
	}
	return RunTx(ctx, bdb, s, func(ctx context.Context, tx bun.Tx) error { return fn(withMemo(ctx), tx) })
}

// RunBare runs fn as system work on the database directly, outside any
// transaction, on both dialects. On PostgreSQL it makes no row-level-security
// settings, so tenant tables read as empty (and refuse writes) except
// through a function that carries its own narrower right, such as
// samvirke_session_memberships; tables without TenantColumn (sessions,
// users, organisations) read as usual. It spares BEGIN, the settings and
// COMMIT around a single statement: authenticating the session of every
// request. Use Run or RunTx for anything else.
func RunBare(ctx context.Context, bdb *bun.DB, fn func(ctx context.Context, idb bun.IDB) error) error {
	return fn(context.WithValue(ctx, scopeKey{}, SystemScope), bdb)
}

// RunTx runs fn in one transaction in scope s: everything or nothing.
func RunTx(ctx context.Context, bdb *bun.DB, s Scope, fn func(ctx context.Context, tx bun.Tx) error) error {
	if s.OrgID == 0 && !s.System {
		return ErrNoScope
	}
	ctx = context.WithValue(context.WithValue(ctx, scopeKey{}, s), memoCtxKey{}, memo(nil))
	return bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if bdb.Dialect().Name() == dialect.PG {
			read := make([]string, 0, len(s.ReadOrgIDs))
			for _, id := range s.ReadOrgIDs {
				read = append(read, strconv.FormatInt(id, 10))
			}
			system := ""
			if s.System {
				system = "on"
			}
			_, err := tx.ExecContext(ctx, "SELECT set_config('app.org_id', ?, true), set_config('app.read_org_ids', ?, true), set_config('app.system', ?, true)",
				strconv.FormatInt(s.OrgID, 10), strings.Join(read, ","), system)
			if err != nil {
				return err
			}
		}
		return fn(ctx, tx)
	})
}

// ReadAlso widens the unit of work ctx and idb belong to (Run or RunTx in
// an organisation's scope) so that it may read orgIDs too, and answers the
// context that carries the wider scope: a unit of work that must first
// read which organisations it may read (a municipality's networks) needs
// no second one. On PostgreSQL it is one statement changing the
// transaction-local setting, which dies with the transaction like the
// others; none when ctx may read every one of orgIDs already (ctx itself
// is answered then). Errors: ErrNoScope outside an organisation's scope.
func ReadAlso(ctx context.Context, idb bun.IDB, orgIDs ...int64) (context.Context, error) {
	s, ok := ScopeFrom(ctx)
	if !ok || s.System || s.OrgID == 0 {
		return ctx, ErrNoScope
	}
	var more []int64
	for _, id := range orgIDs {
		if id != s.OrgID && !slices.Contains(s.ReadOrgIDs, id) && !slices.Contains(more, id) {
			more = append(more, id)
		}
	}
	if len(more) == 0 {
		return ctx, nil
	}
	s.ReadOrgIDs = append(append([]int64(nil), s.ReadOrgIDs...), more...)
	if idb.Dialect().Name() == dialect.PG {
		if _, ok := idb.(bun.Tx); !ok {
			return ctx, errors.New("db: ReadAlso outside a transaction")
		}
		read := make([]string, 0, len(s.ReadOrgIDs))
		for _, id := range s.ReadOrgIDs {
			read = append(read, strconv.FormatInt(id, 10))
		}
		if _, err := idb.ExecContext(ctx, "SELECT set_config('app.read_org_ids', ?, true)", strings.Join(read, ",")); err != nil {
			return ctx, err
		}
	}
	return context.WithValue(ctx, scopeKey{}, s), nil
}

// ResetRead narrows the unit of work back to the read scope ctx carries,
// after ReadAlso widened it to wide, a context derived from ctx: a step
// that read further (a search source reading network peers) leaves the
// steps after it the scope they started with. On PostgreSQL it is one
// statement; none when wide is ctx (ReadAlso found nothing to widen).
func ResetRead(ctx, wide context.Context, idb bun.IDB) error {
	s, ok := ScopeFrom(ctx)
	if !ok || s.System || s.OrgID == 0 {
		return ErrNoScope
	}
	if idb.Dialect().Name() != dialect.PG || wide == ctx {
		return nil
	}
	read := make([]string, 0, len(s.ReadOrgIDs))
	for _, id := range s.ReadOrgIDs {
		read = append(read, strconv.FormatInt(id, 10))
	}
	_, err := idb.ExecContext(ctx, "SELECT set_config('app.read_org_ids', ?, true)", strings.Join(read, ","))
	return err
}

// MayRead reports whether the unit of work ctx belongs to may read the
// rows of organisation orgID, as the row-level-security policies decide:
// for answers kept outside the database (a cache), which no policy sees.
func MayRead(ctx context.Context, orgID int64) bool {
	s, ok := ScopeFrom(ctx)
	return ok && (s.System || (s.OrgID != 0 && s.OrgID == orgID) || slices.Contains(s.ReadOrgIDs, orgID))
}

// TenantGuard is a bun query hook that reports every query of a tenant
// table that runs outside Run, or in an organisation's scope without naming
// org_id: on SQLite, which has no row-level security, it is the second
// wall (on PostgreSQL such a query would see nothing). Tests install it with
// a Report that fails the test. Make it with NewTenantGuard; a guard made
// otherwise reports every query.
type TenantGuard struct {
	Report func(query string)
	tables *regexp.Regexp // nil: the schema has no tenant table
	ready  bool
}

// NewTenantGuard answers a guard over the tenant tables of bdb's schema as
// it is now: make it once the database is migrated.
func NewTenantGuard(ctx context.Context, bdb *bun.DB, report func(query string)) (TenantGuard, error) {
	names, err := TenantTables(ctx, bdb)
	if err != nil {
		return TenantGuard{}, err
	}
	g := TenantGuard{Report: report, ready: true}
	if len(names) > 0 {
		for i, n := range names {
			names[i] = regexp.QuoteMeta(n)
		}
		g.tables = regexp.MustCompile(`(?i)\b(?:FROM|JOIN|INTO|UPDATE)\s+"?(` + strings.Join(names, "|") + `)"?\b`)
	}
	return g, nil
}

// BeforeQuery checks the query.
func (g TenantGuard) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	if !g.ready {
		g.Report("TenantGuard not made by NewTenantGuard: " + e.Query)
		return ctx
	}
	if g.tables == nil || !g.tables.MatchString(e.Query) {
		return ctx
	}
	s, ok := ScopeFrom(ctx)
	switch {
	case ok && s.System:
	case !ok:
		g.Report("outside db.Run: " + e.Query)
	case !filtersOrg(e.Query):
		g.Report("without org_id: " + e.Query)
	}
	return ctx
}

// filtersOrg reports whether a query names org_id where it restricts rows:
// in its WHERE clause, or among the columns an INSERT writes.
func filtersOrg(q string) bool {
	upper := strings.ToUpper(q)
	if strings.HasPrefix(strings.TrimSpace(upper), "INSERT") {
		return strings.Contains(q, "org_id")
	}
	i := strings.Index(upper, " WHERE ")
	return i >= 0 && strings.Contains(q[i:], "org_id")
}

// AfterQuery does nothing.
func (TenantGuard) AfterQuery(context.Context, *bun.QueryEvent) {}
