package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// holds keeps named requests' handlers waiting until let go, and lets
// every one go as the test ends, passed or failed.
type holds map[string]chan struct{}

func newHolds(t *testing.T, names ...string) holds {
	h := holds{}
	for _, n := range names {
		h[n] = make(chan struct{})
	}
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { h.letGo(names...) }) })
	return h
}

func (h holds) letGo(names ...string) {
	for _, n := range names {
		select {
		case <-h[n]:
		default:
			close(h[n])
		}
	}
}

// admissionServer answers a server that lets n requests compute at once,
// with the route /work/:name: it reports each request's name as its
// handler starts, then, for the names in hold, waits until they are let
// go; a name starting with "stream" sends its response's start first.
func admissionServer(t *testing.T, n int, maxWait time.Duration, held ...string) (*Server, *httptest.Server, chan string, holds) {
	t.Helper()
	s, err := New(Deps{OpsOnly: true, ActiveRequests: n, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	s.admission.maxWait = maxWait
	var hold holds
	started := make(chan string, 10)
	s.Engine().GET("/work/:name", func(c *gin.Context) {
		name := c.Param("name")
		started <- name
		if strings.HasPrefix(name, "stream") {
			c.Writer.WriteHeader(http.StatusOK)
			c.Writer.Flush()
		}
		if h, ok := hold[name]; ok {
			<-h
		}
		c.String(http.StatusOK, "done "+name)
	})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	hold = newHolds(t, held...) // let go before the server closes: cleanups run last first
	return s, srv, started, hold
}

func getAsync(t *testing.T, url string) chan int {
	done := make(chan int, 1)
	go func() {
		resp, err := http.Get(url)
		if err != nil {
			t.Error(err)
			done <- 0
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	return done
}

func next(t *testing.T, started chan string) string {
	t.Helper()
	select {
	case name := <-started:
		return name
	case <-time.After(5 * time.Second):
		t.Fatal("no request started")
		return ""
	}
}

func nothingStarts(t *testing.T, started chan string, d time.Duration) {
	t.Helper()
	select {
	case name := <-started:
		t.Fatalf("%s started while every turn was taken", name)
	case <-time.After(d):
	}
}

// TestAdmissionTakesTurnsInOrder: with one request computing at a time, a
// second and a third wait for their turn and get it in the order they
// came, while static files and the probes never wait.
func TestAdmissionTakesTurnsInOrder(t *testing.T) {
	_, srv, started, hold := admissionServer(t, 1, 10*time.Second, "first")
	first := getAsync(t, srv.URL+"/work/first")
	if got := next(t, started); got != "first" {
		t.Fatalf("started %s, want first", got)
	}
	second := getAsync(t, srv.URL+"/work/second")
	nothingStarts(t, started, 150*time.Millisecond)
	third := getAsync(t, srv.URL+"/work/third")
	nothingStarts(t, started, 150*time.Millisecond)

	t0 := time.Now()
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || time.Since(t0) > 2*time.Second {
		t.Fatalf("/healthz answered %d after %s while the turn was taken", resp.StatusCode, time.Since(t0))
	}

	hold.letGo("first")
	if got := next(t, started); got != "second" {
		t.Fatalf("after first, %s started; want second (it came first)", got)
	}
	if got := next(t, started); got != "third" {
		t.Fatalf("after second, %s started; want third", got)
	}
	for name, done := range map[string]chan int{"first": first, "second": second, "third": third} {
		if code := <-done; code != http.StatusOK {
			t.Errorf("%s answered %d", name, code)
		}
	}
}

// TestAdmissionTurnEndsAsTheResponseStarts: a request that has started
// to send its response (a stream to a slow reader) no longer holds a turn.
func TestAdmissionTurnEndsAsTheResponseStarts(t *testing.T) {
	_, srv, started, _ := admissionServer(t, 1, 10*time.Second, "stream")
	resp, err := http.Get(srv.URL + "/work/stream") // answers once the headers are flushed
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	next(t, started)
	after := getAsync(t, srv.URL+"/work/after")
	if got := next(t, started); got != "after" {
		t.Fatalf("started %s, want after", got)
	}
	if code := <-after; code != http.StatusOK {
		t.Errorf("after answered %d", code)
	}
}

// TestAdmissionNeverRefuses: a request that waited its longest for a turn
// held by something slow goes ahead anyway, and is counted.
func TestAdmissionNeverRefuses(t *testing.T) {
	s, srv, started, _ := admissionServer(t, 1, 100*time.Millisecond, "slow")
	getAsync(t, srv.URL+"/work/slow")
	next(t, started)
	t0 := time.Now()
	resp, err := http.Get(srv.URL + "/work/other")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "done other" {
		t.Fatalf("answered %d %q", resp.StatusCode, body)
	}
	if waited := time.Since(t0); waited < 100*time.Millisecond {
		t.Errorf("went ahead after %s, before its longest wait", waited)
	}
	if n := testutil.ToFloat64(s.admission.overflow); n != 1 {
		t.Errorf("overflow counted %v, want 1", n)
	}
}
