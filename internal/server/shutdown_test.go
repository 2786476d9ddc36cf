package server_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/hibiken/asynq"

	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
)

// TestGracefulShutdown: on SIGTERM a slow request in flight finishes, a
// running task that cannot finish in time goes back to the queue and is
// done by the next process, and the process exits within 15 seconds.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	e := servertest.NewEnv(t)
	cfg := e.Config()
	var runs, completed atomic.Int32
	started := make(chan struct{}, 1)
	slowTask := func(ctx context.Context, task *asynq.Task) error {
		if runs.Add(1) == 1 {
			started <- struct{}{}
			select { // longer than the shutdown allows
			case <-time.After(time.Minute):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		completed.Add(1)
		return nil
	}

	first := servertest.Open(t, cfg, server.ModeServe)
	first.Worker.Mux().HandleFunc("test:slow", slowTask)
	first.Web.Engine().GET("/test/slow", func(c *gin.Context) {
		time.Sleep(2 * time.Second)
		c.String(http.StatusOK, "ferdig – så bra")
	})
	first.Run(t)
	if _, err := first.Queue.EnqueueContext(context.Background(), asynq.NewTask("test:slow", []byte("økt")),
		asynq.MaxRetry(5)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("task did not start")
	}
	type result struct {
		code int
		body string
		err  error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.Get(first.URL() + "/test/slow")
		if err != nil {
			res <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b := make([]byte, 64)
		n, _ := resp.Body.Read(b)
		res <- result{code: resp.StatusCode, body: string(b[:n])}
	}()
	time.Sleep(300 * time.Millisecond) // the request is in flight
	took := first.Stop(t)
	r := <-res
	if r.err != nil || r.code != 200 || r.body != "ferdig – så bra" {
		t.Errorf("slow request during shutdown: %d %q %v; want 200 and its body", r.code, r.body, r.err)
	}
	if took > 15*time.Second {
		t.Errorf("shutdown took %s; want under 15s", took)
	}
	if completed.Load() != 0 {
		t.Fatalf("the slow task completed before shutdown; the test proves nothing")
	}
	// After shutdown the connection to a new process answers again, and
	// the interrupted task runs to completion there.
	second := servertest.Open(t, cfg, server.ModeWorker)
	second.Worker.Mux().HandleFunc("test:slow", slowTask)
	second.Run(t)
	waitFor(t, 60*time.Second, func() bool { return completed.Load() == 1 })
	if _, err := http.Get(first.URL() + "/healthz"); err == nil {
		t.Error("the first process still answers after shutdown")
	}
}
