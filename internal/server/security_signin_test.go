package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
	"github.com/samvirke/samvirke/internal/workbook"
)

// BenchmarkSigninStorm measures what a burst of simultaneous sign-ins
// (real argon2id, right passwords, each from its own address) does to
// another organisation: an editor of another municipality writes
// workbook comments one after another throughout, and the benchmark
// reports the comment writes' latency while nothing else runs (idle-…)
// and during the bursts (p50-ms, p95-ms, max-ms), how long a burst took
// and how its sign-ins ended. Each iteration is one burst of 60. Run it on
// each backend with
//
//	go test -run '^$' -bench SigninStorm -benchtime 5x ./internal/server/
func BenchmarkSigninStorm(b *testing.B) {
	const burst = 60
	// One editor writes every comment, far past what one person may write
	// in a minute: lift the comment limits for the benchmark (it runs
	// alone), so that every write is measured. They are still counted.
	perMinute, perDay := workbook.CommentsPerMinute, workbook.CommentsPerDay
	workbook.CommentsPerMinute.Max, workbook.CommentsPerDay.Max = 1<<30, 1<<30
	b.Cleanup(func() { workbook.CommentsPerMinute, workbook.CommentsPerDay = perMinute, perDay })
	cfg := servertest.NewEnv(b).Config()
	cfg.TrustedProxies, cfg.LogLevel = []string{"127.0.0.1"}, "error"
	r := servertest.Open(b, cfg, server.ModeWeb)
	ctx := context.Background()
	network := dbtest.MustCreateOrg(b, r.DB, org.KindNetwork)
	writer := dbtest.MustCreateOrg(b, r.DB, org.KindMunicipality)
	dbtest.MustJoinNetwork(b, r.DB, network, writer, time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{})
	editor, _ := dbtest.MustCreateUser(b, r.DB, writer, "editor")
	stormed := dbtest.MustCreateOrg(b, r.DB, org.KindMunicipality)
	var users []*account.User
	for i := 0; i < burst; i++ {
		u, _ := dbtest.MustCreateUser(b, r.DB, stormed, "member")
		users = append(users, u)
	}
	tmpl, err := r.Workbooks.CreateTemplate(ctx, network, workbook.TemplateSpec{Name: "Arbeidsboka",
		Chapters: []workbook.ChapterSpec{{Title: "Kapittel 2", Statements: []workbook.StatementSpec{{Title: "«Innvandrerreisen»"}}}}})
	if err != nil {
		b.Fatal(err)
	}
	books, err := r.Workbooks.PublishTemplate(ctx, network, tmpl.ID, "2026")
	if err != nil || len(books) != 1 {
		b.Fatalf("publish: %v %v", books, err)
	}
	stmt := tmpl.Chapters[0].Statements[0].ID
	if _, err := r.Workbooks.SaveEntry(ctx, writer, &app.Actor{Name: "Gro"}, workbook.Save{WorkbookID: books[0].ID, StatementID: stmt,
		Content: workbook.Content{Answers: map[string]string{"analysis": "Intervju er gjennomført"}}}); err != nil {
		b.Fatal(err)
	}
	r.Authz.Reload()
	r.Run(b)
	base := r.URL()
	var token string
	err = db.Run(ctx, r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		token, _, err = account.CreateSession(ctx, idb, editor.ID, &writer.ID, "127.0.0.1", "benchmark", time.Now().UTC())
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	commentURL := fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d/comments", base, writer.Slug, books[0].ID, stmt)
	comment := func(hc *http.Client, n int) time.Duration {
		req, _ := http.NewRequest("POST", commentURL, strings.NewReader(url.Values{"body": {fmt.Sprintf("Kommentar %d under påloggingene", n)}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(&http.Cookie{Name: "samvirke_session", Value: token})
		start := time.Now()
		resp, err := hc.Do(req)
		took := time.Since(start)
		if err != nil || resp.StatusCode != 303 {
			b.Errorf("comment: %v %v", resp, err)
		}
		if resp != nil {
			resp.Body.Close()
		}
		return took
	}
	signin := func(u *account.User, addr string) int {
		hc := &http.Client{CheckRedirect: noRedirect, Timeout: time.Minute}
		req, _ := http.NewRequest("POST", base+"/signin", strings.NewReader(url.Values{"email": {u.Email}, "password": {dbtest.Password}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("X-Forwarded-For", addr)
		resp, err := hc.Do(req)
		if err != nil {
			b.Error(err)
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	pct := func(d []time.Duration, p float64) float64 {
		s := slices.Clone(d)
		slices.Sort(s)
		return float64(s[int(p*float64(len(s)-1))].Microseconds()) / 1000
	}
	hc := &http.Client{CheckRedirect: noRedirect, Timeout: time.Minute}
	var idle []time.Duration
	for i := 0; i < 50; i++ {
		idle = append(idle, comment(hc, i))
	}
	var during, bursts []time.Duration
	statuses := map[int]int{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		stop := make(chan struct{})
		var lat []time.Duration
		writing := make(chan struct{})
		go func() {
			defer close(writing)
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
					lat = append(lat, comment(hc, n))
				}
			}
		}()
		var mu sync.Mutex
		var wg sync.WaitGroup
		start := time.Now()
		for j, u := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				code := signin(u, fmt.Sprintf("10.%d.%d.%d", i%250, j/250, j%250+1))
				mu.Lock()
				statuses[code]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		bursts = append(bursts, time.Since(start))
		close(stop)
		<-writing
		during = append(during, lat...)
	}
	b.StopTimer()
	b.ReportMetric(pct(idle, 0.5), "idle-p50-ms")
	b.ReportMetric(pct(idle, 0.95), "idle-p95-ms")
	b.ReportMetric(pct(during, 0.5), "p50-ms")
	b.ReportMetric(pct(during, 0.95), "p95-ms")
	b.ReportMetric(pct(during, 1), "max-ms")
	b.ReportMetric(float64(len(during)), "comments")
	b.ReportMetric(pct(bursts, 0.5), "burst-ms")
	b.ReportMetric(float64(statuses[303]), "signed-in")
	b.ReportMetric(float64(statuses[429]), "refused-429")
	b.ReportMetric(0, "ns/op")
}
