package server_test

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/config"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
)

// BenchmarkPages serves every page reachable from the navigation on the
// embedded default (SQLite and the in-process Redis-compatible server)
// with the demo organisations, as a signed-in administrator, and reports
// the 50th and 95th percentile latency of each. Run it with
//
//	go test -run '^$' -bench Pages -benchtime 200x ./internal/server/
//
// The target is under 100 ms at the 95th percentile for every page.
func BenchmarkPages(b *testing.B) {
	cfg := config.Default()
	cfg.Addr, cfg.BaseURL, cfg.DataDir = "127.0.0.1:0", "http://127.0.0.1:0", b.TempDir()
	cfg.AutoMigrate, cfg.Demo, cfg.DemoPassword, cfg.LogLevel = true, true, "benchmark-passord", "error"
	base := servertest.Open(b, cfg, server.ModeServe).Run(b).URL()

	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	jar := map[string]string{}
	req, _ := http.NewRequest("POST", base+"/signin", strings.NewReader(url.Values{
		"email": {"admin@nittedal.example"}, "password": {cfg.DemoPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil || resp.StatusCode != 303 {
		b.Fatalf("sign-in: %v %v", resp, err)
	}
	for _, ck := range resp.Cookies() {
		jar[ck.Name] = ck.Value
	}
	pages := []string{"/signin", "/orgs", "/account", "/o/nittedal/dashboard",
		"/o/nittedal/admin/members", "/o/nittedal/admin/settings", "/o/nittedal/admin/audit", "/o/nittedal/admin/tokens"}
	for _, p := range pages {
		b.Run(strings.ReplaceAll(strings.Trim(p, "/"), "/", "_"), func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				req, _ := http.NewRequest("GET", base+p, nil)
				for k, v := range jar {
					if p != "/signin" { // the sign-in page as a visitor sees it
						req.AddCookie(&http.Cookie{Name: k, Value: v})
					}
				}
				start := time.Now()
				resp, err := c.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(start))
				if resp.StatusCode != 200 {
					b.Fatalf("%s: %d", p, resp.StatusCode)
				}
			}
			slices.Sort(lat)
			q := func(f float64) float64 { return float64(lat[int(f*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(q(0.50), "p50-ms")
			b.ReportMetric(q(0.95), "p95-ms")
		})
	}
}
