package org_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"

	"github.com/uptrace/bun"
)

// TestRoleKey: a responsible's text matches a role whatever its case and
// spacing, and only then.
func TestRoleKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ text, want string }{
		{"Flyktningkoordinator", "flyktningkoordinator"},
		{"Flyktningkoordinator ", "flyktningkoordinator"},
		{"  FLYKTNINGKOORDINATOR\t", "flyktningkoordinator"},
		{"Rektorer  grundskola", "rektorer grundskola"},
		{"Chef\u00a0näringslivsenheten", "chef näringslivsenheten"},
		{"Chef\nNÄRINGSLIVSENHETEN", "chef näringslivsenheten"},
		{"Rådmann", "rådmann"},
		{"Ra\u030admann", "rådmann"}, // å written as a + combining ring
		{"ØKONOMISJEF", "økonomisjef"},
		{"Integrationsafdelingen", "integrationsafdelingen"},
		{"Flyktningekoordinator", "flyktningekoordinator"}, // another spelling is another role
		{"", ""},
		{" \t ", ""},
	} {
		if got := org.RoleKey(tc.text); got != tc.want {
			t.Errorf("RoleKey(%q) = %q; want %q", tc.text, got, tc.want)
		}
	}
}

// roleNames answers the names of roles.
func roleNames[R org.Role | *org.Role](roles []R) []string {
	var out []string
	for _, r := range roles {
		switch r := any(r).(type) {
		case org.Role:
			out = append(out, r.Name)
		case *org.Role:
			out = append(out, r.Name)
		}
	}
	return out
}

// roleAudit answers o's audit log as "action target", oldest first.
func roleAudit(t *testing.T, s *org.Service, o *org.Organisation) []string {
	t.Helper()
	es, _, err := s.AuditLog(context.Background(), o, audit.Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Action+" "+e.Target)
	}
	slices.Reverse(out)
	return out
}

