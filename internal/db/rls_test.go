package db_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
)

func membershipOrgs(t *testing.T, ctx context.Context, idb bun.IDB) map[int64]int {
	t.Helper()
	var rows []account.Membership
	// Deliberately without an organisation filter: the forgotten scope.
	if err := idb.NewSelect().Model(&rows).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	out := map[int64]int{}
	for _, r := range rows {
		out[r.OrgID]++
	}
	return out
}

// TestRowLevelSecurity: on PostgreSQL, with a pool of one connection so a
// leaked setting would show, a query that forgot its organisation filter
// sees only the organisations its scope allows, and nothing outside a scope.
func TestRowLevelSecurity(t *testing.T) {
	t.Parallel()
	bdb := dbtest.OpenPostgres(t)
	bdb.SetMaxOpenConns(1)
	a := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	b := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	dbtest.MustCreateUser(t, bdb, a, account.RoleEditor)
	dbtest.MustCreateUser(t, bdb, a, account.RoleViewer)
	ub, _ := dbtest.MustCreateUser(t, bdb, b, account.RoleEditor)
	ctx := context.Background()

	t.Run("OwnScope", func(t *testing.T) {
		db.Run(ctx, bdb, db.OrgScope(a.ID), func(ctx context.Context, idb bun.IDB) error {
			if got := membershipOrgs(t, ctx, idb); !cmp.Equal(got, map[int64]int{a.ID: 2}) {
				t.Errorf("in A's scope an unfiltered query saw %v; want only A's 2 rows", got)
			}
			return nil
		})
	})
	t.Run("ErrNoScopeAfterScopedWork", func(t *testing.T) {
		if got := membershipOrgs(t, ctx, bdb); len(got) != 0 {
			t.Errorf("outside any scope, on the same pooled connection, the query saw %v; want nothing", got)
		}
	})
	t.Run("ErrOtherOrg", func(t *testing.T) {
		db.Run(ctx, bdb, db.OrgScope(b.ID), func(ctx context.Context, idb bun.IDB) error {
			if got := membershipOrgs(t, ctx, idb); got[a.ID] != 0 || got[b.ID] != 1 {
				t.Errorf("in B's scope the query saw %v; want B's row only", got)
			}
			return nil
		})
	})
	t.Run("ReadAlso", func(t *testing.T) {
		db.Run(ctx, bdb, db.OrgScope(b.ID, a.ID), func(ctx context.Context, idb bun.IDB) error {
			if got := membershipOrgs(t, ctx, idb); !cmp.Equal(got, map[int64]int{a.ID: 2, b.ID: 1}) {
				t.Errorf("B with A readable saw %v; want both", got)
			}
			return nil
		})
	})
	t.Run("ReadAlsoInsideTheUnitOfWork", func(t *testing.T) {
		db.Run(ctx, bdb, db.OrgScope(b.ID), func(ctx context.Context, idb bun.IDB) error {
			ctx, err := db.ReadAlso(ctx, idb, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := membershipOrgs(t, ctx, idb); !cmp.Equal(got, map[int64]int{a.ID: 2, b.ID: 1}) {
				t.Errorf("B widened to read A saw %v; want both", got)
			}
			if err := account.SetMembership(ctx, idb, a.ID, ub.ID, "owner", dbtest.Now); err == nil || !strings.Contains(err.Error(), "row-level security") {
				t.Errorf("B widened to read A wrote into A: %v", err)
			}
			return nil
		})
		if got := membershipOrgs(t, ctx, bdb); len(got) != 0 {
			t.Errorf("outside any scope, after a widened unit of work, the query saw %v; want nothing", got)
		}
	})
	t.Run("ReadAlsoWhatIsReadableAlready", func(t *testing.T) {
		counter := dbtest.CountStatements(t, bdb)
		counted := audit.WithMeta(ctx, audit.Meta{RequestID: "read-also"})
		db.Run(counted, bdb, db.OrgScope(b.ID, a.ID), func(ctx context.Context, idb bun.IDB) error {
			before := len(counter.Request("read-also").Statements)
			wide, err := db.ReadAlso(ctx, idb, a.ID, b.ID)
			if err != nil || wide != ctx {
				t.Fatalf("widening to what the scope reads already: %v, a new scope %v", err, wide != ctx)
			}
			if err := db.ResetRead(ctx, wide, idb); err != nil {
				t.Fatal(err)
			}
			if got := counter.Request("read-also").Statements[before:]; len(got) != 0 {
				t.Errorf("nothing to widen sent %q", got)
			}
			if got := membershipOrgs(t, ctx, idb); !cmp.Equal(got, map[int64]int{a.ID: 2, b.ID: 1}) {
				t.Errorf("B with A readable saw %v; want both", got)
			}
			return nil
		})
	})
	t.Run("ResetReadAfterWidening", func(t *testing.T) {
		db.Run(ctx, bdb, db.OrgScope(b.ID), func(ctx context.Context, idb bun.IDB) error {
			wide, err := db.ReadAlso(ctx, idb, a.ID, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if s, _ := db.ScopeFrom(wide); !slices.Equal(s.ReadOrgIDs, []int64{a.ID}) {
				t.Errorf("widened scope reads %v; want A once", s.ReadOrgIDs)
			}
			if err := db.ResetRead(ctx, wide, idb); err != nil {
				t.Fatal(err)
			}
			if got := membershipOrgs(t, ctx, idb); !cmp.Equal(got, map[int64]int{b.ID: 1}) {
				t.Errorf("narrowed back to B, the query saw %v; want B's row only", got)
			}
			return nil
		})
	})
	t.Run("SessionMembershipsOfItsSessionOnly", func(t *testing.T) {
		var token string
		err := db.RunTx(ctx, bdb, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
			var err error
			token, _, err = account.CreateSession(ctx, tx, ub.ID, nil, "192.0.2.1", "test", dbtest.Now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		of := func(ctx context.Context, idb bun.IDB, id string) []int64 {
			var orgs []int64
			if err := idb.NewRaw("SELECT org_id FROM samvirke_session_memberships(?)", id).Scan(ctx, &orgs); err != nil {
				t.Fatal(err)
			}
			return orgs
		}
		db.RunBare(ctx, bdb, func(ctx context.Context, idb bun.IDB) error {
			if got := of(ctx, idb, account.HashToken(token)); !cmp.Equal(got, []int64{b.ID}) {
				t.Errorf("the session's memberships: %v; want B's one", got)
			}
			if got := of(ctx, idb, account.HashToken("not-a-session")); len(got) != 0 {
				t.Errorf("an unknown session's memberships: %v; want none", got)
			}
			if got := membershipOrgs(t, ctx, idb); len(got) != 0 {
				t.Errorf("outside a scope, after the session's read, on the same connection, the query saw %v; want nothing", got)
			}
			return nil
		})
		db.Run(ctx, bdb, db.OrgScope(a.ID), func(ctx context.Context, idb bun.IDB) error {
			of(ctx, idb, account.HashToken(token))
			if got := membershipOrgs(t, ctx, idb); !cmp.Equal(got, map[int64]int{a.ID: 2}) {
				t.Errorf("in A's scope, after reading a session's memberships, the query saw %v; want only A's 2 rows", got)
			}
			return nil
		})
	})
	t.Run("ErrWriteIntoOtherOrg", func(t *testing.T) {
		err := db.RunTx(ctx, bdb, db.OrgScope(b.ID, a.ID), func(ctx context.Context, tx bun.Tx) error {
			return account.SetMembership(ctx, tx, a.ID, ub.ID, "owner", dbtest.Now)
		})
		if err == nil || !strings.Contains(err.Error(), "row-level security") {
			t.Errorf("B wrote a membership into A (readable, not writable): %v", err)
		}
	})
}

// probeMigration adds a table with an organisation column and nothing
// else: what a new capability's first migration might forget.
const probeMigration = "-- +goose Up\nCREATE TABLE probe_things (id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL, name TEXT NOT NULL);\n" +
	"-- +goose Down\nDROP TABLE probe_things;\n"

// migratedWithProbe answers a database of dialect migrated with the
// embedded migrations and probeMigration, opened as its owner.
func migratedWithProbe(t *testing.T, dialect string) *bun.DB {
	t.Helper()
	ctx := context.Background()
	dsn := t.TempDir() + "/probe.db"
	if dialect == db.Postgres {
		dsn = dbtest.EmptyPostgres(t)
	}
	bdb, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bdb.Close() })
	fsys := embedded(t, dialect)
	fsys["29991231235959_probe.sql"] = &fstest.MapFile{Data: []byte(probeMigration)}
	if _, err := db.MigrateFS(ctx, bdb.DB, dialect, fsys); err != nil {
		t.Fatal(err)
	}
	return bdb
}

// TestTenantTables: the tenant tables are read from the schema, the same
// on both dialects, and a table a new migration adds with org_id is one
// without any list being edited.
func TestTenantTables(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pg := dbtest.OpenPostgres(t)
	pgNames, err := db.TenantTables(ctx, pg)
	if err != nil {
		t.Fatal(err)
	}
	lite, err := db.Open(ctx, t.TempDir()+"/catalogue.db")
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	if _, err := db.Migrate(ctx, lite.DB, db.SQLite); err != nil {
		t.Fatal(err)
	}
	liteNames, err := db.TenantTables(ctx, lite)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(pgNames, liteNames); diff != "" {
		t.Errorf("tenant tables differ (-postgres +sqlite):\n%s", diff)
	}
	for _, name := range []string{"memberships", "workbooks", "workbook_comments"} {
		if !slices.Contains(pgNames, name) {
			t.Errorf("tenant tables %v lack %s", pgNames, name)
		}
	}
	for _, name := range []string{"organisations", "users", "pending_signins", "goose_db_version"} {
		if slices.Contains(pgNames, name) {
			t.Errorf("tenant tables %v include %s, which has no org_id", pgNames, name)
		}
	}
	for _, dialect := range []string{db.Postgres, db.SQLite} {
		names, err := db.TenantTables(ctx, migratedWithProbe(t, dialect))
		if err != nil || !slices.Contains(names, "probe_things") {
			t.Errorf("%s: a new table with org_id is not a tenant table: %v, %v", dialect, names, err)
		}
	}
}

// rlsProblems answers what is wrong with the row-level security of the
// PostgreSQL database bdb: a tenant table without it enabled and forced,
// or owned by the application role.
func rlsProblems(t *testing.T, bdb *bun.DB) []string {
	t.Helper()
	ctx := context.Background()
	names, err := db.TenantTables(ctx, bdb)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no tenant tables")
	}
	var tables []struct {
		Name  string
		RLS   bool
		Force bool
		Owner string
	}
	err = bdb.NewRaw(`SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS force,
			pg_get_userbyid(c.relowner) AS owner
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relname IN (?)
		ORDER BY 1`, bun.In(names)).Scan(ctx, &tables)
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != len(names) {
		t.Fatalf("found %d of the %d tenant tables %v", len(tables), len(names), names)
	}
	var problems []string
	for _, tb := range tables {
		if !tb.RLS || !tb.Force {
			problems = append(problems, fmt.Sprintf("table %s: row-level security enabled=%v forced=%v; want both", tb.Name, tb.RLS, tb.Force))
		}
		if tb.Owner == dbtest.AppRole {
			problems = append(problems, fmt.Sprintf("table %s is owned by the application role", tb.Name))
		}
	}
	return problems
}

// TestTenantRowLevelSecurity: on PostgreSQL every table with an
// organisation column has row-level security enabled and forced; the
// application role owns nothing and cannot bypass it.
func TestTenantRowLevelSecurity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pg := dbtest.OpenPostgres(t)
	for _, p := range rlsProblems(t, pg) {
		t.Error(p)
	}
	var role struct{ Super, Bypass bool }
	if err := pg.NewRaw("SELECT rolsuper AS super, rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user").Scan(ctx, &role); err != nil {
		t.Fatal(err)
	}
	if role.Super || role.Bypass {
		t.Errorf("application role: superuser=%v bypassrls=%v; want neither", role.Super, role.Bypass)
	}
	t.Run("ErrNewTableWithoutRLS", func(t *testing.T) {
		t.Parallel()
		got := rlsProblems(t, migratedWithProbe(t, db.Postgres))
		if len(got) != 1 || !strings.Contains(got[0], "probe_things") {
			t.Errorf("a new tenant table without row-level security gave %q; want it named", got)
		}
	})
}

