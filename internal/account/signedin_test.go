package account_test

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
)

// writeCounter counts the statements that change rows, sent by callers
// whose context carries it.
type writeCounter struct{ n atomic.Int32 }

type writeKey struct{}

type writeHook struct{}

func (writeHook) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	if w, ok := ctx.Value(writeKey{}).(*writeCounter); ok {
		q := strings.ToUpper(strings.TrimSpace(e.Query))
		if strings.HasPrefix(q, "UPDATE") || strings.HasPrefix(q, "INSERT") || strings.HasPrefix(q, "DELETE") {
			w.n.Add(1)
		}
	}
	return ctx
}

func (writeHook) AfterQuery(context.Context, *bun.QueryEvent) {}

// TestAuthenticateSessionTouch: a page view writes nothing unless the
// session was last recorded a minute ago or more, and the idle timeout
// still counts from the last recorded activity.
func TestAuthenticateSessionTouch(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	bdb.AddQueryHook(writeHook{})
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := &app.FixedClock{T: start}
	s := &account.Service{DB: bdb, Clock: clock}
	o := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	u, _ := dbtest.MustCreateUser(t, bdb, o, account.RoleMember)
	token, only, err := s.StartSession(t.Context(), "", u.ID, 0, "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	if only == nil || only.OrgID != o.ID {
		t.Fatalf("StartSession: only membership %+v, want the one in %s", only, o.Slug)
	}
	view := func(t *testing.T, at time.Time) (*account.SignedIn, int32) {
		t.Helper()
		clock.T = at
		w := &writeCounter{}
		in, err := s.AuthenticateSession(context.WithValue(t.Context(), writeKey{}, w), token)
		if err != nil {
			t.Fatalf("AuthenticateSession at %s: %v", at.Sub(start), err)
		}
		return in, w.n.Load()
	}
	lastSeen := func(t *testing.T) time.Time {
		t.Helper()
		sess, err := s.Sessions(t.Context(), u.ID)
		if err != nil || len(sess) != 1 {
			t.Fatalf("Sessions: %v, %d sessions", err, len(sess))
		}
		return sess[0].LastSeenAt.UTC()
	}

	in, writes := view(t, start.Add(59*time.Second))
	if writes != 0 {
		t.Errorf("a page view 59 s after the last recorded activity sent %d writes, want none", writes)
	}
	if in.User.ID != u.ID || len(in.Memberships) != 1 || in.Memberships[0].OrgID != o.ID {
		t.Errorf("AuthenticateSession: user %d, memberships %d, want user %d in %s", in.User.ID, len(in.Memberships), u.ID, o.Slug)
	}
	if got := lastSeen(t); !got.Equal(start) {
		t.Errorf("last seen %s after a page view within the minute, want %s", got, start)
	}

	touched := start.Add(time.Minute)
	if _, writes = view(t, touched); writes != 1 {
		t.Errorf("a page view a minute after the last recorded activity sent %d writes, want 1", writes)
	}
	if got := lastSeen(t); !got.Equal(touched) {
		t.Errorf("last seen %s, want %s", got, touched)
	}

	// Idle timeout: it counts from the last recorded activity.
	if _, writes = view(t, touched.Add(account.IdleTimeout-time.Second)); writes != 1 {
		t.Errorf("a page view after a long pause sent %d writes, want 1", writes)
	}
	clock.T = touched.Add(account.IdleTimeout - time.Second).Add(account.IdleTimeout)
	if _, err := s.AuthenticateSession(t.Context(), token); app.ErrorCode(err) != app.EUnauthenticated {
		t.Errorf("AuthenticateSession after %s idle: %v, want unauthenticated", account.IdleTimeout, err)
	}
}

// TestAuthenticateSessionMemberships: a session opens its user's
// memberships, by organisation name, and no one else's; a single sign-on
// session opens its organisation only; a user without memberships is
// signed in with none; a disabled user is not signed in.
func TestAuthenticateSessionMemberships(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	s := &account.Service{DB: bdb, Clock: &app.FixedClock{T: dbtest.Now}}
	a := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	b := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	c := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	u, _ := dbtest.MustCreateUser(t, bdb, a, account.RoleEditor)
	dbtest.MustAddMember(t, bdb, b, u, account.RoleViewer)
	dbtest.MustCreateUser(t, bdb, a, account.RoleOwner) // someone else in A
	dbtest.MustCreateUser(t, bdb, c, account.RoleOwner) // and in C
	orgsOf := func(t *testing.T, token string) []string {
		t.Helper()
		in, err := s.AuthenticateSession(t.Context(), token)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range in.Memberships {
			if m.UserID != in.User.ID || m.Org == nil || m.Org.ID != m.OrgID {
				t.Errorf("membership %+v of user %d", m, in.User.ID)
			}
			got = append(got, m.Org.Name+"/"+m.Role)
		}
		return got
	}
	start := func(t *testing.T, userID, restrictTo int64) string {
		t.Helper()
		token, _, err := s.StartSession(t.Context(), "", userID, restrictTo, "192.0.2.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		return token
	}

	t.Run("OK", func(t *testing.T) {
		want := []string{a.Name + "/" + account.RoleEditor, b.Name + "/" + account.RoleViewer}
		if b.Name < a.Name {
			want[0], want[1] = want[1], want[0]
		}
		if got := orgsOf(t, start(t, u.ID, 0)); !slices.Equal(got, want) {
			t.Errorf("the session opens %q; want %q", got, want)
		}
	})
	t.Run("SingleSignOn", func(t *testing.T) {
		if got := orgsOf(t, start(t, u.ID, b.ID)); !slices.Equal(got, []string{b.Name + "/" + account.RoleViewer}) {
			t.Errorf("a session restricted to B opens %q; want B only", got)
		}
	})
	t.Run("NoMemberships", func(t *testing.T) {
		var lone *account.User
		err := db.RunTx(t.Context(), bdb, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
			lone = &account.User{Email: "lone-" + a.Slug + "@example.org", Name: "Lone"}
			return account.CreateUser(ctx, tx, lone, dbtest.Now)
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := orgsOf(t, start(t, lone.ID, 0)); len(got) != 0 {
			t.Errorf("a user without memberships opens %q", got)
		}
	})
	t.Run("ErrDisabled", func(t *testing.T) {
		d, _ := dbtest.MustCreateUser(t, bdb, c, account.RoleEditor)
		token := start(t, d.ID, 0)
		err := db.RunTx(t.Context(), bdb, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.NewUpdate().Model((*account.User)(nil)).Set("disabled_at = ?", dbtest.Now).Where("id = ?", d.ID).Exec(ctx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AuthenticateSession(t.Context(), token); app.ErrorCode(err) != app.EUnauthenticated {
			t.Errorf("a disabled user's session: %v; want unauthenticated", err)
		}
	})
	t.Run("ErrUnknown", func(t *testing.T) {
		if _, err := s.AuthenticateSession(t.Context(), "not-a-token"); app.ErrorCode(err) != app.EUnauthenticated {
			t.Errorf("an unknown token: %v; want unauthenticated", err)
		}
	})
}
