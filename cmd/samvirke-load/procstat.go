package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTicks is the kernel's USER_HZ, the unit of /proc/PID/stat's CPU
// times: 100 on every Linux this runs on.
const clockTicks = 100

// cpuTime answers the CPU time (user and system) process pid has used,
// from /proc/PID/stat.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name is in parentheses and may hold spaces: the fields
	// that count start after the last ')'. utime and stime are the 14th
	// and 15th fields, the 12th and 13th after the name.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	var ticks int64
	for _, v := range f[11:13] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// residence is a process's resident memory from /proc/PID/status, in
// bytes: VmRSS and its parts, anonymous (the Go heap, stacks, the
// runtime's own) and file-backed (the executable's pages read so far),
// and VmHWM, the kernel's peak of VmRSS.
type residence struct {
	Now, Anon, File, Peak int64
}

// memory answers process pid's resident memory now.
func memory(pid int) (residence, error) {
	var r residence
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return r, err
	}
	fields := map[string]*int64{"VmRSS": &r.Now, "RssAnon": &r.Anon, "RssFile": &r.File, "VmHWM": &r.Peak}
	for _, line := range strings.Split(string(b), "\n") {
		name, v, ok := strings.Cut(line, ":")
		dst := fields[name]
		if !ok || dst == nil {
			continue
		}
		f := strings.Fields(v) // "123456 kB"
		if len(f) != 2 || f[1] != "kB" {
			return r, fmt.Errorf("/proc/%d/status: %s", pid, line)
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return r, err
		}
		*dst = kb << 10
	}
	return r, nil
}

// memWatch samples a process's resident memory every few milliseconds and
// keeps the largest sample with the phase of the run it came in, so a
// report can say not only how high the process went (VmHWM says that
// alone) but in what and of what: heap or executable.
type memWatch struct {
	mu    sync.Mutex
	phase string
	top   residence
	at    string
	stop  chan struct{}
	done  chan struct{}
}

// watchMemory starts sampling process pid every interval.
func watchMemory(pid int, interval time.Duration, phase string) *memWatch {
	w := &memWatch{phase: phase, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			if r, err := memory(pid); err == nil {
				w.mu.Lock()
				if r.Now > w.top.Now {
					w.top, w.at = r, w.phase
				}
				w.mu.Unlock()
			}
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// enter names the phase the next samples belong to.
func (w *memWatch) enter(phase string) {
	w.mu.Lock()
	w.phase = phase
	w.mu.Unlock()
}

// peak stops sampling and answers the largest sample and its phase.
func (w *memWatch) peak() (residence, string) {
	close(w.stop)
	<-w.done
	return w.top, w.at
}

// machineBusy answers the CPU time all cores together have spent on
// anything but idling and waiting for the disk since boot (/proc/stat's
// first line: user, nice, system, irq, softirq and steal).
func machineBusy() (time.Duration, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, fmt.Errorf("/proc/stat: %q", line)
	}
	var ticks int64
	for i, v := range f[1:9] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/stat: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// commandsCPU answers, by command name (/proc/PID/comm), the CPU time
// the processes running now have used, for the names asked. A process
// that ends between two readings takes its time with it; PostgreSQL's
// backends of a pool and Redis live through a run.
func commandsCPU(names ...string) (map[string]time.Duration, error) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	out := map[string]time.Duration{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		if err != nil {
			continue // gone meanwhile
		}
		name := strings.TrimSpace(string(comm))
		if !want[name] {
			continue
		}
		if t, err := cpuTime(pid); err == nil {
			out[name] += t
		}
	}
	return out, nil
}

// cpuSplit is where the machine's CPU went while a run was measured: the
// product's process, the database's and Redis's processes, the load
// tool's own, and the rest (the kernel's work for them all, other
// processes).
type cpuSplit struct {
	machine, product, postgres, redis, tool time.Duration
	wall                                    time.Duration // the run's (a reading's: since the Unix epoch)
}

// readCPU reads the machine's and the processes' CPU time used so far;
// product is the product's process (0: none). Two readings' difference
// (since) is a run's split.
func readCPU(product int) (cpuSplit, error) {
	r := cpuSplit{wall: time.Duration(time.Now().UnixNano())}
	var err error
	if r.machine, err = machineBusy(); err != nil {
		return r, err
	}
	if product != 0 {
		if r.product, err = cpuTime(product); err != nil {
			return r, err
		}
	}
	if r.tool, err = cpuTime(os.Getpid()); err != nil {
		return r, err
	}
	by, err := commandsCPU("postgres", "redis-server")
	if err != nil {
		return r, err
	}
	r.postgres, r.redis = by["postgres"], by["redis-server"]
	return r, nil
}

// since answers what was used between an earlier reading and this one.
func (r cpuSplit) since(before cpuSplit) cpuSplit {
	return cpuSplit{
		machine:  r.machine - before.machine,
		product:  r.product - before.product,
		postgres: max(r.postgres-before.postgres, 0),
		redis:    max(r.redis-before.redis, 0),
		tool:     r.tool - before.tool,
		wall:     r.wall - before.wall,
	}
}

// perRequest answers the split divided among n requests.
func (s cpuSplit) perRequest(n uint64) cpuSplit {
	d := time.Duration(max(n, 1))
	return cpuSplit{s.machine / d, s.product / d, s.postgres / d, s.redis / d, s.tool / d, s.wall}
}

// rest is the machine's busy time none of the processes named accounts
// for.
func (s cpuSplit) rest() time.Duration {
	return max(s.machine-s.product-s.postgres-s.redis-s.tool, 0)
}

// report writes the split of a run of n requests by users closed-loop
// workers: each part a request, and what the machine's busy time a
// request bounds. With every core busy a run can serve at most the cores
// over that time a second, and a closed loop's users then wait on
// average their number over that rate (Little's law).
func (s cpuSplit) report(w io.Writer, n uint64, users int) {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	r := s.perRequest(n)
	cores := runtime.NumCPU()
	fmt.Fprintf(w, "the machine's CPU during the measured run: %.2f ms a request (%.0f %% of its %d cores): the product %.2f, PostgreSQL %.2f, "+
		"Redis %.2f, the load tool %.2f, the rest (the kernel's share, other processes) %.2f\n",
		ms(r.machine), 100*s.machine.Seconds()/max(1e-9, float64(cores)*s.wall.Seconds()), cores, ms(r.product), ms(r.postgres), ms(r.redis), ms(r.tool), ms(r.rest()))
	if r.machine > 0 {
		rate := float64(cores) / r.machine.Seconds()
		fmt.Fprintf(w, "  at that cost %d cores serve at most %.0f requests a second, and %d users without pause then wait at least %.0f ms a request on average\n",
			cores, rate, users, 1000*float64(users)/rate)
	}
}
