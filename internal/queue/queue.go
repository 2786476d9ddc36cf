// Package queue wires asynq once for the whole program: the client that
// services enqueue through, the worker server that runs the handlers the
// capability packages register, and the scheduler that fires periodic jobs
// in each organisation's time zone, run by one elected leader per
// deployment. Without a Redis URL it runs on an in-process Redis-compatible
// server (miniredis) whose contents are kept in the data directory across
// restarts.
package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// Queue names and their weights: critical work (sign-in mails) before
// routine work (reminders) before bulk work (reports).
const (
	Critical = "critical"
	Default  = "default"
	Low      = "low"
)

// Enqueuer is what services need to schedule work; *asynq.Client
// satisfies it, and so does *Queue.
type Enqueuer interface {
	EnqueueContext(ctx context.Context, task *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
}

// Queue holds the connections to Redis (real or embedded).
type Queue struct {
	Conn      asynq.RedisConnOpt
	Client    *asynq.Client
	Inspector *asynq.Inspector
	Redis     redis.UniversalClient

	embedded    *Embedded
	log         *slog.Logger
	beforeRetry map[string]func(context.Context, []byte) error // BeforeRetry
}

// Options configure Open.
type Options struct {
	// RedisURL is redis://… or rediss://…; empty starts the embedded server.
	RedisURL string
	// SnapshotPath is where the embedded server keeps its contents between
	// runs; empty keeps nothing.
	SnapshotPath string
	Logger       *slog.Logger
}

// Open connects to Redis (or starts the embedded server) and checks that it
// answers. The error names SAMVIRKE_REDIS_URL and what to do.
func Open(ctx context.Context, o Options) (*Queue, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	q := &Queue{log: o.Logger}
	if o.RedisURL == "" {
		e, err := StartEmbedded(o.SnapshotPath, o.Logger)
		if err != nil {
			return nil, fmt.Errorf("embedded Redis-compatible server: %w", err)
		}
		q.embedded = e
		q.Conn = asynq.RedisClientOpt{Addr: e.Addr()}
	} else {
		opt, err := asynq.ParseRedisURI(o.RedisURL)
		if err != nil {
			return nil, fmt.Errorf("SAMVIRKE_REDIS_URL: %v; use redis://HOST:6379/0", err)
		}
		q.Conn = opt
	}
	q.Redis = redisClient(q.Conn)
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := q.Redis.Ping(pctx).Err(); err != nil {
		q.closeConns()
		return nil, fmt.Errorf("SAMVIRKE_REDIS_URL: cannot reach Redis (%v); start Redis there, or leave SAMVIRKE_REDIS_URL empty for the embedded server", err)
	}
	q.Client = asynq.NewClientFromRedisClient(q.Redis)
	q.Inspector = asynq.NewInspectorFromRedisClient(q.Redis)
	return q, nil
}

// redisBufferSize is the read and the write buffer of each connection to
// Redis: go-redis's default of 32 KiB each held 1.3 MB for a pool of
// twenty connections, for commands and tasks of a few hundred bytes; a
// larger reply is read through the smaller buffer all the same.
const redisBufferSize = 4 << 10

// redisClient makes the one client the queue's client, inspector, worker
// server and scheduler share, as asynq would make it from c but with
// buffers of redisBufferSize.
func redisClient(c asynq.RedisConnOpt) redis.UniversalClient {
	opt, ok := c.(asynq.RedisClientOpt)
	if !ok { // Sentinel or cluster: as asynq makes them
		return c.MakeRedisClient().(redis.UniversalClient)
	}
	return redis.NewClient(&redis.Options{
		Network: opt.Network, Addr: opt.Addr, Username: opt.Username, Password: opt.Password, DB: opt.DB,
		DialTimeout: opt.DialTimeout, ReadTimeout: opt.ReadTimeout, WriteTimeout: opt.WriteTimeout,
		PoolSize: opt.PoolSize, TLSConfig: opt.TLSConfig,
		ReadBufferSize: redisBufferSize, WriteBufferSize: redisBufferSize,
	})
}

// EnqueueContext enqueues task; see asynq.Client.
func (q *Queue) EnqueueContext(ctx context.Context, task *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error) {
	return q.Client.EnqueueContext(ctx, task, opts...)
}

// Ping checks that Redis answers.
func (q *Queue) Ping(ctx context.Context) error { return q.Redis.Ping(ctx).Err() }

// Close releases the connections. With the embedded server it first saves
// its contents, so queued and retrying tasks survive a restart. Close the
// worker server before the queue so no task is mid-flight.
func (q *Queue) Close() error {
	var errs []error
	if q.embedded != nil {
		errs = append(errs, q.embedded.Save())
	}
	errs = append(errs, q.closeConns())
	if q.embedded != nil {
		q.embedded.Close()
	}
	return errors.Join(errs...)
}

func (q *Queue) closeConns() error {
	// The client and inspector share q.Redis; closing it once is enough.
	if q.Redis != nil {
		return q.Redis.Close()
	}
	return nil
}
