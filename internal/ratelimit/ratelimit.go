// Package ratelimit bounds how often an expensive or abusable action may
// happen (sign-in, second-factor codes, e-mail, comments, imports). The
// counters live in the database, so every web process shares them, and an
// event is counted and checked in one atomic statement, so simultaneous
// requests cannot all slip under the limit.
//
// A limit counts events in fixed windows and judges them over a sliding
// window: the current window's count plus the previous window's, weighted
// by how much of it still overlaps. Keys are stored as SHA-256 hashes: no
// e-mail address, client address or token is kept in the counters.
package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/queue"
)

// Limit is at most Max events per Window for one key.
type Limit struct {
	Name   string // stable name, e.g. "signin.account"
	Max    int
	Window time.Duration
}

// MaxWindow is the longest Window a Limit may have; older counters are
// removed.
const MaxWindow = 24 * time.Hour

// Limiter counts events in the database.
type Limiter struct {
	DB    *bun.DB
	Clock app.Clock
}

// ErrorKey is the translation key of the error Take answers; Args carry
// "seconds", "minutes" and "retry_after" (seconds, for the Retry-After
// header).
const ErrorKey = "error.too_many_requests.wait"

// Take counts one event for key under l and answers an app.ETooMany error
// when, with it, key is over the limit. Events over the limit are counted
// too: hammering keeps the door shut. Take opens its own short unit of
// work: call it before, never inside, a transaction of the caller (on
// SQLite a held write lock would block it).
func (r *Limiter) Take(ctx context.Context, l Limit, key string) error {
	n, err := r.add(ctx, l, key, 1)
	if err != nil {
		return err
	}
	return r.judge(l, n)
}

// Check answers the error Take would for key, without counting an event.
func (r *Limiter) Check(ctx context.Context, l Limit, key string) error {
	n, err := r.add(ctx, l, key, 0)
	if err != nil {
		return err
	}
	return r.judge(l, n)
}

// Give takes back one event counted for key in the current window, for an
// attempt that turned out not to count (a correct password).
func (r *Limiter) Give(ctx context.Context, l Limit, key string) error {
	_, err := r.add(ctx, l, key, -1)
	return err
}

// Keyed is a limit and the key it counts an event under.
type Keyed struct {
	Limit
	Key string
}

// TakeAll takes one event under each of ks in order, stopping at the
// first refusal or failure, and answers the events it counted (a refused
// event is counted too, as Take does) with that error: the caller gives
// them back with GiveAll when the attempt turns out not to count.
func (r *Limiter) TakeAll(ctx context.Context, ks ...Keyed) ([]Keyed, error) {
	for i, k := range ks {
		if err := r.Take(ctx, k.Limit, k.Key); err != nil {
			if app.ErrorCode(err) == app.ETooMany {
				i++ // refused, but counted
			}
			return ks[:i], err
		}
	}
	return ks, nil
}

// GiveAll gives back one event under each of ks (see Give).
func (r *Limiter) GiveAll(ctx context.Context, ks []Keyed) error {
	for _, k := range ks {
		if err := r.Give(ctx, k.Limit, k.Key); err != nil {
			return err
		}
	}
	return nil
}

// Reset forgets every event of key under l.
func (r *Limiter) Reset(ctx context.Context, l Limit, key string) error {
	return db.Run(ctx, r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewDelete().Table("rate_counters").Where("name = ? AND key_hash = ?", l.Name, hashKey(key)).Exec(ctx)
		return err
	})
}

// add changes the current window's count of key by delta (0: reads only)
// and answers the sliding-window estimate after the change.
func (r *Limiter) add(ctx context.Context, l Limit, key string, delta int) (float64, error) {
	if l.Window <= 0 || l.Window > MaxWindow || l.Max <= 0 {
		return 0, fmt.Errorf("ratelimit: bad limit %+v", l)
	}
	now := r.Clock.Now()
	w := l.Window.Nanoseconds()
	start := now.UnixNano() / w * w
	h := hashKey(key)
	var cur, prev int
	err := db.Run(ctx, r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		switch {
		case delta > 0:
			if err := idb.NewRaw(`INSERT INTO rate_counters (name, key_hash, window_start, count) VALUES (?, ?, ?, ?)
				ON CONFLICT (name, key_hash, window_start) DO UPDATE SET count = rate_counters.count + EXCLUDED.count
				RETURNING count`, l.Name, h, start, delta).Scan(ctx, &cur); err != nil {
				return err
			}
		case delta < 0:
			if _, err := idb.NewUpdate().Table("rate_counters").Set("count = count - 1").
				Where("name = ? AND key_hash = ? AND window_start = ? AND count > 0", l.Name, h, start).Exec(ctx); err != nil {
				return err
			}
			return nil
		default:
			if err := idb.NewRaw(`SELECT COALESCE(SUM(count), 0) FROM rate_counters WHERE name = ? AND key_hash = ? AND window_start = ?`,
				l.Name, h, start).Scan(ctx, &cur); err != nil {
				return err
			}
		}
		return idb.NewRaw(`SELECT COALESCE(SUM(count), 0) FROM rate_counters WHERE name = ? AND key_hash = ? AND window_start = ?`,
			l.Name, h, start-w).Scan(ctx, &prev)
	})
	if err != nil {
		return 0, fmt.Errorf("ratelimit: %s: %w", l.Name, err)
	}
	overlap := 1 - float64(now.UnixNano()-start)/float64(w)
	return float64(cur) + float64(prev)*overlap, nil
}

func (r *Limiter) judge(l Limit, n float64) error {
	if n <= float64(l.Max) {
		return nil
	}
	// Wait until the estimate is back at the limit: the rest of this
	// window at most, rounded up to whole seconds.
	now := r.Clock.Now()
	w := l.Window.Nanoseconds()
	rest := time.Duration(w - now.UnixNano()%w)
	secs := int(math.Ceil(rest.Seconds()))
	if secs < 1 {
		secs = 1
	}
	return app.Errorf(app.ETooMany, ErrorKey, "seconds", secs, "minutes", (secs+59)/60, "retry_after", secs)
}

func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// TypeCleanup removes counters of windows long past.
const TypeCleanup = "ratelimit:cleanup"

// RegisterTasks adds the clean-up handler to mux.
func (r *Limiter) RegisterTasks(mux *asynq.ServeMux) {
	mux.HandleFunc(TypeCleanup, func(ctx context.Context, _ *asynq.Task) error {
		_, err := r.Cleanup(ctx)
		return err
	})
}

// Schedule runs the clean-up every hour.
func (r *Limiter) Schedule(s *queue.Scheduler) error {
	return s.Register(queue.Periodic{
		Name: TypeCleanup, Spec: "41 * * * *", Queue: queue.Low,
		Task: func(int64, time.Time) (*asynq.Task, error) {
			return asynq.NewTask(TypeCleanup, nil, asynq.MaxRetry(3)), nil
		},
	})
}

// Cleanup deletes counters older than two of the longest windows and
// answers how many it removed.
func (r *Limiter) Cleanup(ctx context.Context) (int64, error) {
	before := r.Clock.Now().Add(-2 * MaxWindow).UnixNano()
	var n int64
	err := db.Run(ctx, r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		res, err := idb.NewDelete().Table("rate_counters").Where("window_start < ?", before).Exec(ctx)
		if err == nil {
			n, _ = res.RowsAffected()
		}
		return err
	})
	return n, err
}
