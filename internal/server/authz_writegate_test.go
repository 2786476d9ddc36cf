package server_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
	"github.com/samvirke/samvirke/internal/web"
)

// TestWriteGate: a write gate that makes one organisation read-only
// refuses every write route of that organisation with 403 and a message
// that says so, whatever the route, and is never asked for a read route:
// its owner still reads every page.
func TestWriteGate(t *testing.T) {
	t.Parallel()
	e := servertest.NewEnv(t)
	p := servertest.Open(t, e.Config(), server.ModeWeb)
	writes := watchWrites(p.DB)
	var locked, asked atomic.Int64
	p.Web.WriteGate = func(_ context.Context, o *org.Organisation) error {
		if o.ID != locked.Load() {
			return nil
		}
		asked.Add(1)
		return web.ErrReadOnly()
	}
	r := p.Run(t)
	w := buildWorld(t, r)
	w.writes = writes
	locked.Store(w.own.org.ID)
	owner := w.users["owner"]
	table := routeTable(t)
	var nWrites, nReads int
	for _, rt := range r.Web.Routes() {
		if rt.Access != web.Org {
			continue
		}
		key := rt.Method + " " + rt.Path
		before := asked.Load()
		resp, body := w.send(t, owner, rt, w.own, table[key])
		called := asked.Load() - before
		if rt.Writes && rt.Ungated { // paying, and taking access away
			if called != 0 || readOnlyText(body) {
				t.Errorf("%s must work in a read-only organisation: %d, gate asked %d times; want it to pass the gate", key, resp.StatusCode, called)
			}
			continue
		}
		if rt.Writes {
			nWrites++
			if called != 1 || resp.StatusCode != 403 || !readOnlyText(body) {
				t.Errorf("%s in a read-only organisation: %d, gate asked %d times; want 403 saying it is read-only:\n%.300s", key, resp.StatusCode, called, body)
			}
			continue
		}
		nReads++
		if called != 0 || resp.StatusCode == 403 || readOnlyText(body) {
			t.Errorf("%s reads, in a read-only organisation: %d, gate asked %d times; want it served without the gate", key, resp.StatusCode, called)
		}
	}
	if nWrites == 0 || nReads == 0 {
		t.Fatalf("walked %d write and %d read routes of an organisation; want some of each", nWrites, nReads)
	}
	// Another organisation's writes pass the gate.
	for _, rt := range r.Web.Routes() {
		if key := rt.Method + " " + rt.Path; key == "POST /o/:org/gatherings" {
			if got := w.do(t, w.users["coordinator"], rt, w.network, table[key]); got != 303 {
				t.Errorf("%s in an organisation the gate lets write: %d; want 303 (created)", key, got)
			}
		}
	}
}

// readOnlyText reports whether body says, in one of the languages, that
// the organisation is read-only (the message of web.ErrReadOnly).
func readOnlyText(body string) bool {
	for _, s := range []string{"bare leses", "skrivskyddad", "skrivebeskyttet", "read-only"} {
		if strings.Contains(body, s) {
			return true
		}
	}
	return false
}
