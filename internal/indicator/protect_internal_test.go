package indicator

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/disclosure"
)

// TestProtectOnceAndBounded: many readers asking at once for the same
// table not yet kept get one protection's result, the others waiting for
// it; different tables are protected no more at a time than the bound
// (GOMAXPROCS less one, at least one); a failure is not kept, so the
// next request tries again.
func TestProtectOnceAndBounded(t *testing.T) {
	table := func(n int64) disclosure.Table {
		return disclosure.Table{Base: []int64{n, 2 * n}, Cells: []disclosure.Cell{{Parts: []int32{0}}, {Parts: []int32{1}}, {Parts: []int32{0, 1}}}}
	}
	var calls, running, most atomic.Int32
	release := make(chan struct{})
	fail := atomic.Bool{}
	c := &protectedCache{fn: func(tab disclosure.Table, thr int) ([]disclosure.Status, error) {
		calls.Add(1)
		n := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		<-release
		if fail.Load() {
			return nil, errors.New("no solution")
		}
		return make([]disclosure.Status, len(tab.Cells)), nil
	}}

	// Twelve askers of one table, three of three others.
	var wg sync.WaitGroup
	results := make([][]disclosure.Status, 15)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := c.protect(table(int64(1+max(0, i-11))), 9)
			if err != nil {
				t.Error(err)
			}
			results[i] = st
		}()
	}
	// Let every asker arrive, then let the protections finish.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.mu.Lock()
		flights := len(c.flights)
		c.mu.Unlock()
		if flights == 4 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // the twelve are waiting, not protecting
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 4 {
		t.Errorf("15 askers of 4 tables: %d protections, want 4", n)
	}
	if bound := int32(max(1, runtime.GOMAXPROCS(0)-1)); most.Load() > bound {
		t.Errorf("%d protections at once, bound %d", most.Load(), bound)
	}
	for i := 1; i < 12; i++ {
		if &results[i][0] != &results[0][0] {
			t.Fatalf("asker %d of the same table got a result of its own", i)
		}
	}
	// Kept: no protection the second time.
	if _, err := c.protect(table(1), 9); err != nil || calls.Load() != 4 {
		t.Errorf("a kept table again: %v, %d protections", err, calls.Load())
	}

	fail.Store(true)
	if _, err := c.protect(table(7), 9); err == nil {
		t.Error("a failed protection answered no error")
	}
	fail.Store(false)
	if _, err := c.protect(table(7), 9); err != nil || calls.Load() != 6 {
		t.Errorf("after a failure the table is protected again: %v, %d protections (want 6)", err, calls.Load())
	}
}

// TestBuildsBounded: however many readers build universes at once, no
// more than buildTurns build at a time, the others waiting their turn;
// a reader whose request ends while it waits leaves with its context's
// error and takes no turn.
func TestBuildsBounded(t *testing.T) {
	var g buildGate
	bound := int32(buildTurns())
	var running, most, done atomic.Int32
	var wg sync.WaitGroup
	builders := 3 * bound
	for range builders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			leave, err := g.enter(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			defer leave()
			n := running.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			// Stay until the turns are all taken (or no one else is left),
			// however slowly the others are scheduled.
			for deadline := time.Now().Add(5 * time.Second); running.Load() < bound && done.Load()+running.Load() < builders && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
			running.Add(-1)
			done.Add(1)
		}()
	}
	wg.Wait()
	if done.Load() != builders || most.Load() != bound {
		t.Errorf("%d builders: %d done, at most %d at once; want all, and %d at once", builders, done.Load(), most.Load(), bound)
	}

	// Every turn taken: a reader whose request ends waits no longer.
	var leaves []func()
	for range bound {
		leave, err := g.enter(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		leaves = append(leaves, leave)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := g.enter(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting with every turn taken until the request ended: %v, want its deadline", err)
	}
	for _, leave := range leaves {
		leave()
	}
	leave, err := g.enter(context.Background())
	if err != nil {
		t.Fatalf("a turn after all were given back: %v", err)
	}
	leave()
}
