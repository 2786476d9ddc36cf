package account_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
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
