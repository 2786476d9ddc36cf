package authz_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newEnforcer(t *testing.T, bdb *bun.DB) *authz.Enforcer {
	t.Helper()
	e, err := authz.New(context.Background(), bdb, quiet)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestRoles(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	a := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	b := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	editor, _ := dbtest.MustCreateUser(t, bdb, a, account.RoleEditor)
	viewer, _ := dbtest.MustCreateUser(t, bdb, a, account.RoleViewer)
	admin, _ := dbtest.MustCreateUser(t, bdb, a, account.RoleAdmin)
	owner, _ := dbtest.MustCreateUser(t, bdb, a, account.RoleOwner)
	e := newEnforcer(t, bdb)
	cases := []struct {
		name string
		user int64
		role string
		org  int64
		perm authz.Perm
		want bool
	}{
		{"EditorWritesContent", editor.ID, "editor", a.ID, authz.ContentWrite, true},
		{"EditorCannotManageMembers", editor.ID, "editor", a.ID, authz.MembersManage, false},
		{"ErrEditorInOtherOrg", editor.ID, "editor", b.ID, authz.ContentRead, false},
		{"ViewerReads", viewer.ID, "viewer", a.ID, authz.ContentRead, true},
		{"ViewerCannotWrite", viewer.ID, "viewer", a.ID, authz.ContentWrite, false},
		{"ViewerCannotComment", viewer.ID, "viewer", a.ID, authz.CommentWrite, false},
		{"AdminManagesMembers", admin.ID, "admin", a.ID, authz.MembersManage, true},
		{"AdminCannotBill", admin.ID, "admin", a.ID, authz.BillingManage, false},
		{"OwnerBills", owner.ID, "owner", a.ID, authz.BillingManage, true},
		// The role a request carries must be the one casbin knows.
		{"ErrClaimedRoleNotHeld", viewer.ID, "editor", a.ID, authz.ContentWrite, false},
		{"ErrNoRole", editor.ID, "", a.ID, authz.ContentRead, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := e.Allowed(c.user, c.role, c.org, c.perm); got != c.want {
				t.Errorf("Allowed(%s in org, %s) = %v; want %v", c.role, c.perm, got, c.want)
			}
		})
	}
}

// TestCoordinatorReach: a network coordinator reads member municipalities'
// shared content and nothing else; a role wrongly granted at the network
// grants no reach into members.
func TestCoordinatorReach(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	network := dbtest.MustCreateOrg(t, bdb, org.KindNetwork)
	coord, _ := dbtest.MustCreateUser(t, bdb, network, account.RoleCoordinator)
	netAdmin, _ := dbtest.MustCreateUser(t, bdb, network, account.RoleAdmin)
	e := newEnforcer(t, bdb)
	if !e.AllowedVia(coord.ID, "coordinator", network.ID, authz.ContentRead) {
		t.Error("coordinator cannot read member content via the network")
	}
	if e.AllowedVia(coord.ID, "coordinator", network.ID, authz.ContentWrite) {
		t.Error("coordinator may write member content via the network")
	}
	if e.AllowedVia(netAdmin.ID, "admin", network.ID, authz.ContentRead) {
		t.Error("a network admin reads member content; only coordinators may")
	}
	if !e.Allowed(coord.ID, "coordinator", network.ID, authz.ContentWrite) {
		t.Error("coordinator cannot edit the network's own content")
	}
}

// TestRevocation: a removed membership denies at once in this process, and
// another process (its own enforcer) follows within moments.
func TestRevocation(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	a := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	u, _ := dbtest.MustCreateUser(t, bdb, a, account.RoleEditor)
	here := newEnforcer(t, bdb)
	other := newEnforcer(t, bdb)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dsn := ""
	if dbtest.Dialect() == db.Postgres {
		dsn = dbtest.DSNOf(t, bdb)
	}
	go other.Watch(ctx, dsn, 300*time.Millisecond)
	if !other.Allowed(u.ID, "editor", a.ID, authz.ContentWrite) {
		t.Fatal("editor denied before revocation")
	}
	err := db.RunTx(context.Background(), bdb, db.OrgScope(a.ID), func(ctx context.Context, tx bun.Tx) error {
		if err := account.DeleteMembership(ctx, tx, a.ID, u.ID); err != nil {
			return err
		}
		return authz.Notify(ctx, tx)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := here.Reload(); err != nil {
		t.Fatal(err)
	}
	if here.Allowed(u.ID, "editor", a.ID, authz.ContentRead) {
		t.Error("this process still allows after revocation and reload")
	}
	deadline := time.Now().Add(5 * time.Second)
	for other.Allowed(u.ID, "editor", a.ID, authz.ContentRead) {
		if time.Now().After(deadline) {
			t.Fatal("the other process still allows 5 s after revocation")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSyncPolicyIdempotent: the policy rows equal DefaultPolicy after any
// number of starts.
func TestSyncPolicyIdempotent(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := authz.SyncPolicy(ctx, bdb, authz.DefaultPolicy); err != nil {
			t.Fatal(err)
		}
	}
	n, err := bdb.NewSelect().Table("casbin_rule").Where("ptype = 'p'").Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if int(n) != len(authz.DefaultPolicy) {
		t.Errorf("%d policy rows after two syncs; want %d", n, len(authz.DefaultPolicy))
	}
}
