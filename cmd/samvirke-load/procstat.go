package main

import (
	"fmt"
	"os"
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
