package ratelimit_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/ratelimit"
)

func newLimiter(t *testing.T) (*ratelimit.Limiter, *app.FixedClock) {
	t.Helper()
	clock := &app.FixedClock{T: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)}
	return &ratelimit.Limiter{DB: dbtest.Open(t), Clock: clock}, clock
}

// TestTake: the limit admits Max events per window for a key, answers
// 429-coded errors with a retry time beyond it, keeps other keys apart, and
// lets events through again once the windows have passed.
func TestTake(t *testing.T) {
	t.Parallel()
	r, clock := newLimiter(t)
	ctx := context.Background()
	l := ratelimit.Limit{Name: "test.take", Max: 3, Window: time.Minute}
	for i := 0; i < 3; i++ {
		if err := r.Take(ctx, l, "a@example.no"); err != nil {
			t.Fatalf("event %d: %v", i+1, err)
		}
	}
	err := r.Take(ctx, l, "a@example.no")
	if app.ErrorCode(err) != app.ETooMany {
		t.Fatalf("fourth event: %v; want too many", err)
	}
	if s := app.AsError(err).Args["retry_after"]; s != 60 {
		t.Errorf("retry_after = %v; want 60 (the whole window is left)", s)
	}
	if err := r.Take(ctx, l, "b@example.no"); err != nil {
		t.Errorf("another key: %v", err)
	}
	if err := r.Check(ctx, l, "a@example.no"); app.ErrorCode(err) != app.ETooMany {
		t.Errorf("Check of a full key: %v", err)
	}
	// Half a window later, the previous window's 4 events still weigh 2:
	// one more event fits, the second does not.
	clock.T = clock.T.Add(90 * time.Second)
	if err := r.Take(ctx, l, "a@example.no"); err != nil {
		t.Errorf("1.5 windows later, first event: %v", err)
	}
	if err := r.Take(ctx, l, "a@example.no"); app.ErrorCode(err) != app.ETooMany {
		t.Errorf("1.5 windows later, second event: %v; want too many", err)
	}
	clock.T = clock.T.Add(2 * time.Minute)
	if err := r.Take(ctx, l, "a@example.no"); err != nil {
		t.Errorf("after two windows: %v", err)
	}
}

// TestGive: an event given back no longer counts.
func TestGive(t *testing.T) {
	t.Parallel()
	r, _ := newLimiter(t)
	ctx := context.Background()
	l := ratelimit.Limit{Name: "test.give", Max: 2, Window: time.Hour}
	for i := 0; i < 10; i++ {
		if err := r.Take(ctx, l, "k"); err != nil {
			t.Fatalf("event %d: %v", i+1, err)
		}
		if err := r.Give(ctx, l, "k"); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Reset(ctx, l, "k"); err != nil {
		t.Fatal(err)
	}
}

// TestTakeConcurrent: simultaneous events are counted atomically, so no
// more than Max of them get through however they interleave.
func TestTakeConcurrent(t *testing.T) {
	t.Parallel()
	r, _ := newLimiter(t)
	l := ratelimit.Limit{Name: "test.concurrent", Max: 10, Window: time.Hour}
	var ok atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := r.Take(context.Background(), l, "same")
			switch app.ErrorCode(err) {
			case "":
				ok.Add(1)
			case app.ETooMany:
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := ok.Load(); n != 10 {
		t.Errorf("%d of 40 simultaneous events admitted; want exactly 10", n)
	}
}

// TestCleanup removes counters of windows long past and keeps current ones.
func TestCleanup(t *testing.T) {
	t.Parallel()
	r, clock := newLimiter(t)
	ctx := context.Background()
	l := ratelimit.Limit{Name: "test.cleanup", Max: 5, Window: time.Minute}
	r.Take(ctx, l, "old")
	clock.T = clock.T.Add(3 * ratelimit.MaxWindow)
	r.Take(ctx, l, "new")
	n, err := r.Cleanup(ctx)
	if err != nil || n != 1 {
		t.Errorf("Cleanup = %d, %v; want 1 removed", n, err)
	}
}

// TestTakeAll: events are taken in order up to the first refusal, which
// is counted and answered with the events to give back; GiveAll gives
// them back.
func TestTakeAll(t *testing.T) {
	t.Parallel()
	r, _ := newLimiter(t)
	ctx := context.Background()
	wide := ratelimit.Keyed{Limit: ratelimit.Limit{Name: "test.all.wide", Max: 100, Window: time.Hour}, Key: "k"}
	narrow := ratelimit.Keyed{Limit: ratelimit.Limit{Name: "test.all.narrow", Max: 1, Window: time.Hour}, Key: "k"}
	never := ratelimit.Keyed{Limit: ratelimit.Limit{Name: "test.all.never", Max: 1, Window: time.Hour}, Key: "k"}
	if taken, err := r.TakeAll(ctx, wide, narrow, never); err != nil || len(taken) != 3 {
		t.Fatalf("first: %d taken, %v", len(taken), err)
	}
	taken, err := r.TakeAll(ctx, wide, narrow, never)
	if app.ErrorCode(err) != app.ETooMany || len(taken) != 2 || taken[1].Name != narrow.Name {
		t.Fatalf("second: %v taken, %v; want wide and the refused narrow", taken, err)
	}
	if err := r.GiveAll(ctx, taken); err != nil {
		t.Fatal(err)
	}
	// never was not touched by the refused attempt: still one event.
	if err := r.Check(ctx, never.Limit, "k"); err != nil {
		t.Errorf("a limit after the refusal was counted: %v", err)
	}
}
