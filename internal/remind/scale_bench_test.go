package remind_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/queue"
	"github.com/samvirke/samvirke/internal/remind"
	"github.com/samvirke/samvirke/internal/scale"
)

// BenchmarkPlanScale plans the reminders of one morning for the scale
// data set's 750 municipalities, each with 200 measures due that day
// (150 000 due items), and enqueues one delivery task each on the test's
// Redis (run it with the PostgreSQL and Redis variables of the tests).
// It reports the seconds planning and enqueueing took and fails above
// the target of 30 s.
//
//	go test -run '^$' -bench PlanScale -benchtime 1x ./internal/remind/
func BenchmarkPlanScale(b *testing.B) {
	ctx := context.Background()
	bdb := dbtest.Open(b)
	start := time.Now()
	dueDay := time.Date(2027, 3, 17, 0, 0, 0, 0, time.UTC)
	rep, err := scale.Generate(ctx, bdb, scale.Options{Seed: 1, Municipalities: 750, Networks: 30, UsersPer: 20, Password: "scale-benchmark-2027"},
		[]scale.Slice{remind.Scale{PerOrg: 200, Due: dueDay}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("scale data set: %d rows in %s", rep.Rows["due measures"], time.Since(start).Round(time.Second))
	q, err := queue.Open(ctx, queue.Options{RedisURL: dbtest.RedisURL(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer q.Close()
	reg := &due.Registry{}
	reg.Add(measure.Due{})
	reg.Add(plan.RoundDue{})
	reg.Add(council.SignDue{})
	clock := &app.FixedClock{T: dueDay.Add(7 * time.Hour)}
	reg.Add(indicator.DueSource{Clock: clock})
	svc := &remind.Service{DB: bdb, Due: reg, Queue: q, Clock: clock}
	var orgs []int64
	if err := bdb.NewRaw("SELECT id FROM organisations WHERE kind = 'municipality' ORDER BY id").Scan(ctx, &orgs); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := q.Redis.FlushDB(ctx).Err(); err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		var planned atomic.Int64
		work := make(chan int64)
		var wg sync.WaitGroup
		var fail atomic.Value
		for range 4 { // a worker process's plan tasks run side by side
			wg.Add(1)
			go func() {
				defer wg.Done()
				for id := range work {
					n, err := svc.Plan(ctx, id, dueDay)
					if err != nil {
						fail.Store(err)
					}
					planned.Add(int64(n))
				}
			}()
		}
		for _, id := range orgs {
			work <- id
		}
		close(work)
		wg.Wait()
		took := time.Since(t0)
		if err, _ := fail.Load().(error); err != nil {
			b.Fatal(err)
		}
		info, err := q.Inspector.GetQueueInfo(queue.Default)
		if err != nil {
			b.Fatal(err)
		}
		if planned.Load() != 150000 || info.Pending != 150000 {
			b.Fatalf("planned %d, queued %d; want 150000 each", planned.Load(), info.Pending)
		}
		b.ReportMetric(took.Seconds(), "s/morning")
		b.ReportMetric(float64(planned.Load())/took.Seconds(), "items/s")
		b.Logf("planned and enqueued %d reminders of %d municipalities in %s", planned.Load(), len(orgs), took.Round(10*time.Millisecond))
		if took > 30*time.Second {
			b.Errorf("took %s; the target is under 30 s", took)
		}
	}
}
