package main

import (
	"cmp"
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

// pageKind is one kind of request of the load run's mix. A page is found
// by following links (re); the benchmark API, the status update and
// sign-in are made from what was found. weight is how many of each kind
// a hundred requests of the mix hold: mostly reading, a status update in
// a dozen, a sign-in in a hundred (each one a deliberately slow hash).
type pageKind struct {
	name   string
	re     *regexp.Regexp
	weight int
}

// The requests the load run sends, and how their addresses look.
var pageKinds = []pageKind{
	{"dashboard", regexp.MustCompile(`^/o/[^/]+/dashboard$`), 14},
	{"workbook", regexp.MustCompile(`^/o/[^/]+/workbooks/\d+$`), 6},
	{"answer", regexp.MustCompile(`^/o/[^/]+/workbooks/\d+/statements/\d+$`), 8},
	{"gathering view", regexp.MustCompile(`^/o/[^/]+/templates/\d+/statements/\d+/gathering$`), 6},
	{"progress grid", regexp.MustCompile(`^/o/[^/]+/gatherings/\d+$`), 6},
	{"plan tree", regexp.MustCompile(`^/o/[^/]+/plans/\d+$`), 10},
	{"meeting", regexp.MustCompile(`^/o/[^/]+/councils/\d+/meetings/\d+$`), 10},
	{"benchmark", regexp.MustCompile(`^/o/[^/]+/indicators/[^/]+/benchmark$`), 10},
	{"benchmark API", nil, 10},
	{"survey round", regexp.MustCompile(`^/o/[^/]+/surveys/rounds/\d+$`), 4},
	{"survey results", regexp.MustCompile(`^/o/[^/]+/surveys/questionnaires/\d+/results$`), 4},
	{"status update", nil, 8},
	{"sign-in", nil, 1},
}

// measureRE is a measure's page, from "My work": its status form is the
// status update's target.
var measureRE = regexp.MustCompile(`^/o/[^/]+/measures/[A-Za-z0-9_-]+$`)

var hrefRE = regexp.MustCompile(`href="(/o/[^"?#]+)"`)

// visit is one request a user sends.
type visit struct {
	user   *user
	method string // "" is GET
	path   string
	body   string // a form, for POST

	requestID string // its X-Request-ID, when set
}

// plan is what each kind of request is sent for, by whom.
type plan struct {
	base     string
	password string
	visits   map[string][]visit // kind → visits
	kindOf   map[string]string  // method and URL → kind
	kinds    []string           // the kinds someone reaches
	schedule []string           // one round of the mix: kinds by weight
	// before, when set, runs before each request is sent (the limits'
	// uncached benchmark bumps the data versions with it).
	before func()
}

// discover follows each user's links from the page sign-in led to (and
// from the lists of surveys, plans, councils, gatherings and indicators),
// in their organisation only, until it has found one page of every kind
// or read 200 pages, then makes the requests that are not pages. A kind
// nobody reaches is left out (and reported).
func discover(ctx context.Context, base string, users []*user, data, password string) (*plan, error) {
	p := &plan{base: base, password: password, visits: map[string][]visit{}, kindOf: map[string]string{}}
	pages := 0
	for _, k := range pageKinds {
		if k.re != nil {
			pages++
		}
	}
	for _, u := range users {
		home := u.home
		if !strings.HasPrefix(home, "/o/") {
			return nil, fmt.Errorf("%s: sign-in led to %q, not to an organisation", u.email, home)
		}
		prefix := strings.Join(strings.SplitN(home, "/", 4)[:3], "/") + "/" // /o/slug/
		queue := []string{home}
		lists := []string{"surveys", "plans", "councils", "gatherings"}
		if data != "scale" { // the scale data set's benchmark is made below
			lists = append(lists, "indicators")
		}
		for _, list := range lists {
			queue = append(queue, prefix+list)
		}
		seen, found, measure := map[string]bool{}, map[string]bool{}, ""
		for _, q := range queue {
			seen[q] = true
		}
		for reads := 0; len(queue) > 0 && reads < 200 && len(found) < pages; reads++ {
			path := queue[0]
			queue = queue[1:]
			body, err := get(ctx, base+path, u.cookie)
			if err != nil {
				if strings.Contains(err.Error(), "status 404") || strings.Contains(err.Error(), "status 403") {
					continue // a list this organisation does not have
				}
				return nil, fmt.Errorf("%s reading %s: %w", u.email, path, err)
			}
			for _, k := range pageKinds {
				if k.re != nil && !found[k.name] && k.re.MatchString(path) {
					found[k.name] = true
					p.visits[k.name] = append(p.visits[k.name], visit{user: u, path: path})
				}
			}
			for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
				link := m[1]
				if measure == "" && path == home && measureRE.MatchString(link) && strings.HasPrefix(link, prefix) {
					measure = link
				}
				if seen[link] || !strings.HasPrefix(link, prefix) || skipLink(link) || (data == "scale" && strings.Contains(link, "/indicators")) {
					continue
				}
				seen[link] = true
				queue = append(queue, link)
			}
		}
		// A measure on the user's "My work" whose status they may update.
		if measure != "" {
			v := visit{user: u, method: "POST", path: measure + "/status",
				body: url.Values{"status": {"ongoing"}, "progress": {"40"}, "note": {"Fulgt opp på møtet – «språkpraksis» i gang"}}.Encode()}
			if code, err := send(ctx, base, v); err == nil && code == http.StatusSeeOther {
				p.visits["status update"] = append(p.visits["status update"], v)
			}
		}
		p.visits["sign-in"] = append(p.visits["sign-in"], visit{method: "POST", path: "/signin",
			body: url.Values{"email": {u.email}, "password": {password}}.Encode()})
	}
	// The scale data set's benchmark is each municipality's whole
	// country's settled refugees (scale.settled, 290 to 357 municipalities),
	// and its API the same figures as JSON.
	if data == "scale" {
		p.visits["benchmark"] = nil
		for _, u := range users {
			slug := strings.Split(u.home, "/")[2]
			if c := scaleCountry.FindStringSubmatch(slug); c != nil {
				p.visits["benchmark"] = append(p.visits["benchmark"], visit{user: u,
					path: "/o/" + slug + "/indicators/scale.settled/benchmark?group=country-" + c[1]})
			}
		}
	}
	for _, v := range p.visits["benchmark"] {
		slug := strings.Split(v.path, "/")[2]
		api := visit{user: v.user, path: "/api/v1/orgs/" + slug + strings.TrimPrefix(v.path, "/o/"+slug)}
		p.visits["benchmark API"] = append(p.visits["benchmark API"], api)
	}
	p.build()
	if len(p.kinds) == 0 {
		return nil, fmt.Errorf("the signed-in users reach none of the pages")
	}
	return p, nil
}

