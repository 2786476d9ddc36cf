package authz

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/casbin/casbin/v2/rbac"
	defaultrolemanager "github.com/casbin/casbin/v2/rbac/default-role-manager"
)

// TestRoleLinksAnswerAsCasbins: the enforcer's role manager answers every
// question the way casbin's own domain role manager does, on memberships
// with a role hierarchy added (which Samvirke's policy does not use, but
// a role manager must not get wrong), after links are added, deleted and
// a domain dropped.
func TestRoleLinksAnswerAsCasbins(t *testing.T) {
	t.Parallel()
	ours, theirs := newRoleLinks(), defaultrolemanager.NewDomainManager(maxHierarchy)
	both := func(f func(rm rbac.RoleManager) error) {
		t.Helper()
		if err := f(ours); err != nil {
			t.Fatal(err)
		}
		if err := f(theirs); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	roles := []string{"owner", "admin", "editor", "viewer", "coordinator"}
	doms := []string{"org:1", "org:2", "org:3", "org:4"}
	users := []string{"user:1", "user:2", "user:3", "user:4", "user:5", "user:6"}
	for range 40 {
		u, r, d := users[rng.IntN(len(users))], roles[rng.IntN(len(roles))], doms[rng.IntN(len(doms))]
		both(func(rm rbac.RoleManager) error { return rm.AddLink(u, r, d) })
	}
	// A hierarchy in two domains, with a cycle in one.
	both(func(rm rbac.RoleManager) error { return rm.AddLink("owner", "admin", "org:1") })
	both(func(rm rbac.RoleManager) error { return rm.AddLink("admin", "editor", "org:1") })
	both(func(rm rbac.RoleManager) error { return rm.AddLink("editor", "owner", "org:2") })
	both(func(rm rbac.RoleManager) error { return rm.AddLink("owner", "editor", "org:2") })

	compare := func(when string) {
		t.Helper()
		names := append(slices.Clone(users), roles...)
		for _, d := range doms {
			for _, a := range names {
				for _, b := range names {
					got, err1 := ours.HasLink(a, b, d)
					want, err2 := theirs.HasLink(a, b, d)
					if got != want || err1 != nil || err2 != nil {
						t.Errorf("%s: HasLink(%s, %s, %s) = %v (%v); casbin's %v (%v)", when, a, b, d, got, err1, want, err2)
					}
				}
				sameSet(t, when+": GetRoles "+a+" "+d, ours.GetRoles, theirs.GetRoles, a, d)
				sameSet(t, when+": GetImplicitRoles "+a+" "+d, ours.GetImplicitRoles, theirs.GetImplicitRoles, a, d)
				sameSet(t, when+": GetUsers "+a+" "+d, ours.GetUsers, theirs.GetUsers, a, d)
			}
		}
		for _, u := range users {
			got, _ := ours.GetDomains(u)
			want, _ := theirs.GetDomains(u)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: GetDomains(%s) = %v; casbin's %v", when, u, got, want)
			}
		}
	}
	compare("after adding")

	for range 15 {
		u, r, d := users[rng.IntN(len(users))], roles[rng.IntN(len(roles))], doms[rng.IntN(len(doms))]
		if ok, _ := theirs.HasLink(u, r, d); !ok {
			continue // casbin's refuses to delete what is not there
		}
		both(func(rm rbac.RoleManager) error { return rm.DeleteLink(u, r, d) })
	}
	both(func(rm rbac.RoleManager) error { return rm.DeleteDomain("org:3") })
	compare("after deleting")

	if _, err := ours.HasLink("user:1", "editor"); err == nil {
		t.Error("HasLink without a domain answered; want an error (every link is in an organisation)")
	}
	both(func(rm rbac.RoleManager) error { return rm.Clear() })
	compare("after clearing")
}

func sameSet(t *testing.T, what string, ours, theirs func(string, ...string) ([]string, error), name, dom string) {
	t.Helper()
	got, err1 := ours(name, dom)
	want, err2 := theirs(name, dom)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || err1 != nil || err2 != nil {
		t.Errorf("%s = %v (%v); casbin's %v (%v)", what, got, err1, want, err2)
	}
}

// TestRoleLinksSmall: the 15 000 memberships of the scale data set (750
// municipalities × 20 users) take a fifth of the memory casbin's own role
// manager takes for them at most; the enforcer rebuilds them on every
// reload.
func TestRoleLinksSmall(t *testing.T) {
	// Not parallel: it measures the heap.
	roles := []string{"owner", "admin", "editor", "contributor", "secretary", "member", "viewer"}
	add := func(rm rbac.RoleManager) {
		for m := range 750 {
			dom := orgDom(int64(m + 1))
			for u := range 20 {
				if err := rm.AddLink(userSub(int64(m*20+u+1)), roles[u%len(roles)], dom); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	heap := func(build func() rbac.RoleManager) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rm := build()
		add(rm)
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(rm)
		return after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
	}
	ours := heap(func() rbac.RoleManager { return newRoleLinks() })
	theirs := heap(func() rbac.RoleManager { return defaultrolemanager.NewDomainManager(maxHierarchy) })
	t.Logf("15 000 memberships: %s here, %s in casbin's role manager", mb(ours), mb(theirs))
	if ours*5 > theirs {
		t.Errorf("15 000 memberships take %s; casbin's own role manager %s: want at most a fifth", mb(ours), mb(theirs))
	}
}

func mb(n uint64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }
