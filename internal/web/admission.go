package web

import (
	"net/http"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/samvirke/samvirke/internal/app"
)

// Admission: at most a few requests compute at once, the others wait
// their turn in the order they came.
//
// Every request of a page alternates between the product's CPU and
// PostgreSQL's on the same few cores. With twenty requests computing at
// once each gets a twentieth of the machine, so a page that needs 4 ms of
// CPU takes some 40 ms, and one of a dozen round trips takes three times
// as long as one of four: the 95th percentile is set by the heaviest
// pages, which wait longest behind everyone else. With a handful admitted
// at a time (a few per core, so the cores stay busy while a request waits
// for its database), each request runs close to its own speed once
// admitted, and what it waits is the same queue for every page: the same
// throughput, a far narrower spread of latency, and fewer PostgreSQL
// backends contending at once.
//
// A request is let go of its turn when it starts to send its response
// (pages are rendered into a buffer first, so that is when the work is
// done), when its handler returns, or when it gives the turn back to wait
// for something bounded of its own (app.LeaveTurn: a sign-in waiting to
// hash its password). A request that waits longer than
// admissionMaxWait goes ahead anyway: a turn held by something slow (a
// client reading a stream slowly, an identity provider answering late)
// delays the queue by at most that, and never refuses anyone. Static
// files and the probes do not queue.

// admissionMaxWait is the longest a request waits for its turn.
const admissionMaxWait = 500 * time.Millisecond

// DefaultActiveRequests is how many requests compute at once when
// Deps.ActiveRequests is 0: four for each core the process may use.
func DefaultActiveRequests() int { return 4 * runtime.GOMAXPROCS(0) }

type admission struct {
	turns    chan struct{}
	maxWait  time.Duration // admissionMaxWait; shorter in tests
	waited   prometheus.Histogram
	overflow prometheus.Counter
}

func newAdmission(n int, reg prometheus.Registerer) (*admission, error) {
	a := &admission{
		turns: make(chan struct{}, n), maxWait: admissionMaxWait,
		waited: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "samvirke_http_admission_wait_seconds", Help: "How long requests waited for their turn to compute.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5},
		}),
		overflow: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "samvirke_http_admission_overflow_total",
			Help: "Requests that went ahead without a turn after waiting admissionMaxWait.",
		}),
	}
	for _, c := range []prometheus.Collector{a.waited, a.overflow} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// unqueued answers whether a request of path computes without a turn.
func unqueued(path string) bool {
	return strings.HasPrefix(path, "/static/") || path == "/healthz" || path == "/readyz" || path == "/favicon.ico"
}

// admit is the middleware: it waits for a turn (see above), then lets the
// request run.
func (s *Server) admit(c *gin.Context) {
	a := s.admission
	if a == nil || unqueued(c.Request.URL.Path) {
		c.Next()
		return
	}
	start := time.Now()
	select {
	case a.turns <- struct{}{}:
	default:
		// A buffered channel's waiting senders are served in the order
		// they came, and a turn given back goes to the first of them.
		t := time.NewTimer(a.maxWait)
		select {
		case a.turns <- struct{}{}:
			t.Stop()
		case <-t.C:
			a.overflow.Inc()
			c.Next()
			return
		case <-c.Request.Context().Done():
			t.Stop()
			c.AbortWithStatus(http.StatusServiceUnavailable) // the client went away while waiting
			return
		}
	}
	a.waited.Observe(time.Since(start).Seconds())
	w := &turnWriter{ResponseWriter: c.Writer, turns: a.turns}
	c.Writer = w
	c.Request = c.Request.WithContext(app.WithTurn(c.Request.Context(), w.release))
	defer w.release()
	c.Next()
}

// turnWriter gives the request's turn back as its response starts.
type turnWriter struct {
	gin.ResponseWriter
	turns chan struct{}
	once  sync.Once
}

func (w *turnWriter) release() { w.once.Do(func() { <-w.turns }) }

func (w *turnWriter) Write(b []byte) (int, error) {
	w.release()
	return w.ResponseWriter.Write(b)
}

func (w *turnWriter) WriteString(s string) (int, error) {
	w.release()
	return w.ResponseWriter.WriteString(s)
}

func (w *turnWriter) WriteHeaderNow() {
	w.release()
	w.ResponseWriter.WriteHeaderNow()
}

func (w *turnWriter) Flush() {
	w.release()
	w.ResponseWriter.Flush()
}

// Unwrap lets http.ResponseController reach the connection.
func (w *turnWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
