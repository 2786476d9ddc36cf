package main

import (
	"os"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestProcessFigures: the CPU time read from /proc grows by what the
// process spends, and its peak resident memory is at least what it holds.
func TestProcessFigures(t *testing.T) {
	// Spin until the kernel's own account (getrusage) says the process
	// has spent 300 ms of CPU, however long that takes on a busy machine;
	// /proc must say the same, to its clock ticks.
	before, err := cpuTime(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	spent := spin(t, 300*time.Millisecond)
	after, err := cpuTime(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if used := after - before; used < spent-50*time.Millisecond || used > spent+100*time.Millisecond {
		t.Errorf("spinning spent %s of CPU by getrusage, %s by /proc", spent, used)
	}
	hold := make([]byte, 64<<20)
	for i := range hold {
		hold[i] = 1
	}
	r, err := memory(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if r.Now < 64<<20 || r.Peak < r.Now || r.Anon < 64<<20 || r.Anon+r.File > r.Now {
		t.Errorf("holding 64 MB: resident %+v", r)
	}
	_ = hold[len(hold)-1]
}

// TestCPUSplit: while this process spins, the machine's busy time grows
// by at least what it spent, the split gives it to the load tool, and the
// processes of a command name are found and added up.
func TestCPUSplit(t *testing.T) {
	before, err := readCPU(0)
	if err != nil {
		t.Fatal(err)
	}
	spent := spin(t, 300*time.Millisecond)
	after, err := readCPU(0)
	if err != nil {
		t.Fatal(err)
	}
	s := after.since(before)
	tick := time.Second / clockTicks
	if s.tool < spent-5*tick || s.machine < s.tool-5*tick || s.wall < spent/2 {
		t.Errorf("spinning %s: split %+v", spent, s)
	}
	if r := s.perRequest(3); r.tool != s.tool/3 || r.wall != s.wall {
		t.Errorf("a third of %+v: %+v", s, r)
	}
	comm, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimSpace(string(comm))
	by, err := commandsCPU(name, "no-such-command")
	if err != nil {
		t.Fatal(err)
	}
	own, err := cpuTime(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if by[name] < own || by["no-such-command"] != 0 {
		t.Errorf("processes named %q used %s, this one alone %s; others %v", name, by[name], own, by)
	}
	var b strings.Builder
	s.report(&b, 10, 20)
	if !strings.Contains(b.String(), "the load tool") || !strings.Contains(b.String(), "20 users without pause") {
		t.Errorf("report:\n%s", b.String())
	}
}

// spin keeps a core busy until the kernel's own account (getrusage) says
// this process has spent d more of CPU, however long that takes on a busy
// machine, and answers what it spent.
func spin(t *testing.T, d time.Duration) time.Duration {
	t.Helper()
	rusage := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			t.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	r0 := rusage()
	for deadline := time.Now().Add(20 * time.Second); rusage()-r0 < d && time.Now().Before(deadline); {
	}
	return rusage() - r0
}

// TestMemWatchKeepsThePeaksPhase: the watch names the phase in which the
// process held the most, and what it held then, after it has let go.
func TestMemWatchKeepsThePeaksPhase(t *testing.T) {
	w := watchMemory(os.Getpid(), 2*time.Millisecond, "before")
	time.Sleep(20 * time.Millisecond)
	w.enter("holding")
	hold := make([]byte, 96<<20)
	for i := range hold {
		hold[i] = 1
	}
	time.Sleep(20 * time.Millisecond)
	_ = hold[len(hold)-1]
	hold = nil
	debug.FreeOSMemory()
	w.enter("after")
	time.Sleep(20 * time.Millisecond)
	top, phase := w.peak()
	if phase != "holding" || top.Anon < 96<<20 {
		t.Errorf("peak %+v in %q, want 96 MB anonymous while holding", top, phase)
	}
	if now, err := memory(os.Getpid()); err != nil || now.Now >= top.Now {
		t.Errorf("after letting go: resident %+v (%v), peak %+v", now, err, top)
	}
}

// TestScheduleFollowsWeights: a round of the mix asks for each kind as
// often as its weight, and leaves out a kind nobody reaches.
func TestScheduleFollowsWeights(t *testing.T) {
	u := &user{email: "u03@scale-no-0101.scale.example", home: "/o/scale-no-0101/dashboard"}
	p := &plan{visits: map[string][]visit{}}
	for _, k := range pageKinds {
		if k.name != "meeting" {
			p.visits[k.name] = []visit{{user: u, path: "/" + k.name}}
		}
	}
	p.build()
	n := map[string]int{}
	for _, k := range p.schedule {
		n[k]++
	}
	for _, k := range pageKinds {
		want := k.weight
		if k.name == "meeting" {
			want = 0
		}
		if n[k.name] != want {
			t.Errorf("%s: %d in a round of %d, want %d", k.name, n[k.name], len(p.schedule), want)
		}
	}
}

// TestLimitToKinds: --kinds leaves only the named kinds in the round of
// the mix, and names a kind nobody reaches instead of running without it.
func TestLimitToKinds(t *testing.T) {
	u := &user{email: "u03@scale-no-0101.scale.example", home: "/o/scale-no-0101/dashboard"}
	p := &plan{visits: map[string][]visit{}}
	for _, k := range pageKinds {
		p.visits[k.name] = []visit{{user: u, path: "/" + k.name}}
	}
	p.build()
	q, err := p.limitTo([]string{"plan tree", " meeting"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(q.kinds, ","); got != "plan tree,meeting" {
		t.Errorf("kinds %q, want plan tree,meeting", got)
	}
	for _, k := range q.schedule {
		if k != "plan tree" && k != "meeting" {
			t.Errorf("the round holds %q", k)
		}
	}
	if len(p.kinds) != len(pageKinds) {
		t.Errorf("limiting changed the plan it was made from: %d kinds", len(p.kinds))
	}
	if _, err := p.limitTo([]string{"plan-tree"}); err == nil || !strings.Contains(err.Error(), `"plan-tree"`) {
		t.Errorf("an unknown kind: %v", err)
	}
}