// TestRoles: an administrator adds, renames and deletes roles and units
// and chooses the members who fill them; every change is audited; a
// responsible text finds the role by its key; names are validated and
// one key per organisation.
func TestRoles(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	s := &org.Service{DB: bdb, Clock: &app.FixedClock{T: dbtest.Now}}
	o := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	_, ctx := dbtest.MustCreateUser(t, bdb, o, account.RoleAdmin)
	gro, _ := dbtest.MustCreateUser(t, bdb, o, account.RoleContributor)
	ann, _ := dbtest.MustCreateUser(t, bdb, o, account.RoleEditor)

	koord, err := s.CreateRole(ctx, o, "  Flyktningkoordinator ", org.RoleKindRole)
	if err != nil {
		t.Fatal(err)
	}
	if koord.Name != "Flyktningkoordinator" || koord.Key != "flyktningkoordinator" {
		t.Errorf("created %q with key %q; want the name as written, trimmed, and its key", koord.Name, koord.Key)
	}
	vo, err := s.CreateRole(ctx, o, "Voksenopplæringen", org.RoleKindUnit)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []error{
		s.AddRoleMember(ctx, o, koord.ID, gro.ID),
		s.AddRoleMember(ctx, o, koord.ID, gro.ID), // again: no error, no second row
		s.AddRoleMember(ctx, o, vo.ID, gro.ID),
		s.AddRoleMember(ctx, o, vo.ID, ann.ID),
		s.UpdateRole(ctx, o, vo.ID, "Innvandrertjenesten", org.RoleKindUnit),
		s.RemoveRoleMember(ctx, o, vo.ID, ann.ID),
		s.RemoveRoleMember(ctx, o, vo.ID, ann.ID), // again: nothing to do
	} {
		if step != nil {
			t.Fatal(step)
		}
	}

	t.Run("List", func(t *testing.T) {
		roles, err := s.Roles(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		_, people, err := s.Role(ctx, o, koord.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := roleNames(roles); !slices.Equal(got, []string{"Flyktningkoordinator", "Innvandrertjenesten"}) {
			t.Errorf("roles %q", got)
		}
		for _, r := range roles {
			if len(r.Members) != 1 || r.Members[0].UserID != gro.ID {
				t.Errorf("%s is filled by %+v; want only %s", r.Name, r.Members, gro.Email)
			}
		}
		if len(people) != 3 {
			t.Errorf("people to choose from: %d; want the 3 members", len(people))
		}
	})
	t.Run("RolesFilledBy", func(t *testing.T) {
		err := db.Run(ctx, bdb, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
			mine, err := org.RolesFilledBy(ctx, idb, o.ID, gro.ID)
			if err != nil {
				return err
			}
			if got := roleNames(mine); !slices.Equal(got, []string{"Flyktningkoordinator", "Innvandrertjenesten"}) {
				t.Errorf("Gro fills %q", got)
			}
			theirs, err := org.RolesFilledBy(ctx, idb, o.ID, ann.ID)
			if len(theirs) != 0 || err != nil {
				t.Errorf("Ann, removed from the unit, fills %q, %v; want none", roleNames(theirs), err)
			}
			// A measure's responsible text finds the role by its key.
			r, err := org.FindRoleByKey(ctx, idb, o.ID, org.RoleKey("FLYKTNINGKOORDINATOR "))
			if err != nil || r.ID != koord.ID || !r.HasMember(gro.ID) {
				t.Errorf("FindRoleByKey: %+v, %v; want the coordinator, filled by Gro", r, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Audited", func(t *testing.T) {
		want := []string{
			"role.created Flyktningkoordinator", "role.created Voksenopplæringen",
			"role.member_added Flyktningkoordinator", "role.member_added Voksenopplæringen", "role.member_added Voksenopplæringen",
			"role.renamed Innvandrertjenesten", "role.member_removed Innvandrertjenesten",
		}
		if got := roleAudit(t, s, o); !slices.Equal(got, want) {
			t.Errorf("audit log:\n%q\nwant\n%q", got, want)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, tc := range []struct{ name, kind, field string }{
			{" ", org.RoleKindRole, "name"},
			{strings.Repeat("å", org.MaxRoleNameLen+1), org.RoleKindRole, "name"},
			{"Rådmann", "person", "kind"},
		} {
			_, err := s.CreateRole(ctx, o, tc.name, tc.kind)
			if ae := app.AsError(err); ae == nil || ae.Code != app.EInvalid || ae.Field != tc.field {
				t.Errorf("CreateRole(%q, %q): %v; want invalid %s", tc.name, tc.kind, err, tc.field)
			}
		}
		if err := s.UpdateRole(ctx, o, koord.ID, "", org.RoleKindRole); app.ErrorCode(err) != app.EInvalid {
			t.Errorf("renaming to nothing: %v; want invalid", err)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		_, err := s.CreateRole(ctx, o, "flyktningKOORDINATOR", org.RoleKindUnit)
		if ae := app.AsError(err); ae == nil || ae.Code != app.EConflict || ae.Key != "org.error.role_exists" || ae.Field != "name" {
			t.Errorf("a second role with the same key: %v; want conflict on name", err)
		}
		if err := s.UpdateRole(ctx, o, koord.ID, "innvandrertjenesten", org.RoleKindRole); app.ErrorCode(err) != app.EConflict {
			t.Errorf("renaming to another role's name: %v; want conflict", err)
		}
		// Its own name in other letters is no conflict.
		if err := s.UpdateRole(ctx, o, koord.ID, "flyktningkoordinator", org.RoleKindRole); err != nil {
			t.Errorf("renaming to its own key: %v", err)
		}
	})
	t.Run("ErrNotMember", func(t *testing.T) {
		outsider, _ := dbtest.MustCreateUser(t, bdb, nil, "")
		err := s.AddRoleMember(ctx, o, koord.ID, outsider.ID)
		if ae := app.AsError(err); ae == nil || ae.Code != app.EInvalid || ae.Field != "user" {
			t.Errorf("a non-member to fill a role: %v; want invalid user", err)
		}
	})
	t.Run("LeavingTheOrganisation", func(t *testing.T) {
		leaver, _ := dbtest.MustCreateUser(t, bdb, o, account.RoleMember)
		if err := s.AddRoleMember(ctx, o, koord.ID, leaver.ID); err != nil {
			t.Fatal(err)
		}
		acc := &account.Service{DB: bdb, Clock: &app.FixedClock{T: dbtest.Now}}
		if err := acc.RemoveMember(ctx, o, leaver.ID); err != nil {
			t.Fatal(err)
		}
		r, _, err := s.Role(ctx, o, koord.ID)
		if err != nil || r.HasMember(leaver.ID) {
			t.Errorf("after leaving the organisation the member still fills the role: %+v, %v", r.Members, err)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		r, err := s.CreateRole(ctx, o, "Ordfører", org.RoleKindRole)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddRoleMember(ctx, o, r.ID, ann.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteRole(ctx, o, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Role(ctx, o, r.ID); !app.IsNotFound(err) {
			t.Errorf("deleted role: %v; want not found", err)
		}
		if err := s.DeleteRole(ctx, o, r.ID); !app.IsNotFound(err) {
			t.Errorf("deleting again: %v; want not found", err)
		}
		got := roleAudit(t, s, o)
		if got[len(got)-1] != "role.deleted Ordfører" {
			t.Errorf("last audit entry %q; want the deletion", got[len(got)-1])
		}
	})
}

// TestRolesOtherOrg: organisation B never sees, changes or fills A's
// roles: every call naming A's role in B is not found, and A's members
// cannot be chosen in B.
func TestRolesOtherOrg(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	s := &org.Service{DB: bdb, Clock: &app.FixedClock{T: dbtest.Now}}
	a := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	b := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	_, ctxA := dbtest.MustCreateUser(t, bdb, a, account.RoleAdmin)
	memberA, _ := dbtest.MustCreateUser(t, bdb, a, account.RoleContributor)
	_, ctxB := dbtest.MustCreateUser(t, bdb, b, account.RoleAdmin)
	memberB, _ := dbtest.MustCreateUser(t, bdb, b, account.RoleContributor)
	roleA, err := s.CreateRole(ctxA, a, "Rådmann", org.RoleKindRole)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddRoleMember(ctxA, a, roleA.ID, memberA.ID); err != nil {
		t.Fatal(err)
	}
	roleB, err := s.CreateRole(ctxB, b, "Rådmann", org.RoleKindRole) // the same name is B's own
	if err != nil {
		t.Fatalf("B's role of the same name as A's: %v", err)
	}

	t.Run("ErrOtherOrg", func(t *testing.T) {
		if _, _, err := s.Role(ctxB, b, roleA.ID); !app.IsNotFound(err) {
			t.Errorf("Role: %v", err)
		}
		if err := s.UpdateRole(ctxB, b, roleA.ID, "Kapret", org.RoleKindRole); !app.IsNotFound(err) {
			t.Errorf("UpdateRole: %v", err)
		}
		if err := s.AddRoleMember(ctxB, b, roleA.ID, memberB.ID); !app.IsNotFound(err) {
			t.Errorf("AddRoleMember: %v", err)
		}
		if err := s.RemoveRoleMember(ctxB, b, roleA.ID, memberA.ID); !app.IsNotFound(err) {
			t.Errorf("RemoveRoleMember: %v", err)
		}
		if err := s.DeleteRole(ctxB, b, roleA.ID); !app.IsNotFound(err) {
			t.Errorf("DeleteRole: %v", err)
		}
		if err := s.AddRoleMember(ctxB, b, roleB.ID, memberA.ID); app.ErrorCode(err) != app.EInvalid {
			t.Errorf("A's member to fill B's role: %v; want invalid", err)
		}
	})
	t.Run("OwnOnly", func(t *testing.T) {
		roles, err := s.Roles(ctxB, b)
		if err != nil {
			t.Fatal(err)
		}
		_, people, err := s.Role(ctxB, b, roleB.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(roles) != 1 || roles[0].ID != roleB.ID || len(roles[0].Members) != 0 {
			t.Errorf("B's roles: %+v; want only its own, unfilled", roles)
		}
		for _, p := range people {
			if p.UserID == memberA.ID {
				t.Errorf("B may choose A's member %s", p.Email)
			}
		}
		err = db.Run(ctxB, bdb, db.OrgScope(b.ID), func(ctx context.Context, idb bun.IDB) error {
			filled, err := org.RolesFilledBy(ctx, idb, b.ID, memberA.ID)
			if len(filled) != 0 {
				t.Errorf("in B, A's member fills %q", roleNames(filled))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		r, _, err := s.Role(ctxA, a, roleA.ID)
		if err != nil || r.Name != "Rådmann" || !r.HasMember(memberA.ID) {
			t.Errorf("A's role after B's attempts: %+v, %v; want unchanged", r, err)
		}
		if got := roleAudit(t, s, b); !slices.Equal(got, []string{"role.created Rådmann"}) {
			t.Errorf("B's audit log %q; want only its own role", got)
		}
	})
}
