package account_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/ratelimit"
)

// TestSessionCleanupForgetsOldSignInAttempts: the hourly clean-up removes
// the record of sign-in attempts past their retention and keeps recent
// ones, so attempts from anywhere cannot grow the table for ever.
func TestSessionCleanupForgetsOldSignInAttempts(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	clock := &app.FixedClock{T: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	svc := &account.Service{DB: bdb, Clock: clock, Limits: &ratelimit.Limiter{DB: bdb, Clock: clock}}
	ctx := context.Background()
	svc.SignIn(ctx, "gammel@example.org", "feil passord", "192.0.2.1")
	clock.T = clock.T.Add(account.SignInEventRetention + time.Hour)
	svc.SignIn(ctx, "ny@example.org", "feil passord", "192.0.2.2")

	tasks := &account.Tasks{DB: bdb, Clock: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := tasks.HandleSessionCleanup(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var left []string
	err := db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Table("auth_events").Column("email").Scan(ctx, &left)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0] != "ny@example.org" {
		t.Errorf("attempts kept after the clean-up: %v; want only the recent one", left)
	}
}
