package queue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/robfig/cron/v3"

	"github.com/samvirke/samvirke/internal/app"
)

// Target is an organisation that periodic jobs run for, in its time zone.
type Target struct {
	OrgID    int64
	TimeZone string
}

// TargetSource lists the organisations periodic jobs run for; the org
// package implements it.
type TargetSource interface {
	ScheduleTargets(ctx context.Context) ([]Target, error)
}

// Periodic is a job that fires on a cron schedule ("0 7 * * 1-5": weekdays
// at 07:00). With PerOrg the schedule is read in each organisation's own
// time zone and the task is made once per organisation; otherwise it is read
// in UTC and made once.
type Periodic struct {
	Name   string
	Spec   string
	PerOrg bool
	Queue  string
	// Task builds the task for an organisation (0 when not PerOrg) and the
	// instant the schedule fired.
	Task func(orgID int64, at time.Time) (*asynq.Task, error)

	sched cron.Schedule
}

// Scheduler enqueues periodic jobs. Every worker process runs one, but only
// the one holding the leader lease in Redis fires jobs; each firing has a
// deterministic task ID, so even two leaders for a moment enqueue it once.
type Scheduler struct {
	enq    Enqueuer
	redis  redis.UniversalClient
	source TargetSource
	clock  app.Clock
	log    *slog.Logger
	id     string

	mu   sync.Mutex
	jobs []*Periodic
}

// Leader lease and progress keys in Redis.
const (
	leaderKey = "samvirke:scheduler:leader"
	lastKey   = "samvirke:scheduler:last"
	leaseTTL  = 30 * time.Second
	// maxCatchUp bounds how many missed minutes a new leader fires, so a
	// deployment that was down for a day does not send a day of reminders.
	maxCatchUp = 60
)

// NewScheduler makes a scheduler over q.
func NewScheduler(q *Queue, source TargetSource, clock app.Clock, log *slog.Logger) *Scheduler {
	b := make([]byte, 8)
	rand.Read(b)
	return &Scheduler{enq: q, redis: q.Redis, source: source, clock: clock, log: log, id: hex.EncodeToString(b)}
}

// Register adds a periodic job. Capabilities call it while main wires them.
func (s *Scheduler) Register(p Periodic) error {
	sched, err := cron.ParseStandard(p.Spec)
	if err != nil {
		return fmt.Errorf("queue: periodic %s: %w", p.Name, err)
	}
	p.sched = sched
	if p.Queue == "" {
		p.Queue = Default
	}
	s.mu.Lock()
	s.jobs = append(s.jobs, &p)
	s.mu.Unlock()
	return nil
}

// Run holds or waits for the leader lease until ctx ends; while leader it
// fires every minute's jobs, catching up minutes a previous leader missed.
func (s *Scheduler) Run(ctx context.Context) error {
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	defer s.resign()
	for {
		if leader, err := s.lease(ctx); err != nil {
			if ctx.Err() == nil {
				s.log.Warn("scheduler: leader lease", "err", err)
			}
		} else if leader {
			if err := s.catchUp(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("scheduler: tick", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

var renewScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`)

var resignScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0`)

// lease takes or renews the leader lease and reports whether s holds it.
func (s *Scheduler) lease(ctx context.Context) (bool, error) {
	ok, err := s.redis.SetNX(ctx, leaderKey, s.id, leaseTTL).Result()
	if err != nil || ok {
		return ok, err
	}
	n, err := renewScript.Run(ctx, s.redis, []string{leaderKey}, s.id, leaseTTL.Milliseconds()).Int()
	return n == 1, err
}

func (s *Scheduler) resign() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	resignScript.Run(ctx, s.redis, []string{leaderKey}, s.id)
}

// catchUp fires every whole minute after the last one fired, up to now.
func (s *Scheduler) catchUp(ctx context.Context) error {
	now := s.clock.Now().UTC().Truncate(time.Minute)
	from := now
	if v, err := s.redis.Get(ctx, lastKey).Int64(); err == nil {
		from = time.Unix(v, 0).UTC().Add(time.Minute)
	} else if !errors.Is(err, redis.Nil) {
		return err
	}
	if now.Sub(from) > maxCatchUp*time.Minute {
		from = now.Add(-maxCatchUp * time.Minute)
	}
	for m := from; !m.After(now); m = m.Add(time.Minute) {
		if _, err := s.Tick(ctx, m); err != nil {
			return err
		}
		if err := s.redis.Set(ctx, lastKey, strconv.FormatInt(m.Unix(), 10), 24*time.Hour).Err(); err != nil {
			return err
		}
	}
	return nil
}

// Tick enqueues every job due in the minute starting at minute and answers
// how many tasks it enqueued (duplicates of an earlier tick excluded).
func (s *Scheduler) Tick(ctx context.Context, minute time.Time) (int, error) {
	minute = minute.UTC().Truncate(time.Minute)
	s.mu.Lock()
	jobs := append([]*Periodic(nil), s.jobs...)
	s.mu.Unlock()
	var targets []Target
	var locs []*time.Location // of targets, resolved once a tick
	n := 0
	for _, j := range jobs {
		if !j.PerOrg {
			if fires(j.sched, minute, time.UTC) {
				ok, err := s.enqueue(ctx, j, 0, minute)
				if err != nil {
					return n, err
				}
				n += ok
			}
			continue
		}
		if targets == nil {
			var err error
			if targets, err = s.source.ScheduleTargets(ctx); err != nil {
				return n, err
			}
			locs = make([]*time.Location, len(targets))
			for i, t := range targets {
				if locs[i], err = time.LoadLocation(t.TimeZone); err != nil {
					s.log.Warn("scheduler: unknown time zone, using UTC", "org_id", t.OrgID, "time_zone", t.TimeZone)
					locs[i] = time.UTC
				}
			}
		}
		for i, t := range targets {
			if !fires(j.sched, minute, locs[i]) {
				continue
			}
			ok, err := s.enqueue(ctx, j, t.OrgID, minute)
			if err != nil {
				return n, err
			}
			n += ok
		}
	}
	return n, nil
}

// fires reports whether sched has an activation at minute, read in loc.
func fires(sched cron.Schedule, minute time.Time, loc *time.Location) bool {
	local := minute.In(loc)
	return sched.Next(local.Add(-time.Second)).Equal(local)
}

func (s *Scheduler) enqueue(ctx context.Context, j *Periodic, orgID int64, minute time.Time) (int, error) {
	task, err := j.Task(orgID, minute)
	if err != nil {
		return 0, fmt.Errorf("scheduler: %s: %w", j.Name, err)
	}
	id := fmt.Sprintf("periodic:%s:%d:%s", j.Name, orgID, minute.Format("200601021504"))
	_, err = s.enq.EnqueueContext(ctx, task, asynq.TaskID(id), asynq.Queue(j.Queue), asynq.Retention(48*time.Hour))
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("scheduler: enqueue %s: %w", id, err)
	}
	return 1, nil
}
