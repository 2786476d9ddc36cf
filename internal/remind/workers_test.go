package remind_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/queue"
	"github.com/samvirke/samvirke/internal/remind"
)

// binary builds cmd/samvirke once per test binary.
var binary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "samvirke-remind-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "samvirke")
	out, err := exec.Command("go", "build", "-tags", "nomsgpack", "-o", bin, "../../cmd/samvirke").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build: %v\n%s", err, out)
	}
	return bin, nil
})

// workerProc is a `samvirke worker` process.
type workerProc struct {
	cmd *exec.Cmd
	out *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startWorker starts a worker process on the test's database, Redis and
// SMTP server.
func startWorker(t *testing.T, dsn, redisURL string, smtpPort int) *workerProc {
	t.Helper()
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	if !strings.HasPrefix(dsn, "postgres") {
		dsn = "sqlite://" + dsn
	}
	w := &workerProc{cmd: exec.Command(bin, "worker"), out: &syncBuffer{}}
	w.cmd.Env = append(os.Environ(), "SAMVIRKE_ADDR="+addr, "SAMVIRKE_DATA_DIR="+t.TempDir(),
		"SAMVIRKE_DATABASE_URL="+dsn, "SAMVIRKE_REDIS_URL="+redisURL, "SAMVIRKE_DEMO=false", "SAMVIRKE_AUTO_MIGRATE=false",
		"SAMVIRKE_BASE_URL=https://samvirke.test", "SAMVIRKE_SECRET_KEY=0123456789abcdef0123456789abcdef-remind",
		"SAMVIRKE_SMTP_HOST=127.0.0.1", fmt.Sprintf("SAMVIRKE_SMTP_PORT=%d", smtpPort), "SAMVIRKE_SMTP_TLS=none",
		"SAMVIRKE_MAIL_FROM=Samvirke <samvirke@example.org>", "SAMVIRKE_WORKER_CONCURRENCY=4", "SAMVIRKE_LOG_LEVEL=warn")
	w.cmd.Stdout, w.cmd.Stderr = w.out, w.out
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if w.cmd.ProcessState == nil {
			w.cmd.Process.Signal(syscall.SIGTERM)
			w.cmd.Wait()
		}
	})
	return w
}

// kill ends the process at once, as a crash would.
func (w *workerProc) kill(t *testing.T) {
	t.Helper()
	if err := w.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	w.cmd.Wait()
}

// expected is the test's own account of the reminders of the thirty
// days, written from the rules as users read them, not from the engine:
// 14 and 3 days before, on the day, every 7 days overdue, the editor told
// once at 7 days overdue; nothing on weekends and Norway's Easter
// holidays of 2027, whose reminders go out with the next working day's,
// one per item and audience, counting days from the day it is sent.
func expected(first, last time.Time, dues map[string]time.Time, done map[string]bool, responsible map[string]string, editor string) map[string]int {
	off := map[time.Time]bool{}
	for _, d := range []string{"2027-03-25", "2027-03-26", "2027-03-29"} {
		t, _ := time.Parse(time.DateOnly, d)
		off[t] = true
	}
	working := func(d time.Time) bool {
		return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday && !off[d]
	}
	want := map[string]int{}
	for s := first; !s.After(last); s = s.AddDate(0, 0, 1) {
		if !working(s) {
			continue
		}
		window := []time.Time{s}
		for d := s.AddDate(0, 0, -1); !working(d); d = d.AddDate(0, 0, -1) {
			window = append(window, d)
		}
		for title, u := range dues {
			if done[title] {
				continue
			}
			reminded, escalated := false, false
			for _, d := range window {
				k := int(u.Sub(d).Hours() / 24)
				if k == 14 || k == 3 || k == 0 || (k < 0 && -k%7 == 0) {
					reminded = true
				}
				if k == -7 {
					escalated = true
				}
			}
			days := int(u.Sub(s).Hours() / 24)
			if reminded {
				var subj string
				switch {
				case days > 1:
					subj = fmt.Sprintf("Frist om %d dager: %s", days, title)
				case days == 1:
					subj = "Frist i morgen: " + title
				case days == 0:
					subj = "Frist i dag: " + title
				case days == -1:
					subj = "Fristen gikk ut i går: " + title
				default:
					subj = fmt.Sprintf("Fristen gikk ut for %d dager siden: %s", -days, title)
				}
				want[responsible[title]+" "+subj]++
			}
			if escalated {
				want[editor+" "+fmt.Sprintf("Til oppfølging, %d dager over fristen: %s", -days, title)]++
			}
		}
	}
	return want
}

