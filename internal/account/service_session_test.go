package account_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
)

func orgIDs(ms []*account.Membership) []int64 {
	var out []int64
	for _, m := range ms {
		out = append(out, m.OrgID)
	}
	slices.Sort(out)
	return out
}

// TestAuthenticateSession: a session answers its user with the
// organisations it opens (all of the user's, or only the one a single
// sign-on session is limited to); an unknown, expired or idle session or
// a disabled user is unauthenticated.
func TestAuthenticateSession(t *testing.T) {
	t.Parallel()
	f := newSvcFixture(t)
	ctx := context.Background()
	a := dbtest.MustCreateOrg(t, f.bdb, org.KindMunicipality)
	b := dbtest.MustCreateOrg(t, f.bdb, org.KindMunicipality)
	u, _ := dbtest.MustCreateUser(t, f.bdb, a, account.RoleEditor)
	dbtest.MustAddMember(t, f.bdb, b, u, account.RoleViewer)
	start := f.clock.T

	both, only, err := f.svc.StartSession(ctx, "", u.ID, 0, "192.0.2.1", "test")
	if err != nil || only != nil {
		t.Fatalf("StartSession: %v, only %+v; want a session opening both organisations", err, only)
	}
	restricted, only, err := f.svc.StartSession(ctx, "", u.ID, b.ID, "192.0.2.1", "test")
	if err != nil || only == nil || only.OrgID != b.ID {
		t.Fatalf("StartSession restricted to %s: %v, only %+v", b.Slug, err, only)
	}
	// A new session ends the one the browser had: a planted id is worth nothing.
	replaced, _, err := f.svc.StartSession(ctx, "", u.ID, 0, "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.StartSession(ctx, replaced, u.ID, 0, "192.0.2.1", "test"); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name  string
		token string
		after time.Duration
		want  []int64 // nil: unauthenticated
	}{
		{"OK", both, 0, []int64{a.ID, b.ID}},
		{"OKRestricted", restricted, 0, []int64{b.ID}},
		{"ErrUnknown", "finnes-ikke", 0, nil},
		{"ErrReplaced", replaced, 0, nil},
		{"ErrIdle", both, account.IdleTimeout, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.clock.T = start.Add(tc.after)
			in, err := f.svc.AuthenticateSession(ctx, tc.token)
			if tc.want == nil {
				if app.ErrorCode(err) != app.EUnauthenticated || in != nil {
					t.Errorf("AuthenticateSession: %+v, %v; want unauthenticated", in, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if in.User.ID != u.ID || !slices.Equal(orgIDs(in.Memberships), tc.want) {
				t.Errorf("AuthenticateSession: user %d in %v; want user %d in %v", in.User.ID, orgIDs(in.Memberships), u.ID, tc.want)
			}
		})
	}
	t.Run("ErrExpired", func(t *testing.T) {
		// Used every hour, the session still ends AbsoluteTimeout after sign-in.
		var err error
		for h := time.Duration(0); h <= account.AbsoluteTimeout && err == nil; h += time.Hour {
			f.clock.T = start.Add(h)
			_, err = f.svc.AuthenticateSession(ctx, restricted)
		}
		if app.ErrorCode(err) != app.EUnauthenticated || f.clock.T.Sub(start) != account.AbsoluteTimeout {
			t.Errorf("a session used hourly: %v after %s; want unauthenticated after %s", err, f.clock.T.Sub(start), account.AbsoluteTimeout)
		}
	})
	t.Run("ErrDisabled", func(t *testing.T) {
		f.clock.T = start
		v, _ := dbtest.MustCreateUser(t, f.bdb, a, account.RoleEditor)
		token, _, err := f.svc.StartSession(ctx, "", v.ID, 0, "192.0.2.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		f.system(t, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.NewUpdate().Table("users").Set("disabled_at = ?", start).Where("id = ?", v.ID).Exec(ctx)
			return err
		})
		if in, err := f.svc.AuthenticateSession(ctx, token); app.ErrorCode(err) != app.EUnauthenticated {
			t.Errorf("AuthenticateSession of a disabled user: %+v, %v; want unauthenticated", in, err)
		}
	})
}

// TestAuthenticateAPIToken: a token acts as its user in its organisation
// with the role they hold there now; a revoked or expired token, a user
// no longer a member or disabled, or an organisation that has come to
// require a second factor the user lacks, is unauthenticated.
func TestAuthenticateAPIToken(t *testing.T) {
	t.Parallel()
	f := newSvcFixture(t)
	a := dbtest.MustCreateOrg(t, f.bdb, org.KindMunicipality)
	b := dbtest.MustCreateOrg(t, f.bdb, org.KindMunicipality)
	owner, ctx := dbtest.MustCreateUser(t, f.bdb, a, account.RoleOwner)
	dbtest.MustAddMember(t, f.bdb, b, owner, account.RoleViewer)
	mk := func(t *testing.T, o *org.Organisation, role string) (string, *account.APIToken, *account.User) {
		t.Helper()
		u, _ := dbtest.MustCreateUser(t, f.bdb, o, role)
		token, tok, err := f.svc.CreateAPIToken(ctx, o, u.ID, "Fagsystem", account.ScopeWrite)
		if err != nil {
			t.Fatal(err)
		}
		return token, tok, u
	}
	set := func(t *testing.T, table, assign string, id int64, v any) {
		t.Helper()
		f.system(t, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.NewUpdate().Table(table).Set(assign, v).Where("id = ?", id).Exec(ctx)
			return err
		})
	}

	t.Run("OK", func(t *testing.T) {
		token, tok, u := mk(t, a, account.RoleEditor)
		ta, err := f.svc.AuthenticateAPIToken(context.Background(), token)
		if err != nil {
			t.Fatal(err)
		}
		if ta.User.ID != u.ID || ta.Token.ID != tok.ID || ta.Membership.OrgID != a.ID || ta.Membership.Role != account.RoleEditor {
			t.Errorf("AuthenticateAPIToken: user %d, token %d, %s in %d; want user %d, token %d, editor in %d",
				ta.User.ID, ta.Token.ID, ta.Membership.Role, ta.Membership.OrgID, u.ID, tok.ID, a.ID)
		}
		// The role is read at each use: a changed role applies at once.
		if err := f.svc.ChangeRole(ctx, a, u.ID, account.RoleViewer, false); err != nil {
			t.Fatal(err)
		}
		if ta, err = f.svc.AuthenticateAPIToken(context.Background(), token); err != nil || ta.Membership.Role != account.RoleViewer {
			t.Errorf("after a change of role: %+v, %v; want viewer", ta, err)
		}
		toks, err := f.svc.APITokens(ctx, a)
		if i := slices.IndexFunc(toks, func(x *account.APIToken) bool { return x.ID == tok.ID }); err != nil || i < 0 || toks[i].LastUsedAt == nil || !toks[i].LastUsedAt.Equal(f.clock.T) {
			t.Errorf("APITokens after use: %v; want the token, last used now", err)
		}
	})
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, tok *account.APIToken, u *account.User)
		key   string
	}{
		{"ErrRevoked", func(t *testing.T, tok *account.APIToken, _ *account.User) {
			if err := f.svc.RevokeAPIToken(ctx, a, tok.ID); err != nil {
				t.Fatal(err)
			}
		}, "auth.error.token"},
		{"ErrExpired", func(t *testing.T, tok *account.APIToken, _ *account.User) {
			set(t, "api_tokens", "expires_at = ?", tok.ID, f.clock.T)
		}, "auth.error.token"},
		{"ErrNoLongerMember", func(t *testing.T, _ *account.APIToken, u *account.User) {
			if err := f.svc.RemoveMember(ctx, a, u.ID); err != nil {
				t.Fatal(err)
			}
		}, "auth.error.token"},
		{"ErrDisabled", func(t *testing.T, _ *account.APIToken, u *account.User) {
			set(t, "users", "disabled_at = ?", u.ID, f.clock.T)
		}, "auth.error.token"},
		{"ErrSecondFactorRequired", func(t *testing.T, _ *account.APIToken, _ *account.User) {
			set(t, "organisations", "require_second_factor = ?", b.ID, true)
		}, "auth.error.token_needs_second_factor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := a
			if tc.name == "ErrSecondFactorRequired" {
				o = b // an organisation of its own: the requirement would spoil the others
			}
			token, tok, u := mk(t, o, account.RoleEditor)
			tc.spoil(t, tok, u)
			ta, err := f.svc.AuthenticateAPIToken(context.Background(), token)
			if e := app.AsError(err); e == nil || e.Code != app.EUnauthenticated || e.Key != tc.key || ta != nil {
				t.Errorf("AuthenticateAPIToken: %+v, %v; want unauthenticated (%s)", ta, err, tc.key)
			}
		})
	}
	for name, token := range map[string]string{"ErrUnknown": account.TokenPrefix + account.NewToken(), "ErrNoPrefix": account.NewToken()} {
		t.Run(name, func(t *testing.T) {
			if ta, err := f.svc.AuthenticateAPIToken(context.Background(), token); app.ErrorCode(err) != app.EUnauthenticated {
				t.Errorf("AuthenticateAPIToken(%s): %+v, %v; want unauthenticated", name, ta, err)
			}
		})
	}
}
