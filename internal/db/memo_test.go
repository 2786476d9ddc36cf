package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
)

// TestRememberedInOneUnitOfWork: a question about the unit of work's own
// organisation is asked once in a unit of work of Run, whatever the hour
// of the day; asked again by the next unit of work (a membership ended is
// gone from the next request on); never remembered for another
// organisation, whose answer the read scope decides, nor in RunTx.
func TestRememberedInOneUnitOfWork(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	a := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	b := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	ctx := context.Background()
	asked := 0
	ask := func(ctx context.Context, orgID int64, day time.Time) []int64 {
		got, err := db.Remember(ctx, "networks", orgID, day, func() ([]int64, error) {
			asked++
			return []int64{int64(asked)}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	morning := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	evening := time.Date(2026, 12, 7, 22, 30, 0, 0, time.UTC)
	db.Run(ctx, bdb, db.OrgScope(a.ID), func(ctx context.Context, idb bun.IDB) error {
		first, again := ask(ctx, a.ID, morning), ask(ctx, a.ID, evening)
		if asked != 1 || first[0] != again[0] {
			t.Errorf("own organisation the same day: asked %d times", asked)
		}
		if ask(ctx, a.ID, morning.AddDate(0, 0, 1)); asked != 2 {
			t.Errorf("the next day was not asked: %d", asked)
		}
		wide, err := db.ReadAlso(ctx, idb, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		ask(wide, b.ID, morning)
		ask(wide, b.ID, morning)
		if asked != 4 {
			t.Errorf("another organisation's answer was remembered: asked %d times, want 4", asked)
		}
		if ask(wide, a.ID, morning); asked != 4 {
			t.Errorf("own organisation after widening was asked again: %d", asked)
		}
		return nil
	})
	db.Run(ctx, bdb, db.OrgScope(a.ID), func(ctx context.Context, idb bun.IDB) error {
		if ask(ctx, a.ID, morning); asked != 5 {
			t.Errorf("the next unit of work was answered from the last: asked %d times, want 5", asked)
		}
		return nil
	})
	db.RunTx(ctx, bdb, db.OrgScope(a.ID), func(ctx context.Context, tx bun.Tx) error {
		ask(ctx, a.ID, morning)
		ask(ctx, a.ID, morning)
		if asked != 7 {
			t.Errorf("remembered in a transaction that may write: asked %d times, want 7", asked)
		}
		return nil
	})
	if ask(ctx, a.ID, morning); asked != 8 {
		t.Errorf("outside a unit of work: asked %d times, want 8", asked)
	}
}
