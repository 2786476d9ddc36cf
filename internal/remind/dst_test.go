package remind_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/queue"
)

// TestEightOClockAcrossDaylightSaving: the scheduler's clock walks hour
// by hour from Thursday 22 to Tuesday 27 October 2026 (summer time ends
// on Sunday 25 October at 03:00 in Oslo), a worker on the test's Redis
// runs what it enqueues; the reminders of Friday and Monday are sent at
// 08:00 Oslo time both days: 06:00 UTC before the change, 07:00 after.
func TestEightOClockAcrossDaylightSaving(t *testing.T) {
	w := newWorld(t, time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC))
	kari := w.h.User(w.o, "contributor")
	w.measure(t, "Rapport til kommunestyret", kari, "2026-10-23")
	w.measure(t, "Søknad om tilskudd", kari, "2026-10-26")
	ctx := context.Background()
	q, err := queue.Open(ctx, queue.Options{RedisURL: dbtest.RedisURL(t)})
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	w.h.Reminders.Queue, w.h.Outbox.Queue = q, q
	worker, err := queue.NewWorker(q, queue.WorkerOptions{Concurrency: 2, Logger: quiet, TaskCheckInterval: 5 * time.Millisecond}, w.tasks, w.h.Outbox)
	if err != nil {
		t.Fatal(err)
	}
	if err := worker.Start(); err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	defer worker.Shutdown()
	outboxCtx, stop := context.WithCancel(ctx)
	defer stop()
	go w.h.Outbox.Run(outboxCtx)
	sched := queue.NewScheduler(q, org.Store{DB: w.h.DB}, w.clock, quiet)
	if err := w.tasks.Schedule(sched); err != nil {
		t.Fatal(err)
	}
	for h := time.Date(2026, 10, 22, 0, 0, 0, 0, time.UTC); h.Before(time.Date(2026, 10, 27, 0, 0, 0, 0, time.UTC)); h = h.Add(time.Hour) {
		w.clock.Set(h)
		if _, err := sched.Tick(ctx, h); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for unfinished(t, q) > 0 || w.h.Unsent() > 0 {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the queue did not empty", h)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	var sent []struct {
		Title  string
		SentAt time.Time
	}
	err = db.Run(ctx, w.h.DB, db.OrgScope(w.o.ID), func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw("SELECT title, sent_at FROM reminder_sends WHERE org_id = ? ORDER BY sent_at, title", w.o.ID).Scan(ctx, &sent)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ title, utc string }{
		{"Rapport til kommunestyret", "2026-10-23T06:00:00Z"},
		{"Søknad om tilskudd", "2026-10-23T06:00:00Z"},
		{"Søknad om tilskudd", "2026-10-26T07:00:00Z"},
	}
	if len(sent) != len(want) {
		t.Fatalf("sent %v, want %v", sent, want)
	}
	for i, s := range sent {
		if s.Title != want[i].title || s.SentAt.UTC().Format(time.RFC3339) != want[i].utc {
			t.Errorf("send %d: %q at %s, want %q at %s", i, s.Title, s.SentAt.UTC().Format(time.RFC3339), want[i].title, want[i].utc)
		}
		if local := s.SentAt.In(oslo); local.Hour() != 8 || local.Minute() != 0 {
			t.Errorf("%q sent at %s Oslo time, want 08:00", s.Title, local.Format("15:04"))
		}
	}
	if n := len(w.h.Mail()); n != 3 {
		t.Errorf("%d e-mails arrived, want 3", n)
	}
}
