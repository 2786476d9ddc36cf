package account_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
)

// wantErr fails unless err carries code (and field, when not "").
func wantErr(t *testing.T, what string, err error, code, field string) {
	t.Helper()
	if e := app.AsError(err); e == nil || e.Code != code || e.Field != field {
		t.Errorf("%s: %v; want %s on field %q", what, err, code, field)
	}
}

// TestUpdateProfile: a user changes their own name and language and
// nobody else's; an invalid language or name changes nothing.
func TestUpdateProfile(t *testing.T) {
	t.Parallel()
	f := newSvcFixture(t)
	ctx := context.Background()
	o := dbtest.MustCreateOrg(t, f.bdb, org.KindMunicipality)
	other, _ := dbtest.MustCreateUser(t, f.bdb, o, account.RoleEditor)
	for _, tc := range []struct {
		name     string
		p        account.Profile
		want     account.Profile // what is stored afterwards
		errField string
	}{
		{"OK", account.Profile{Name: "Åse Nordmann", Locale: "sv"}, account.Profile{Name: "Åse Nordmann", Locale: "sv"}, ""},
		{"OKOrganisationLanguage", account.Profile{Name: "Åse", Locale: ""}, account.Profile{Name: "Åse", Locale: ""}, ""},
		{"OKTrimmed", account.Profile{Name: "  Åse Øren ", Locale: "da"}, account.Profile{Name: "Åse Øren", Locale: "da"}, ""},
		{"ErrLocale", account.Profile{Name: "Åse", Locale: "de"}, account.Profile{Name: "Åse Øren", Locale: ""}, "locale"},
		{"ErrNameLong", account.Profile{Name: strings.Repeat("Å", account.MaxNameLen+1)}, account.Profile{Name: "Åse Øren", Locale: ""}, "name"},
		{"ErrNameEmpty", account.Profile{Name: "   ", Locale: "nb"}, account.Profile{Name: "Åse Øren", Locale: ""}, "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			u, _ := dbtest.MustCreateUser(t, f.bdb, o, account.RoleEditor)
			err := f.svc.UpdateProfile(ctx, u.ID, tc.p)
			if tc.errField != "" {
				wantErr(t, "UpdateProfile", err, app.EInvalid, tc.errField)
			} else if err != nil {
				t.Fatal(err)
			}
			got, err := f.svc.User(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != tc.want.Name || got.Locale != tc.want.Locale {
				t.Errorf("stored profile %q, %q; want %q, %q", got.Name, got.Locale, tc.want.Name, tc.want.Locale)
			}
		})
	}
	t.Run("OtherUserUntouched", func(t *testing.T) {
		got, err := f.svc.User(ctx, other.ID)
		if err != nil || got.Name != other.Name || got.Locale != other.Locale {
			t.Errorf("another user after the changes: %+v, %v; want unchanged", got, err)
		}
	})
}

// TestInvite: an invitation's mail goes out in the organisation's
// language with a link that makes a new member once; an address already
// a member or already invited, an unknown role, and an owner invited by
// a non-owner are refused.
func TestInvite(t *testing.T) {
	t.Parallel()
	f := newSvcFixture(t)
	o := dbtest.MustCreateOrg(t, f.bdb, org.KindMunicipality, named("Alfa", "sv", "Europe/Stockholm"))
	_, ownerCtx := dbtest.MustCreateUser(t, f.bdb, o, account.RoleOwner)
	member, adminCtx := dbtest.MustCreateUser(t, f.bdb, o, account.RoleAdmin)

	inv, err := f.svc.Invite(ownerCtx, o, "  Ny.Kollega@Example.org ", account.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Email != "ny.kollega@example.org" || inv.OrgID != o.ID {
		t.Errorf("Invite: %s to %d; want the address normalised, to %d", inv.Email, inv.OrgID, o.ID)
	}
	mails := f.sent(t, inv.Email)
	if len(mails) != 1 || !strings.HasPrefix(mails[0], "sv|mail.invitation.subject") {
		t.Fatalf("mails to the invited: %q; want one in Swedish", mails)
	}
	token := f.box.lastToken(t)

	for _, tc := range []struct {
		name       string
		ctx        context.Context
		email      string
		role       string
		code, fild string
	}{
		{"ErrEmail", ownerCtx, "ikke en adresse", account.RoleEditor, app.EInvalid, "email"},
		{"ErrRole", ownerCtx, "a@example.org", account.RoleCoordinator, app.EInvalid, "role"},
		{"ErrAlreadyMember", ownerCtx, strings.ToUpper(member.Email), account.RoleEditor, app.EConflict, "email"},
		{"ErrAlreadyInvited", ownerCtx, "ny.kollega@example.org", account.RoleViewer, app.EConflict, "email"},
		{"ErrOwnerByAdmin", adminCtx, "b@example.org", account.RoleOwner, app.EForbidden, "role"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.Invite(tc.ctx, o, tc.email, tc.role)
			wantErr(t, "Invite", err, tc.code, tc.fild)
		})
	}

	t.Run("Accept", func(t *testing.T) {
		if _, err := f.svc.AcceptInvitation(context.Background(), token, member.ID, "", ""); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("AcceptInvitation by a user with another address: %v; want forbidden", err)
		}
		_, err := f.svc.AcceptInvitation(context.Background(), token, 0, "  ", "et passord for den nye")
		wantErr(t, "AcceptInvitation without a name", err, app.EInvalid, "name")
		u, err := f.svc.AcceptInvitation(context.Background(), token, 0, " Ny Kollega ", "et passord for den nye")
		if err != nil {
			t.Fatal(err)
		}
		if u.Name != "Ny Kollega" {
			t.Errorf("the new account's name %q; want %q", u.Name, "Ny Kollega")
		}
		ms, err := f.svc.Members(ownerCtx, o)
		if i := slices.IndexFunc(ms, func(m *account.Member) bool { return m.ID == u.ID }); err != nil || i < 0 || ms[i].Role != account.RoleEditor {
			t.Errorf("members after accepting: %v; want the new user as editor", err)
		}
		if _, err := f.svc.AcceptInvitation(context.Background(), token, 0, "Ny Kollega", "et passord for den nye"); !app.IsNotFound(err) {
			t.Errorf("the same invitation again: %v; want not found", err)
		}
		if _, err := f.svc.SignIn(context.Background(), u.Email, "et passord for den nye", "192.0.2.7"); err != nil {
			t.Errorf("sign-in with the password chosen on acceptance: %v", err)
		}
	})
	t.Run("Revoke", func(t *testing.T) {
		inv, err := f.svc.Invite(ownerCtx, o, "angret@example.org", account.RoleViewer)
		if err != nil {
			t.Fatal(err)
		}
		token := f.box.lastToken(t)
		if err := f.svc.RevokeInvitation(ownerCtx, o, inv.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.FindInvitationByToken(context.Background(), token); !app.IsNotFound(err) {
			t.Errorf("a revoked invitation: %v; want not found", err)
		}
		wantErr(t, "RevokeInvitation twice", f.svc.RevokeInvitation(ownerCtx, o, inv.ID), app.EConflict, "")
	})
}