// TestTenantGuard: the SQLite wall reports tenant queries outside a scope
// or without org_id, and lets system work and scoped queries through; a
// table a new migration adds with org_id is watched too.
func TestTenantGuard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lite := migratedWithProbe(t, db.SQLite)
	var reports []string
	guard, err := db.NewTenantGuard(ctx, lite, func(q string) { reports = append(reports, q) })
	if err != nil {
		t.Fatal(err)
	}
	lite.AddQueryHook(guard)
	var ms []account.Membership
	lite.NewSelect().Model(&ms).Scan(ctx)
	db.Run(ctx, lite, db.OrgScope(7), func(ctx context.Context, idb bun.IDB) error {
		idb.NewSelect().Model(&ms).Scan(ctx)                        // forgot org_id
		idb.NewSelect().Model(&ms).Where("org_id = ?", 7).Scan(ctx) // fine
		return nil
	})
	db.Run(ctx, lite, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		idb.NewSelect().Model(&ms).Where("user_id = ?", 1).Scan(ctx) // system work, fine
		return nil
	})
	lite.ExecContext(ctx, "SELECT name FROM probe_things")                            // new table, no scope
	lite.ExecContext(ctx, "SELECT name FROM organisations WHERE slug = 'x'")          // not a tenant table
	lite.ExecContext(ctx, "SELECT id FROM pending_signins WHERE restrict_org_id = 1") // not a tenant table
	want := []string{"outside db.Run", "without org_id", "outside db.Run: SELECT name FROM probe_things"}
	if len(reports) != len(want) {
		t.Fatalf("guard reported %q; want the unscoped, the unfiltered and the new table's query", reports)
	}
	for i, w := range want {
		if !strings.HasPrefix(reports[i], w) {
			t.Errorf("report %d = %q; want it to start %q", i, reports[i], w)
		}
	}
}
