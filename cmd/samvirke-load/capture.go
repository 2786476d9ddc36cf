package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
)

// capturePrefix starts the X-Request-ID of the requests whose statements
// and template render the product's process writes down (--capture), for
// the limits: nothing else is captured.
const capturePrefix = "capture-"

// captureLine is one line of the capture file.
type captureLine struct {
	ID         string       `json:"id"`
	Query      string       `json:"query,omitempty"`
	Args       []captureArg `json:"args,omitempty"` // a statement sent with db.Bind's values
	Page       string       `json:"page,omitempty"`
	TemplateNS int64        `json:"template_ns,omitempty"` // one bare render, the mean of renderRepeats
}

// renderRepeats is how often a captured page's data is rendered again.
const renderRepeats = 50

// capturer writes captured requests' statements and render times.
type capturer struct {
	mu sync.Mutex
	w  *bufio.Writer
	f  *os.File
}

func newCapturer(path string) (*capturer, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &capturer{f: f, w: bufio.NewWriter(f)}, nil
}

func (c *capturer) write(l captureLine) {
	b, _ := json.Marshal(l)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.w.Write(append(b, '\n'))
	c.w.Flush()
}

func (c *capturer) Close() error { return c.f.Close() }

// BeforeQuery implements bun.QueryHook.
func (c *capturer) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

// AfterQuery writes down a captured request's statement.
func (c *capturer) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	if m, ok := audit.MetaFrom(ctx); ok && strings.HasPrefix(m.RequestID, capturePrefix) {
		l := captureLine{ID: m.RequestID, Query: e.Query}
		if strings.Contains(e.Query, "$1") {
			for _, a := range db.BoundArgs(ctx) {
				l.Args = append(l.Args, newCaptureArg(a))
			}
		}
		c.write(l)
	}
}

// captureArg is one of a bound statement's values, with its Go type.
type captureArg struct {
	Kind  string `json:"kind"` // int, ints, bool, time or text
	Value string `json:"value"`
}

func newCaptureArg(v any) captureArg {
	switch x := v.(type) {
	case int64:
		return captureArg{"int", strconv.FormatInt(x, 10)}
	case int:
		return captureArg{"int", strconv.Itoa(x)}
	case []int64:
		b, _ := json.Marshal(x)
		return captureArg{"ints", string(b)}
	case bool:
		return captureArg{"bool", strconv.FormatBool(x)}
	case time.Time:
		return captureArg{"time", x.Format(time.RFC3339Nano)}
	}
	return captureArg{"text", fmt.Sprint(v)}
}

// value answers the Go value the statement was sent with.
func (a captureArg) value() (any, error) {
	switch a.Kind {
	case "int":
		return strconv.ParseInt(a.Value, 10, 64)
	case "ints":
		var v []int64
		err := json.Unmarshal([]byte(a.Value), &v)
		return v, err
	case "bool":
		return strconv.ParseBool(a.Value)
	case "time":
		return time.Parse(time.RFC3339Nano, a.Value)
	}
	return a.Value, nil
}

// probe renders a captured request's page data again, renderRepeats
// times, and writes down the mean time of one render.
func (c *capturer) probe(requestID, page string, render func(io.Writer) error) {
	if !strings.HasPrefix(requestID, capturePrefix) {
		return
	}
	start := time.Now()
	for range renderRepeats {
		if err := render(io.Discard); err != nil {
			return
		}
	}
	c.write(captureLine{ID: requestID, Page: page, TemplateNS: int64(time.Since(start) / renderRepeats)})
}

// capture is what the capture file says about one request.
type capture struct {
	statements []statement
	template   time.Duration // 0: not a page
}

// statement is one statement as the product sent it: its text, and the
// values of its parameters when it was sent prepared (db.Bind).
type statement struct {
	query string
	args  []any
}

// readCapture reads the capture file.
func readCapture(path string) (map[string]*capture, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]*capture{}
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if line == "" {
			continue
		}
		var l captureLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, i+1, err)
		}
		c := out[l.ID]
		if c == nil {
			c = &capture{}
			out[l.ID] = c
		}
		if l.Query != "" {
			st := statement{query: l.Query}
			for _, a := range l.Args {
				v, err := a.value()
				if err != nil {
					return nil, fmt.Errorf("%s:%d: %w", path, i+1, err)
				}
				st.args = append(st.args, v)
			}
			c.statements = append(c.statements, st)
		}
		if l.TemplateNS > 0 {
			c.template = time.Duration(l.TemplateNS)
		}
	}
	return out, nil
}