// build lists the kinds someone reaches, maps each request to its kind,
// and makes one round of the mix: each kind as often as its weight,
// interleaved.
func (p *plan) build() {
	p.kinds, p.schedule, p.kindOf = nil, nil, map[string]string{}
	for _, k := range pageKinds {
		if len(p.visits[k.name]) > 0 {
			p.kinds = append(p.kinds, k.name)
		}
		for _, v := range p.visits[k.name] {
			t := v.target(p.base)
			p.kindOf[t.Method+" "+t.URL] = k.name
		}
	}
	for r := range slices.MaxFunc(pageKinds, func(a, b pageKind) int { return a.weight - b.weight }).weight {
		for _, k := range pageKinds {
			if len(p.visits[k.name]) > 0 && k.weight > r {
				p.schedule = append(p.schedule, k.name)
			}
		}
	}
}

var scaleCountry = regexp.MustCompile(`^scale-(no|se|dk)-\d+$`)

// send sends v once and answers its status.
func send(ctx context.Context, base string, v visit) (int, error) {
	t := v.target(base)
	req, err := http.NewRequestWithContext(ctx, t.Method, t.URL, strings.NewReader(string(t.Body)))
	if err != nil {
		return 0, err
	}
	req.Header = t.Header
	resp, err := noRedirect.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// target is v as vegeta sends it.
func (v visit) target(base string) vegeta.Target {
	h := http.Header{}
	if v.user != nil {
		h.Set("Cookie", v.user.cookie)
	}
	if v.requestID != "" {
		h.Set("X-Request-ID", v.requestID)
	}
	t := vegeta.Target{Method: "GET", URL: base + v.path, Header: h}
	if v.method == "POST" {
		t.Method, t.Body = "POST", []byte(v.body)
		h.Set("Content-Type", "application/x-www-form-urlencoded")
		h.Set("Sec-Fetch-Site", "same-origin")
	}
	return t
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
		fmt.Fprintf(&b, "%-15s %2d users, weight %d, e.g. %s %s\n", k.name, len(v), k.weight, cmp.Or(v[0].method, "GET"), v[0].path)
	}
	return strings.TrimRight(b.String(), "\n")
}

// targeter hands out the requests of the schedule in turn, and within a
// kind each user's request in turn, so that every kind is asked for as
// often as its weight says.
func (p *plan) targeter() vegeta.Targeter {
	var mu sync.Mutex
	next, turn := map[string]int{}, 0
	return func(t *vegeta.Target) error {
		mu.Lock()
		k := p.schedule[turn%len(p.schedule)]
		turn++
		v := p.visits[k][next[k]%len(p.visits[k])]
		next[k]++
		if p.before != nil {
			p.before()
		}
		mu.Unlock()
		*t = v.target(p.base)
		return nil
	}
}

// only is p with kind k alone, its first request only: the one the limits
// capture, so that the product and its limits are measured on the same
// request.
func (p *plan) only(k string) *plan {
	return &plan{base: p.base, visits: map[string][]visit{k: p.visits[k][:1]}, kindOf: p.kindOf, kinds: []string{k}, schedule: []string{k}}
}

// limitTo is p with only the given kinds, all their visits; a kind
// nobody reaches, or that does not exist, is an error naming it.
func (p *plan) limitTo(kinds []string) (*plan, error) {
	q := *p
	q.visits = map[string][]visit{}
	for _, k := range kinds {
		k = strings.TrimSpace(k)
		if len(p.visits[k]) == 0 {
			return nil, fmt.Errorf("--kinds: nobody reaches a kind %q (the kinds reached: %s)", k, strings.Join(p.kinds, ", "))
		}
		q.visits[k] = p.visits[k]
	}
	q.build()
	return &q, nil
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
		k := p.kindOf[res.Method+" "+res.URL]
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
				if c < "200" || c >= "400" {
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