// TestRemindersThirtyDaysTwoWorkersOneKilled: two worker processes on
// the test's Redis (a real server in the PostgreSQL run), a scheduler
// whose clock walks through thirty days around Easter 2027 of a plan with
// 50 measures; one worker is killed while the reminders go out and
// started again. Every reminder the test expects arrives exactly once,
// none for done measures, none on a holiday.
func TestRemindersThirtyDaysTwoWorkersOneKilled(t *testing.T) {
	first := time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 0, 29)
	w := newWorld(t, first.Add(-48*time.Hour))
	var people []*account.User
	for range 5 {
		people = append(people, w.h.User(w.o, "contributor"))
	}
	ctx := context.Background()
	set := remind.Defaults(w.o.ID)
	set.StalledAfter = 0 // the measures are new: no stall in thirty days
	if _, err := remind.SaveSettings(ctx, w.h.DB, set, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	dues, done, resp := map[string]time.Time{}, map[string]bool{}, map[string]string{}
	for i := range 50 {
		title := fmt.Sprintf("Tiltak %02d – «norsk på arbeidsplassen»", i+1)
		u := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i)
		p := people[i%5]
		id := w.measure(t, title, p, u.Format(time.DateOnly))
		dues[title], resp[title] = u, p.Email
		if i%7 == 3 {
			w.setStatus(t, id, "done")
			done[title] = true
		}
	}
	want := expected(first, last, dues, done, resp, w.editor.Email)
	total := 0
	for _, n := range want {
		total += n
	}
	if total < 100 {
		t.Fatalf("the test expects only %d reminders", total)
	}

	dsn, redisURL := dbtest.DSNOf(t, w.h.DB), dbtest.RedisURL(t)
	workers := []*workerProc{startWorker(t, dsn, redisURL, w.h.SMTP().Port()), startWorker(t, dsn, redisURL, w.h.SMTP().Port())}
	q, err := queue.Open(ctx, queue.Options{RedisURL: redisURL})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	sched := queue.NewScheduler(q, org.Store{DB: w.h.DB}, w.clock, w.h.Logger)
	if err := w.tasks.Schedule(sched); err != nil {
		t.Fatal(err)
	}
	// The clock walks hour by hour; each hour's tick enqueues the plan
	// of every organisation whose hour it is.
	for h := first.Add(-24 * time.Hour); !h.After(last.Add(23 * time.Hour)); h = h.Add(time.Hour) {
		w.clock.Set(h)
		if _, err := sched.Tick(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	arrived := func() int { return len(w.h.Mail()) }
	deadline := time.Now().Add(60 * time.Second)
	for arrived() < total/3 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d reminders arrived in 60 s\nworker 1:\n%s\nworker 2:\n%s", arrived(), total, workers[0].out, workers[1].out)
		}
		time.Sleep(2 * time.Millisecond)
	}
	killedAt := arrived()
	workers[0].kill(t)
	workers[0] = startWorker(t, dsn, redisURL, w.h.SMTP().Port())
	t.Logf("killed a worker after %d of %d reminders", killedAt, total)

	deadline = time.Now().Add(4 * time.Minute)
	for arrived() < total || unfinished(t, q) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d reminders arrived, %d tasks unfinished, in 4 minutes after the kill\nworker 1:\n%s\nworker 2:\n%s",
				arrived(), total, unfinished(t, q), workers[0].out, workers[1].out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // anything sent twice would arrive now
	// A message is its Message-ID: a worker killed after the SMTP server
	// accepted a message and before the outbox noted it sends the same
	// message again, with the same Message-ID, which mail systems keep
	// once (README, «Reminders and the annual cycle»). Everything else
	// must be exactly once.
	got := map[string]int{}
	ids := map[string]string{}
	again := 0
	for _, m := range w.h.Mail() {
		k := strings.Join(m.To, ",") + " " + m.Subject
		id := m.Header.Get("Message-Id")
		if prev, ok := ids[id]; ok {
			if prev != k {
				t.Errorf("Message-ID %s names two messages: %q and %q", id, prev, k)
			}
			again++
			continue
		}
		ids[id] = k
		got[k]++
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%q arrived %d times, want %d", k, got[k], n)
		}
	}
	for k, n := range got {
		if want[k] == 0 {
			t.Errorf("%q arrived %d times, want none", k, n)
		}
	}
	// Only what the killed worker had in hand (4 at a time) can come again.
	if again > 4 {
		t.Errorf("%d messages were sent again after the kill; the killed worker held at most 4", again)
	}
	t.Logf("%d messages sent again with their Message-ID after the kill", again)
	for title := range done {
		for k := range got {
			if strings.HasSuffix(k, title) {
				t.Errorf("a reminder of the done measure %q: %q", title, k)
			}
		}
	}
	t.Logf("%d reminders to %d people, each once", total, len(people)+1)
}

// unfinished counts the tasks still to run in every queue.
func unfinished(t *testing.T, q *queue.Queue) int {
	t.Helper()
	n := 0
	for _, name := range []string{queue.Critical, queue.Default, queue.Low} {
		info, err := q.Inspector.GetQueueInfo(name)
		if err != nil {
			continue // a queue nothing was put in yet
		}
		n += info.Pending + info.Active + info.Scheduled + info.Retry
	}
	return n
}
