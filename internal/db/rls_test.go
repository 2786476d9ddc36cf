package db_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
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
	t.Run("ErrWriteIntoOtherOrg", func(t *testing.T) {
		err := db.RunTx(ctx, bdb, db.OrgScope(b.ID, a.ID), func(ctx context.Context, tx bun.Tx) error {
			return account.SetMembership(ctx, tx, a.ID, ub.ID, "owner", dbtest.Now)
		})
		if err == nil || !strings.Contains(err.Error(), "row-level security") {
			t.Errorf("B wrote a membership into A (readable, not writable): %v", err)
		}
	})
}

// TestTenantCatalogue: every table with an organisation column is listed
// as a tenant table, and on PostgreSQL has row-level security enabled and
// forced; the application role owns nothing and cannot bypass it.
func TestTenantCatalogue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	want := append([]string(nil), db.TenantTables...)
	sort.Strings(want)

	pg := dbtest.OpenPostgres(t)
	var pgTables []struct {
		Name  string
		RLS   bool
		Force bool
		Owner string
	}
	err := pg.NewRaw(`SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS force,
			pg_get_userbyid(c.relowner) AS owner
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind = 'r'
		  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped)
		ORDER BY 1`).Scan(ctx, &pgTables)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tb := range pgTables {
		names = append(names, tb.Name)
		if !tb.RLS || !tb.Force {
			t.Errorf("table %s: row-level security enabled=%v forced=%v; want both", tb.Name, tb.RLS, tb.Force)
		}
		if tb.Owner == dbtest.AppRole {
			t.Errorf("table %s is owned by the application role", tb.Name)
		}
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("PostgreSQL tables with org_id differ from db.TenantTables (-want +got):\n%s", diff)
	}
	var role struct{ Super, Bypass bool }
	if err := pg.NewRaw("SELECT rolsuper AS super, rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user").Scan(ctx, &role); err != nil {
		t.Fatal(err)
	}
	if role.Super || role.Bypass {
		t.Errorf("application role: superuser=%v bypassrls=%v; want neither", role.Super, role.Bypass)
	}

	lite, err := db.Open(ctx, t.TempDir()+"/catalogue.db")
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	if _, err := db.Migrate(ctx, lite.DB, db.SQLite); err != nil {
		t.Fatal(err)
	}
	var liteNames []string
	if err := lite.NewRaw(`SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND p.name = 'org_id' ORDER BY 1`).Scan(ctx, &liteNames); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, liteNames); diff != "" {
		t.Errorf("SQLite tables with org_id differ from db.TenantTables (-want +got):\n%s", diff)
	}
}

// TestTenantGuard: the SQLite wall reports tenant queries outside a scope
// or without org_id, and lets system work and scoped queries through.
func TestTenantGuard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lite, err := db.Open(ctx, t.TempDir()+"/guard.db")
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	if _, err := db.Migrate(ctx, lite.DB, db.SQLite); err != nil {
		t.Fatal(err)
	}
	var reports []string
	lite.AddQueryHook(db.TenantGuard{Report: func(q string) { reports = append(reports, q) }})
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
	if len(reports) != 2 || !strings.HasPrefix(reports[0], "outside db.Run") || !strings.HasPrefix(reports[1], "without org_id") {
		t.Errorf("guard reported %q; want the unscoped and the unfiltered query", reports)
	}
}
