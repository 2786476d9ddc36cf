package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// user is one signed-in browser.
type user struct {
	email  string
	cookie string // the Cookie header
	home   string // where sign-in led, e.g. /o/trondheim/dashboard
}

// noRedirect answers redirects instead of following them.
var noRedirect = &http.Client{
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// signIn signs each address in with password, one after the other (each
// check is a deliberately slow hash), retrying while the server is busy
// hashing.
func signIn(ctx context.Context, base string, emails []string, password string) ([]*user, error) {
	var out []*user
	for _, email := range emails {
		for try := 0; ; try++ {
			req, _ := http.NewRequestWithContext(ctx, "POST", base+"/signin",
				strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			resp, err := noRedirect.Do(req)
			if err != nil {
				return nil, err
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusTooManyRequests && try < 20 {
				time.Sleep(500 * time.Millisecond)
				continue
			}
			if resp.StatusCode != http.StatusSeeOther {
				return nil, fmt.Errorf("signing in %s: %d (is the password right? --password)", email, resp.StatusCode)
			}
			var cookies []string
			for _, c := range resp.Cookies() {
				cookies = append(cookies, c.Name+"="+c.Value)
			}
			out = append(out, &user{email: email, cookie: strings.Join(cookies, "; "), home: resp.Header.Get("Location")})
			break
		}
	}
	return out, nil
}

// The pages the load run browses, and how their addresses look.
var pageKinds = []struct {
	name string
	re   *regexp.Regexp
}{
	{"dashboard", regexp.MustCompile(`^/o/[^/]+/dashboard$`)},
	{"workbook", regexp.MustCompile(`^/o/[^/]+/workbooks/\d+$`)},
	{"answer", regexp.MustCompile(`^/o/[^/]+/workbooks/\d+/statements/\d+$`)},
	{"gathering view", regexp.MustCompile(`^/o/[^/]+/templates/\d+/statements/\d+/gathering$`)},
	{"survey round", regexp.MustCompile(`^/o/[^/]+/surveys/rounds/\d+$`)},
	{"survey results", regexp.MustCompile(`^/o/[^/]+/surveys/questionnaires/\d+/results$`)},
}

var hrefRE = regexp.MustCompile(`href="(/o/[^"?#]+)"`)

// visit is one page a user asks for.
type visit struct {
	user *user
	path string
}

// plan is what each kind of page is asked for, by whom.
type plan struct {
	base   string
	visits map[string][]visit // page kind → visits
	kindOf map[string]string  // URL → page kind
	kinds  []string           // the kinds someone reaches
}

// discover follows each user's links from the page sign-in led to, in
// their organisation only, until it has found one page of every kind or
// read 40 pages. A kind nobody reaches is left out (and reported).
func discover(ctx context.Context, base string, users []*user) (*plan, error) {
	p := &plan{base: base, visits: map[string][]visit{}, kindOf: map[string]string{}}
	for _, u := range users {
		home := u.home
		if !strings.HasPrefix(home, "/o/") {
			return nil, fmt.Errorf("%s: sign-in led to %q, not to an organisation", u.email, home)
		}
		prefix := strings.Join(strings.SplitN(home, "/", 4)[:3], "/") + "/" // /o/slug/
		// The surveys hang deeper than the rest (under Indicators): start
		// from their list as well.
		surveys := prefix + "surveys"
		seen, queue, found := map[string]bool{home: true, surveys: true}, []string{home, surveys}, map[string]bool{}
		for reads := 0; len(queue) > 0 && reads < 40 && len(found) < len(pageKinds); reads++ {
			path := queue[0]
			queue = queue[1:]
			body, err := get(ctx, base+path, u.cookie)
			if err != nil {
				return nil, fmt.Errorf("%s reading %s: %w", u.email, path, err)
			}
			for _, k := range pageKinds {
				if !found[k.name] && k.re.MatchString(path) {
					found[k.name] = true
					p.visits[k.name] = append(p.visits[k.name], visit{u, path})
					p.kindOf[base+path] = k.name
				}
			}
			for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
				link := m[1]
				if seen[link] || !strings.HasPrefix(link, prefix) || skipLink(link) {
					continue
				}
				seen[link] = true
				queue = append(queue, link)
			}
		}
	}
	for _, k := range pageKinds {
		if len(p.visits[k.name]) > 0 {
			p.kinds = append(p.kinds, k.name)
		}
	}
	if len(p.kinds) == 0 {
		return nil, fmt.Errorf("the signed-in users reach none of the pages")
	}
	return p, nil
}

// skipLink leaves out what is not a page to browse: downloads, history,
// administration, and forms' targets.
func skipLink(link string) bool {
	for _, s := range []string{"/export", "/history", "/admin", "/signout", "/edit", "/new", "/import", "/static/", "/comments", "/logo"} {
		if strings.Contains(link, s) {
			return true
		}
	}
	return false
}

func get(ctx context.Context, u, cookie string) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
	req.Header.Set("Cookie", cookie)
	resp, err := noRedirect.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return "", fmt.Errorf("status %d", resp.StatusCode)
	}
	return string(b), err
}

