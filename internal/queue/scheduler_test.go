package queue_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/queue"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

type targets []queue.Target

func (t targets) ScheduleTargets(context.Context) ([]queue.Target, error) { return t, nil }

func openQueue(t *testing.T) *queue.Queue {
	t.Helper()
	q, err := queue.Open(context.Background(), queue.Options{RedisURL: dbtest.RedisURL(t), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

// pendingOrgs answers the organisation ids of pending tasks of type typ.
func pendingOrgs(t *testing.T, q *queue.Queue, typ string) []string {
	t.Helper()
	infos, err := q.Inspector.ListPendingTasks(queue.Default, asynq.PageSize(1000))
	if errors.Is(err, asynq.ErrQueueNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, i := range infos {
		if i.Type == typ {
			out = append(out, string(i.Payload))
		}
	}
	sort.Strings(out)
	return out
}

func morningReport() queue.Periodic {
	return queue.Periodic{
		Name: "test:morning", Spec: "0 7 * * *", PerOrg: true,
		Task: func(orgID int64, _ time.Time) (*asynq.Task, error) {
			return asynq.NewTask("test:morning", []byte(map[int64]string{1: "oslo", 2: "stockholm", 3: "utc"}[orgID])), nil
		},
	}
}

// TestSchedulerTimeZones: a job at 07:00 fires at 07:00 in each
// organisation's own time zone, not at 07:00 UTC.
func TestSchedulerTimeZones(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	orgs := targets{{1, "Europe/Oslo"}, {2, "Europe/Stockholm"}, {3, "UTC"}}
	s := queue.NewScheduler(q, orgs, app.SystemClock{}, quiet)
	if err := s.Register(morningReport()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// 24 November: Oslo and Stockholm are UTC+1, so 07:00 there is 06:00 UTC.
	at := func(h int) time.Time { return time.Date(2026, 11, 24, h, 0, 0, 0, time.UTC) }
	if _, err := s.Tick(ctx, at(6)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"oslo", "stockholm"}, pendingOrgs(t, q, "test:morning")); diff != "" {
		t.Errorf("at 06:00 UTC (-want +got):\n%s", diff)
	}
	if _, err := s.Tick(ctx, at(7)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"oslo", "stockholm", "utc"}, pendingOrgs(t, q, "test:morning")); diff != "" {
		t.Errorf("after 07:00 UTC (-want +got):\n%s", diff)
	}
	// In summer Oslo is UTC+2: 07:00 there is 05:00 UTC.
	n, err := s.Tick(ctx, time.Date(2026, 6, 15, 5, 0, 0, 0, time.UTC))
	if err != nil || n != 2 {
		t.Errorf("summer tick at 05:00 UTC enqueued %d (err %v); want 2 (Oslo, Stockholm)", n, err)
	}
}

// TestSchedulerOnceWithTwoInstances: two worker processes' schedulers tick
// the same minute; each job is enqueued once.
func TestSchedulerOnceWithTwoInstances(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	orgs := targets{{1, "Europe/Oslo"}, {2, "Europe/Stockholm"}}
	a := queue.NewScheduler(q, orgs, app.SystemClock{}, quiet)
	b := queue.NewScheduler(q, orgs, app.SystemClock{}, quiet)
	for _, s := range []*queue.Scheduler{a, b} {
		if err := s.Register(morningReport()); err != nil {
			t.Fatal(err)
		}
	}
	minute := time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)
	na, err := a.Tick(context.Background(), minute)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := b.Tick(context.Background(), minute)
	if err != nil {
		t.Fatal(err)
	}
	if na != 2 || nb != 0 {
		t.Errorf("enqueued %d and %d; want 2 and 0", na, nb)
	}
	if got := pendingOrgs(t, q, "test:morning"); len(got) != 2 {
		t.Errorf("pending = %v; want one task per organisation", got)
	}
}

// TestSchedulerLeader: of two running schedulers only one fires; when it
// stops, the other takes over.
func TestSchedulerLeader(t *testing.T) {
	t.Parallel()
	q := openQueue(t)
	clock := &app.FixedClock{T: time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)}
	every := queue.Periodic{Name: "test:minutely", Spec: "* * * * *",
		Task: func(int64, time.Time) (*asynq.Task, error) { return asynq.NewTask("test:minutely", nil), nil }}
	a := queue.NewScheduler(q, targets{}, clock, quiet)
	b := queue.NewScheduler(q, targets{}, clock, quiet)
	a.Register(every)
	b.Register(every)
	ctxA, stopA := context.WithCancel(context.Background())
	doneA := make(chan struct{})
	go func() { a.Run(ctxA); close(doneA) }()
	waitFor(t, func() bool { return len(pendingOrgs(t, q, "test:minutely")) == 1 })
	ctxB, stopB := context.WithCancel(context.Background())
	defer stopB()
	go b.Run(ctxB)
	time.Sleep(200 * time.Millisecond)
	if n := len(pendingOrgs(t, q, "test:minutely")); n != 1 {
		t.Fatalf("after a second scheduler started: %d tasks; want 1", n)
	}
	stopA()
	<-doneA // a resigns the lease on the way out
	clock.T = clock.T.Add(time.Minute)
	// b retries its lease every 10 seconds.
	waitForWithin(t, 15*time.Second, func() bool { return len(pendingOrgs(t, q, "test:minutely")) == 2 })
}

// TestEmbeddedSnapshot: queued work in the embedded server survives a
// restart through the snapshot in the data directory.
func TestEmbeddedSnapshot(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "queue.json")
	ctx := context.Background()
	q, err := queue.Open(ctx, queue.Options{SnapshotPath: path, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.EnqueueContext(ctx, asynq.NewTask("test:later", []byte("Ærlig talt, så går det")), asynq.ProcessIn(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := q.EnqueueContext(ctx, asynq.NewTask("test:now", []byte("nå")), asynq.TaskID("fixed-id")); err != nil {
		t.Fatal(err)
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	q2, err := queue.Open(ctx, queue.Options{SnapshotPath: path, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer q2.Close()
	sched, err := q2.Inspector.ListScheduledTasks(queue.Default)
	if err != nil || len(sched) != 1 || string(sched[0].Payload) != "Ærlig talt, så går det" {
		t.Errorf("scheduled after restart = %+v, %v; want the delayed task with its payload", sched, err)
	}
	if got := pendingOrgs(t, q2, "test:now"); len(got) != 1 {
		t.Errorf("pending after restart = %v; want the queued task", got)
	}
	// The task id is still reserved: no duplicate after a restart.
	if _, err := q2.EnqueueContext(ctx, asynq.NewTask("test:now", nil), asynq.TaskID("fixed-id")); err == nil {
		t.Error("enqueueing the same task id after restart succeeded; want a conflict")
	}
}

// TestLargeTaskThroughSmallBuffers: the connections to Redis read and
// write through small buffers; a task of 300 kB (a report's payload, say)
// goes in and comes back whole, Nordic letters and all, on the real
// server and on the embedded one.
func TestLargeTaskThroughSmallBuffers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	payload := []byte(strings.Repeat("Årsrapport «Integrering» § 3: æøå ÄÖ. ", 8000))
	for name, o := range map[string]queue.Options{
		"redis":    {RedisURL: dbtest.RedisURL(t), Logger: quiet},
		"embedded": {Logger: quiet},
	} {
		t.Run(name, func(t *testing.T) {
			q, err := queue.Open(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			defer q.Close()
			if n := q.Redis.(*redis.Client).Options().ReadBufferSize; n > 8<<10 {
				t.Errorf("read buffer %d bytes", n)
			}
			id := "large-" + name + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
			if _, err := q.EnqueueContext(ctx, asynq.NewTask("test:large", payload), asynq.TaskID(id), asynq.ProcessIn(time.Hour)); err != nil {
				t.Fatal(err)
			}
			info, err := q.Inspector.GetTaskInfo(queue.Default, id)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(info.Payload, payload) {
				t.Errorf("payload came back as %d bytes, want %d", len(info.Payload), len(payload))
			}
			if err := q.Inspector.DeleteTask(queue.Default, id); err != nil {
				t.Error(err)
			}
		})
	}
}

func waitFor(t *testing.T, cond func() bool) { t.Helper(); waitForWithin(t, 5*time.Second, cond) }

func waitForWithin(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
