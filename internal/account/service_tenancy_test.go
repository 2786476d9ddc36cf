package account_test

import (
	"context"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
)

// TestOrgBCannotReadA: an owner of organisation B, working in B, asking
// the account service for anything of organisation A by its id gets not
// found, exactly as for an id that does not exist, and A's members,
// invitations, tokens, sessions and sign-on stay as they were. The lists
// of B hold nothing of A, also for a person who belongs to both.
func TestOrgBCannotReadA(t *testing.T) {
	t.Parallel()
	f := newSvcFixture(t)
	ctx := context.Background()
	a := dbtest.MustCreateOrg(t, f.bdb, org.KindMunicipality)
	b := dbtest.MustCreateOrg(t, f.bdb, org.KindMunicipality)
	ownerA, ctxA := dbtest.MustCreateUser(t, f.bdb, a, account.RoleOwner)
	memberA, _ := dbtest.MustCreateUser(t, f.bdb, a, account.RoleEditor)
	ownerB, ctxB := dbtest.MustCreateUser(t, f.bdb, b, account.RoleOwner)
	both, _ := dbtest.MustCreateUser(t, f.bdb, a, account.RoleAdmin)
	dbtest.MustAddMember(t, f.bdb, b, both, account.RoleViewer)

	tokenA, tokA, err := f.svc.CreateAPIToken(ctxA, a, memberA.ID, "Fagsystem A", account.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	invA, err := f.svc.Invite(ctxA, a, "til-a@example.org", account.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	f.system(t, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewInsert().Model(&account.SSOConfig{OrgID: a.ID, Enabled: true, Issuer: "https://idp.a.example", ClientID: "a", EmailClaim: "email"}).Exec(ctx)
		return err
	})
	session := func(u *account.User, in *org.Organisation) (string, string) {
		t.Helper()
		token, _, err := f.svc.StartSession(ctx, "", u.ID, in.ID, "192.0.2.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		in2, err := f.svc.AuthenticateSession(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return token, in2.Session.PublicID()
	}
	sessMemberA, pubMemberA := session(memberA, a)
	sessBothA, pubBothA := session(both, a)
	_, pubBothB := session(both, b)

	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"MemberSessions", func() error {
			u, ss, err := f.svc.MemberSessions(ctxB, b, memberA.ID)
			if u != nil || ss != nil {
				t.Errorf("MemberSessions leaked %+v, %d sessions", u, len(ss))
			}
			return err
		}},
		{"RevokeSession", func() error { return f.svc.RevokeSession(ctxB, b, memberA.ID, pubMemberA) }},
		{"RevokeSessionOfBothInA", func() error { return f.svc.RevokeSession(ctxB, b, both.ID, pubBothA) }},
		{"ChangeRole", func() error { return f.svc.ChangeRole(ctxB, b, memberA.ID, account.RoleViewer, true) }},
		{"ChangeRoleOfOwner", func() error { return f.svc.ChangeRole(ctxB, b, ownerA.ID, account.RoleViewer, true) }},
		{"RemoveMember", func() error { return f.svc.RemoveMember(ctxB, b, memberA.ID) }},
		{"RevokeAPIToken", func() error { return f.svc.RevokeAPIToken(ctxB, b, tokA.ID) }},
		{"RevokeInvitation", func() error { return f.svc.RevokeInvitation(ctxB, b, invA.ID) }},
		{"SSOConfig", func() error {
			cfg, err := f.svc.SSOConfig(ctxB, b)
			if cfg != nil && (cfg.OrgID != 0 || cfg.Issuer != "") {
				t.Errorf("SSOConfig leaked %+v", cfg)
			}
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !app.IsNotFound(err) {
				t.Errorf("%s in B of A's: %v; want not found", tc.name, err)
			}
		})
	}

	t.Run("ListsOfB", func(t *testing.T) {
		ms, invs, err := f.svc.MembersAndInvitations(ctxB, b)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, m := range ms {
			ids = append(ids, m.ID)
		}
		slices.Sort(ids)
		if want := []int64{ownerB.ID, both.ID}; !slices.Equal(ids, want) || len(invs) != 0 {
			t.Errorf("B's members %v and %d invitations; want %v and none", ids, len(invs), want)
		}
		if toks, err := f.svc.APITokens(ctxB, b); err != nil || len(toks) != 0 {
			t.Errorf("B's API tokens: %d, %v; want none", len(toks), err)
		}
		u, ss, err := f.svc.MemberSessions(ctxB, b, both.ID)
		if err != nil || u.ID != both.ID || len(ss) != 1 || ss[0].PublicID() != pubBothB {
			t.Errorf("sessions in B of a member of both: %d, %v; want only the one in B", len(ss), err)
		}
	})
	t.Run("AUntouched", func(t *testing.T) {
		for _, token := range []string{sessMemberA, sessBothA} {
			if _, err := f.svc.AuthenticateSession(ctx, token); err != nil {
				t.Errorf("a session in A after B's attempts: %v", err)
			}
		}
		if ta, err := f.svc.AuthenticateAPIToken(ctx, tokenA); err != nil || ta.Membership.Role != account.RoleEditor {
			t.Errorf("A's token after B's attempts: %v; want it working, as editor", err)
		}
		ms, invs, err := f.svc.MembersAndInvitations(ctxA, a)
		if err != nil || len(ms) != 3 || len(invs) != 1 || !invs[0].Open(f.clock.T) {
			t.Errorf("A after B's attempts: %d members, %d invitations, %v; want 3 and 1 open", len(ms), len(invs), err)
		}
		if _, err := f.svc.SSOConfig(ctxA, a); err != nil {
			t.Errorf("A's sign-on: %v", err)
		}
	})
}
