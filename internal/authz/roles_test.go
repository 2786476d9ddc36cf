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
		sameLinks(t, when, "casbin's", ours, theirs, append(slices.Clone(users), roles...), doms)
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

// sameLinks: ours answers HasLink, GetRoles, GetImplicitRoles and
// GetUsers as theirs (named by label in failures) does, for every pair of
// names in every domain.
func sameLinks(t *testing.T, when, label string, ours, theirs rbac.RoleManager, names, doms []string) {
	t.Helper()
	for _, d := range doms {
		for _, a := range names {
			for _, b := range names {
				got, err1 := ours.HasLink(a, b, d)
				want, err2 := theirs.HasLink(a, b, d)
				if got != want || err1 != nil || err2 != nil {
					t.Errorf("%s: HasLink(%s, %s, %s) = %v (%v); %s %v (%v)", when, a, b, d, got, err1, label, want, err2)
				}
			}
			sameSet(t, when+": GetRoles "+a+" "+d, ours.GetRoles, theirs.GetRoles, a, d)
			sameSet(t, when+": GetImplicitRoles "+a+" "+d, ours.GetImplicitRoles, theirs.GetImplicitRoles, a, d)
			sameSet(t, when+": GetUsers "+a+" "+d, ours.GetUsers, theirs.GetUsers, a, d)
		}
	}
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

// TestRoleLinksMembersAsLinks: memberships set whole (as the enforcer
// loads them) answer every question as the same links added one by one
// do, beside links casbin adds, and casbin's clearing at a reload leaves
// them: only the enforcer replaces them. A name or domain that only looks
// like a member's (a leading zero, a sign) is not one.
func TestRoleLinksMembersAsLinks(t *testing.T) {
	t.Parallel()
	set, added := newRoleLinks(), newRoleLinks()
	members := map[member]string{}
	roles := []string{"owner", "admin", "editor", "viewer"}
	for u := int64(1); u <= 6; u++ {
		for o := int64(1); o <= 3; o++ {
			if (u+o)%3 == 0 {
				continue
			}
			role := roles[(u*o)%int64(len(roles))]
			members[member{u, o}] = role
			if err := added.AddLink(userSub(u), role, orgDom(o)); err != nil {
				t.Fatal(err)
			}
		}
	}
	set.setMembers(members)
	// Casbin's own links on top: a second role of a member, a hierarchy.
	for _, rm := range []*roleLinks{set, added} {
		for _, l := range [][3]string{{"user:1", "viewer", "org:1"}, {"owner", "admin", "org:2"}, {"user:02", "editor", "org:2"}, {"user:3", "editor", "org:+2"}} {
			if err := rm.AddLink(l[0], l[1], l[2]); err != nil {
				t.Fatal(err)
			}
		}
	}
	names := []string{"user:1", "user:2", "user:3", "user:4", "user:5", "user:6", "user:02", "owner", "admin", "editor", "viewer"}
	doms := []string{"org:1", "org:2", "org:3", "org:+2", "org:02"}
	compare := func(when string) {
		t.Helper()
		sameLinks(t, when, "with links added", set, added, names, doms)
		for _, d := range doms {
			for _, a := range names {
				sameSet(t, when+": GetImplicitUsers "+a+" "+d, set.GetImplicitUsers, added.GetImplicitUsers, a, d)
			}
		}
		for _, n := range names {
			got, _ := set.GetDomains(n)
			want, _ := added.GetDomains(n)
			if !slices.Equal(got, want) {
				t.Errorf("%s: GetDomains(%s) = %v; %v with links added", when, n, got, want)
			}
		}
		got, _ := set.GetAllDomains()
		want, _ := added.GetAllDomains()
		if !slices.Equal(got, want) {
			t.Errorf("%s: GetAllDomains() = %v; %v with links added", when, got, want)
		}
	}
	compare("set")
	if ok, _ := set.HasLink("user:2", "admin", "org:2"); !ok {
		t.Fatal("user 2 does not hold admin in org 2 as owner there; the comparison proves nothing")
	}
	for _, rm := range []*roleLinks{set, added} {
		if err := rm.DeleteLink("user:1", "viewer", "org:1"); err != nil {
			t.Fatal(err)
		}
		if err := rm.DeleteDomain("org:3"); err != nil {
			t.Fatal(err)
		}
	}
	compare("after deleting")

	if err := set.Clear(); err != nil {
		t.Fatal(err)
	}
	if ok, _ := set.HasLink("user:1", "admin", "org:1"); !ok {
		t.Error("a membership was lost when casbin cleared its links")
	}
	if ok, _ := set.HasLink("user:2", "admin", "org:2"); ok {
		t.Error("a link casbin added outlived its clearing")
	}

	// A link casbin adds that repeats a membership is one role, and stays
	// when the membership goes.
	if err := set.AddLink("user:1", "admin", "org:1"); err != nil {
		t.Fatal(err)
	}
	if roles, _ := set.GetRoles("user:1", "org:1"); !slices.Equal(roles, []string{"admin"}) {
		t.Errorf("a membership and casbin's link of the same role: GetRoles = %v, want [admin]", roles)
	}
	set.setMembers(map[member]string{})
	if ok, _ := set.HasLink("user:1", "admin", "org:1"); !ok {
		t.Error("casbin's link went with the membership it repeated")
	}

	// The largest id is a member's; one past it is no one's.
	for name, want := range map[string]bool{"user:9223372036854775807": true, "user:9223372036854775808": false, "user:-1": false, "user:": false} {
		if _, ok := memberOf(name, "org:1"); ok != want {
			t.Errorf("memberOf(%q, org:1) = %v, want %v", name, ok, want)
		}
	}
}

// TestRoleLinksSmall: the 15 000 memberships of the scale data set (750
// municipalities × 20 users), as the enforcer holds them, take at most a
// tenth of the memory casbin's own role manager takes for them; the
// enforcer reads them again on every reload.
func TestRoleLinksSmall(t *testing.T) {
	// Not parallel: it measures the heap.
	roles := []string{"owner", "admin", "editor", "contributor", "secretary", "member", "viewer"}
	heap := func(build func() any) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rm := build()
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(rm)
		return after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
	}
	ours := heap(func() any {
		members := map[member]string{}
		for m := range int64(750) {
			for u := range int64(20) {
				// A role as scanned: a string of its own, interned as
				// readMembers does.
				members[member{m*20 + u + 1, m + 1}] = roles[u%int64(len(roles))]
			}
		}
		rm := newRoleLinks()
		rm.setMembers(members)
		return rm
	})
	theirs := heap(func() any {
		rm := defaultrolemanager.NewDomainManager(maxHierarchy)
		for m := range 750 {
			dom := orgDom(int64(m + 1))
			for u := range 20 {
				if err := rm.AddLink(userSub(int64(m*20+u+1)), roles[u%len(roles)], dom); err != nil {
					t.Fatal(err)
				}
			}
		}
		return rm
	})
	t.Logf("15 000 memberships: %s here, %s in casbin's role manager", mb(ours), mb(theirs))
	if ours*10 > theirs {
		t.Errorf("15 000 memberships take %s; casbin's own role manager %s: want at most a tenth", mb(ours), mb(theirs))
	}
}

func mb(n uint64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }
