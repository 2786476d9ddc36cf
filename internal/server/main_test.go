package server_test

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
	"github.com/samvirke/samvirke/tenants"
)

func client(t testing.TB) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signIn posts the sign-in form as a browser on the same site does.
func signIn(t testing.TB, c *http.Client, base, email, password string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/signin", strings.NewReader(url.Values{
		"email": {email}, "password": {password}, "next": {"/dashboard"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func get(t testing.TB, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestDemoStartAndRestart: the embedded default loads the demo
// organisations on first start, the demo login works, the demo content is
// worth looking at (checkDemoContent), and a restart keeps everything
// without duplicating organisations or anything of the demo's workbooks.
func TestDemoStartAndRestart(t *testing.T) {
	t.Parallel()
	e := servertest.NewEnv(t)
	cfg := e.Config()
	cfg.Demo = true
	cfg.DemoPassword = "demo-passord-æøå"
	first := servertest.Open(t, cfg, server.ModeServe).Run(t)
	banner := first.Output()
	for _, want := range []string{first.URL(), "nittedal", "sor-trondelag", "coordinator", "SAMVIRKE_DEMO_PASSWORD"} {
		if !strings.Contains(banner, want) {
			t.Errorf("start-up banner lacks %q:\n%s", want, banner)
		}
	}
	c := client(t)
	resp := signIn(t, c, first.URL(), "editor@nittedal.example", cfg.DemoPassword)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/o/nittedal/dashboard" {
		t.Fatalf("demo sign-in: %d → %q; want 303 → /o/nittedal/dashboard", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code, body := get(t, c, first.URL()+"/o/nittedal/dashboard"); code != 200 || !strings.Contains(body, "Nittedal kommune") {
		t.Fatalf("dashboard after sign-in: %d, body lacks the organisation:\n%s", code, body)
	}
	// The demo network's workbook: the coordinator sees Meldal's imported
	// chapter in the gathering view; Rissa, which left in 2018, is absent.
	var tmplID, stmtID int64
	db.Run(context.Background(), first.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw("SELECT t.id, s.id FROM workbook_templates t JOIN workbook_chapters c ON c.template_id = t.id AND c.org_id = t.org_id "+
			"JOIN workbook_statements s ON s.chapter_id = c.id AND s.org_id = c.org_id WHERE s.title LIKE ? ORDER BY s.position LIMIT 1",
			"%Innvandrerreisen%").Scan(ctx, &tmplID, &stmtID)
	})
	cc := client(t)
	signIn(t, cc, first.URL(), "coordinator@sor-trondelag.example", cfg.DemoPassword)
	code, view := get(t, cc, fmt.Sprintf("%s/o/sor-trondelag/templates/%d/statements/%d/gathering", first.URL(), tmplID, stmtID))
	if code != 200 || !strings.Contains(view, "Intervju er gjennomført vår 2016") || !strings.Contains(view, "Meldal kommune") || strings.Contains(view, "Rissa kommune") {
		t.Errorf("demo gathering view: %d; want Meldal's imported answer and no Rissa", code)
	}
	checkDemoContent(t, first, cfg.DemoPassword)
	rows1 := dbtest.RowCounts(t, first.DB, demoTables...)
	n1, err := org.CountOrganisations(context.Background(), first.DB)
	if err != nil {
		t.Fatal(err)
	}
	first.Stop(t)

	cfg.DemoPassword = "" // a restart without the variable keeps the password
	second := servertest.Open(t, cfg, server.ModeServe).Run(t)
	n2, err := org.CountOrganisations(context.Background(), second.DB)
	if err != nil {
		t.Fatal(err)
	}
	defs, err := org.LoadDefinitionsFS(tenants.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	if n1 != len(defs) || n2 != n1 {
		t.Errorf("organisations: %d after first start, %d after restart; want the %d demo ones both times", n1, n2, len(defs))
	}
	if rows2 := dbtest.RowCounts(t, second.DB, demoTables...); !maps.Equal(rows1, rows2) {
		t.Errorf("rows after the first start %v, after a restart %v; want nothing added twice", rows1, rows2)
	}
	resp = signIn(t, client(t), second.URL(), "coordinator@sor-trondelag.example", "demo-passord-æøå")
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("demo sign-in after restart: %d; want 303", resp.StatusCode)
	}
}

// TestStaleSchemaRefused: without automatic migration a server refuses an
// unmigrated database and names the command to run.
func TestStaleSchemaRefused(t *testing.T) {
	t.Parallel()
	e := servertest.NewEnv(t)
	if db.DialectOf(e.DatabaseURL) == db.Postgres {
		e.DatabaseURL = dbtest.EmptyPostgres(t)
	} else {
		e.DatabaseURL = "sqlite://" + t.TempDir() + "/empty.db"
	}
	cfg := e.Config()
	cfg.AutoMigrate = false
	m := server.New(cfg, server.ModeWeb, io.Discard)
	defer m.Close()
	err := m.Open(context.Background())
	if err == nil || !strings.Contains(err.Error(), "samvirke migrate") {
		t.Fatalf("open on an unmigrated database: %v; want a refusal naming `samvirke migrate`", err)
	}
}

func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	if !eventually(d, cond) {
		t.Fatalf("condition not met within %s", d)
	}
}
