package server_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
)

// proxy forwards TCP connections to a backend and can be cut off (all
// connections dropped, new ones refused) and restored on the same port.
type proxy struct {
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	p := &proxy{target: target, conns: map[net.Conn]bool{}}
	if err := p.listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	p.addr = p.ln.Addr().String()
	t.Cleanup(p.cut)
	return p
}

func (p *proxy) listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			if p.ln != ln {
				// cut while this connection was being accepted or dialled:
				// it must not outlive the cut.
				p.mu.Unlock()
				c.Close()
				b.Close()
				continue
			}
			p.conns[c], p.conns[b] = true, true
			p.mu.Unlock()
			go func() { io.Copy(b, c); b.Close() }()
			go func() { io.Copy(c, b); c.Close() }()
		}
	}()
	return nil
}

// cut closes the listener and every connection: the backend is gone.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

// restore listens again on the same address.
func (p *proxy) restore(t *testing.T) {
	t.Helper()
	var err error
	for i := 0; i < 50; i++ {
		if err = p.listen(p.addr); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("proxy: listen again on %s: %v", p.addr, err)
}

func readyz(t *testing.T, base string) (int, map[string]string) {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Checks map[string]string `json:"checks"`
	}
	json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body.Checks
}

// TestReadyzFollowsBackends: a worker's /readyz answers 503 while the
// database or Redis is unreachable and 200 as soon as it is back, without
// a restart. The database is cut on PostgreSQL (SQLite is a file and
// cannot become unreachable); Redis is cut on either backend. (Web
// processes do not depend on Redis: TestSecurity13ReadyzWebWithoutRedis.)
func TestReadyzFollowsBackends(t *testing.T) {
	t.Parallel()
	e := servertest.NewEnv(t)
	if e.RedisURL == "" {
		e.RedisURL = dbtest.RedisURL(t)
	}
	ru, _ := url.Parse(e.RedisURL)
	redisProxy := newProxy(t, ru.Host)
	ru.Host = redisProxy.addr
	e.RedisURL = ru.String()
	var dbProxy *proxy
	if db.DialectOf(e.DatabaseURL) == db.Postgres {
		du, _ := url.Parse(e.DatabaseURL)
		dbProxy = newProxy(t, du.Host)
		du.Host = dbProxy.addr
		e.DatabaseURL = du.String()
	}
	r := servertest.Open(t, e.Config(), server.ModeWorker).Run(t)
	base := r.URL()

	if code, checks := readyz(t, base); code != 200 {
		t.Fatalf("readyz with everything up: %d %v; want 200", code, checks)
	}
	cases := []struct {
		name  string
		p     *proxy
		check string
	}{{"redis", redisProxy, "redis"}, {"database", dbProxy, "database"}}
	for _, c := range cases {
		if c.p == nil {
			continue
		}
		// Each /readyz may wait two seconds per backend: under a loaded
		// machine a few tries take a while, hence the generous limit.
		var lastCode int
		var lastChecks map[string]string
		c.p.cut()
		if !eventually(30*time.Second, func() bool {
			lastCode, lastChecks = readyz(t, base)
			return lastCode == http.StatusServiceUnavailable && lastChecks[c.check] == "unreachable"
		}) {
			t.Fatalf("%s cut: /readyz still answers %d %v; want 503 with %s unreachable", c.name, lastCode, lastChecks, c.check)
		}
		c.p.restore(t)
		if !eventually(30*time.Second, func() bool {
			lastCode, lastChecks = readyz(t, base)
			return lastCode == http.StatusOK
		}) {
			t.Fatalf("%s restored: /readyz still answers %d %v; want 200", c.name, lastCode, lastChecks)
		}
		if code, _ := http.Get(base + "/healthz"); code == nil || code.StatusCode != 200 {
			t.Errorf("%s: /healthz should stay 200 throughout", c.name)
		}
	}
}

// eventually reports whether cond became true within d, trying every 50 ms.
func eventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}
