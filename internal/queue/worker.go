package queue

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
)

// Registrar is implemented by each capability that has background work: it
// adds its task handlers to the mux. main hands every registrar to the
// worker; there is no central switch over task types.
type Registrar interface {
	RegisterTasks(mux *asynq.ServeMux)
}

// Worker runs task handlers.
type Worker struct {
	srv     *asynq.Server
	mux     *asynq.ServeMux
	log     *slog.Logger
	metrics *taskMetrics
}

// WorkerOptions configure NewWorker.
type WorkerOptions struct {
	Concurrency int
	// ShutdownTimeout bounds how long Shutdown waits for running tasks;
	// tasks still running then go back to the queue and run again later.
	ShutdownTimeout time.Duration
	Logger          *slog.Logger
	Registerer      prometheus.Registerer
	// TaskCheckInterval is how long an idle worker waits before looking
	// for new tasks again (asynq's default, 1 s, when zero); tests that
	// walk a clock through many hours shorten it.
	TaskCheckInterval time.Duration
	// RetryDelay is the wait before a failed task's retry n (asynq's
	// exponential backoff when nil); DelayedTaskCheckInterval how often
	// retries and scheduled tasks that are due are moved to their queue
	// (5 s when zero). Tests shorten both.
	RetryDelay               func(n int) time.Duration
	DelayedTaskCheckInterval time.Duration
}

// NewWorker builds a worker over q with the handlers of every registrar.
func NewWorker(q *Queue, o WorkerOptions, registrars ...Registrar) (*Worker, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	w := &Worker{mux: asynq.NewServeMux(), log: o.Logger}
	m, err := newTaskMetrics(o.Registerer)
	if err != nil {
		return nil, err
	}
	w.metrics = m
	w.mux.Use(w.observe)
	for _, r := range registrars {
		r.RegisterTasks(w.mux)
	}
	w.srv = asynq.NewServerFromRedisClient(q.Redis, asynq.Config{
		Concurrency:              o.Concurrency,
		Queues:                   map[string]int{Critical: 6, Default: 3, Low: 1},
		ShutdownTimeout:          o.ShutdownTimeout,
		TaskCheckInterval:        o.TaskCheckInterval,
		DelayedTaskCheckInterval: o.DelayedTaskCheckInterval,
		RetryDelayFunc:           retryDelay(o.RetryDelay),
		Logger:                   slogAdapter{o.Logger.With("component", "asynq")},
		LogLevel:                 asynq.WarnLevel,
		ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
			retried, _ := asynq.GetRetryCount(ctx)
			maxRetry, _ := asynq.GetMaxRetry(ctx)
			o.Logger.Error("task failed", "type", t.Type(), "retry", retried, "max_retry", maxRetry, "err", err)
		}),
	})
	return w, nil
}

func retryDelay(f func(int) time.Duration) asynq.RetryDelayFunc {
	if f == nil {
		return nil
	}
	return func(n int, _ error, _ *asynq.Task) time.Duration { return f(n) }
}

// Mux is the handler table, for tests that add a handler of their own.
func (w *Worker) Mux() *asynq.ServeMux { return w.mux }

// Start begins processing in the background.
func (w *Worker) Start() error {
	if err := w.srv.Start(w.mux); err != nil {
		return fmt.Errorf("queue: start worker: %w", err)
	}
	return nil
}

// Shutdown stops taking tasks, waits for running ones up to the shutdown
// timeout and puts back the ones that did not finish, so they run again.
func (w *Worker) Shutdown() { w.srv.Shutdown() }

func (w *Worker) observe(next asynq.Handler) asynq.Handler {
	return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
		start := time.Now()
		err := next.ProcessTask(ctx, t)
		outcome := "ok"
		if err != nil {
			outcome = "error"
		}
		w.metrics.processed.WithLabelValues(t.Type(), outcome).Inc()
		w.metrics.duration.WithLabelValues(t.Type()).Observe(time.Since(start).Seconds())
		return err
	})
}

type taskMetrics struct {
	processed *prometheus.CounterVec
	duration  *prometheus.HistogramVec
}

func newTaskMetrics(reg prometheus.Registerer) (*taskMetrics, error) {
	m := &taskMetrics{
		processed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samvirke_tasks_processed_total", Help: "Background tasks processed, by type and outcome.",
		}, []string{"type", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "samvirke_task_duration_seconds", Help: "Time spent in background task handlers.",
		}, []string{"type"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.processed, m.duration} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

// slogAdapter lets asynq log through slog.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...)) }
func (a slogAdapter) Info(args ...any)  { a.l.Info(fmt.Sprint(args...)) }
func (a slogAdapter) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...)) }
func (a slogAdapter) Error(args ...any) { a.l.Error(fmt.Sprint(args...)) }
func (a slogAdapter) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...)) }