func (p *plan) describe() string {
	var b strings.Builder
	for _, k := range pageKinds {
		v := p.visits[k.name]
		if len(v) == 0 {
			fmt.Fprintf(&b, "%-15s no user reaches one: left out\n", k.name)
			continue
		}
		fmt.Fprintf(&b, "%-15s %2d users, e.g. %s\n", k.name, len(v), v[0].path)
	}
	return strings.TrimRight(b.String(), "\n")
}

// targeter hands out the pages in turn, one kind after the other, and
// within a kind each user's page in turn, so that every kind is asked for
// equally often.
func (p *plan) targeter() vegeta.Targeter {
	var mu sync.Mutex
	next, turn := map[string]int{}, 0
	return func(t *vegeta.Target) error {
		mu.Lock()
		k := p.kinds[turn%len(p.kinds)]
		turn++
		v := p.visits[k][next[k]%len(p.visits[k])]
		next[k]++
		mu.Unlock()
		*t = vegeta.Target{Method: "GET", URL: p.base + v.path, Header: http.Header{"Cookie": {v.user.cookie}}}
		return nil
	}
}

// results are the measured requests by page kind.
type results struct {
	byKind map[string]*vegeta.Metrics
	all    vegeta.Metrics
}

// attack has workers browse without pause for d and answers the results.
func attack(p *plan, workers int, d time.Duration) *results {
	a := vegeta.NewAttacker(vegeta.Workers(uint64(workers)), vegeta.MaxWorkers(uint64(workers)),
		vegeta.Connections(workers), vegeta.Redirects(vegeta.NoFollow), vegeta.Timeout(30*time.Second), vegeta.KeepAlive(true))
	r := &results{byKind: map[string]*vegeta.Metrics{}}
	for res := range a.Attack(p.targeter(), vegeta.Rate{Freq: 0}, d, "load") {
		k := p.kindOf[res.URL]
		m := r.byKind[k]
		if m == nil {
			m = &vegeta.Metrics{}
			r.byKind[k] = m
		}
		m.Add(res)
		r.all.Add(res)
	}
	for _, m := range r.byKind {
		m.Close()
	}
	r.all.Close()
	return r
}

// report writes one line per page kind and one for all.
func (r *results) report(w io.Writer, target time.Duration) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }
	fmt.Fprintf(w, "%-15s %8s %9s %8s %8s %8s %8s %7s  %s\n", "page", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "p95 target")
	line := func(name string, m *vegeta.Metrics, mark bool) {
		errs := m.Requests - uint64(float64(m.Requests)*m.Success+0.5)
		verdict := ""
		if mark {
			verdict = "ok"
			if m.Latencies.P95 > target {
				verdict = "MISSED (" + ms(target) + " ms)"
			}
		}
		fmt.Fprintf(w, "%-15s %8d %9.1f %8s %8s %8s %8s %7d  %s\n", name, m.Requests, m.Throughput,
			ms(m.Latencies.P50), ms(m.Latencies.P95), ms(m.Latencies.P99), ms(m.Latencies.Max), errs, verdict)
	}
	for _, k := range pageKinds {
		if m := r.byKind[k.name]; m != nil {
			line(k.name, m, true)
		}
	}
	line("all", &r.all, false)
	var problems []string
	for _, k := range pageKinds {
		if m := r.byKind[k.name]; m != nil {
			codes := make([]string, 0, len(m.StatusCodes))
			for c, n := range m.StatusCodes {
				if c != "200" {
					codes = append(codes, fmt.Sprintf("%s×%d", c, n))
				}
			}
			slices.Sort(codes)
			if len(codes) > 0 || len(m.Errors) > 0 {
				problems = append(problems, fmt.Sprintf("%s: status %s; %s", k.name, strings.Join(codes, ", "), strings.Join(m.Errors, "; ")))
			}
		}
	}
	if len(problems) > 0 {
		fmt.Fprintf(w, "\nerrors:\n  %s\n", strings.Join(problems, "\n  "))
	}
}