// TestMemberRoles: only an owner makes or unmakes an owner, the last
// owner stays one, and changing one's own role needs a confirmation;
// every change is audited.
func TestMemberRoles(t *testing.T) {
	t.Parallel()
	f := newSvcFixture(t)
	o := dbtest.MustCreateOrg(t, f.bdb, org.KindMunicipality)
	owner, ownerCtx := dbtest.MustCreateUser(t, f.bdb, o, account.RoleOwner)
	admin, adminCtx := dbtest.MustCreateUser(t, f.bdb, o, account.RoleAdmin)
	editor, _ := dbtest.MustCreateUser(t, f.bdb, o, account.RoleEditor)

	wantErr(t, "ChangeRole to a role the kind lacks", f.svc.ChangeRole(ownerCtx, o, editor.ID, account.RoleCoordinator, false), app.EInvalid, "role")
	wantErr(t, "admin makes an owner", f.svc.ChangeRole(adminCtx, o, editor.ID, account.RoleOwner, false), app.EForbidden, "role")
	wantErr(t, "admin demotes the owner", f.svc.ChangeRole(adminCtx, o, owner.ID, account.RoleAdmin, false), app.EForbidden, "role")
	wantErr(t, "admin removes the owner", f.svc.RemoveMember(adminCtx, o, owner.ID), app.EForbidden, "role")
	wantErr(t, "last owner demotes themself", f.svc.ChangeRole(ownerCtx, o, owner.ID, account.RoleAdmin, true), app.EConflict, "role")
	wantErr(t, "last owner removed", f.svc.RemoveMember(ownerCtx, o, owner.ID), app.EConflict, "role")
	wantErr(t, "admin demotes themself unconfirmed", f.svc.ChangeRole(adminCtx, o, admin.ID, account.RoleEditor, false), app.EConflict, "role")

	if err := f.svc.ChangeRole(adminCtx, o, editor.ID, account.RoleViewer, false); err != nil {
		t.Errorf("admin changes an editor to viewer: %v", err)
	}
	if err := f.svc.ChangeRole(ownerCtx, o, admin.ID, account.RoleOwner, false); err != nil {
		t.Fatalf("owner makes a second owner: %v", err)
	}
	if err := f.svc.ChangeRole(ownerCtx, o, owner.ID, account.RoleEditor, true); err != nil {
		t.Errorf("an owner steps down, confirmed, while another owner remains: %v", err)
	}
	roles := map[int64]string{}
	ms, err := f.svc.Members(ownerCtx, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		roles[m.ID] = m.Role
	}
	if roles[owner.ID] != account.RoleEditor || roles[admin.ID] != account.RoleOwner || roles[editor.ID] != account.RoleViewer {
		t.Errorf("roles afterwards %v; want %d editor, %d owner, %d viewer", roles, owner.ID, admin.ID, editor.ID)
	}
	var changes int
	err = db.Run(context.Background(), f.bdb, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		_, changes, err = audit.Find(ctx, idb, o.ID, audit.Filter{Action: audit.MemberRoleChanged})
		return err
	})
	if err != nil || changes != 3 {
		t.Errorf("%d role changes audited (%v); want 3, one per change made", changes, err)
	}
}
