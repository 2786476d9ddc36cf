package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/mail/mailtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
)

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestRevocationIsImmediate: removing a membership or ending a session
// denies that user's very next request.
func TestRevocationIsImmediate(t *testing.T) {
	t.Parallel()
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb).Run(t)
	o := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	admin, _ := dbtest.MustCreateUser(t, r.DB, o, "admin")
	u1, _ := dbtest.MustCreateUser(t, r.DB, o, "editor")
	u2, _ := dbtest.MustCreateUser(t, r.DB, o, "editor")
	r.Authz.Reload()
	base := r.URL()
	ac := sessionClient(t, r.DB, base, admin)
	dashboard := base + "/o/" + o.Slug + "/dashboard"

	c1 := sessionClient(t, r.DB, base, u1)
	if code, _ := get(t, c1, dashboard); code != 200 {
		t.Fatalf("member before removal: %d", code)
	}
	if code, _ := post(t, ac, fmt.Sprintf("%s/o/%s/admin/members/%d/remove", base, o.Slug, u1.ID), nil); code != 303 {
		t.Fatalf("removal: %d", code)
	}
	if code, _ := get(t, c1, dashboard); code != 404 {
		t.Errorf("removed member's next request: %d; want 404", code)
	}

	c2 := sessionClient(t, r.DB, base, u2)
	var sessions []*account.Session
	db.Run(context.Background(), r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		sessions, err = account.FindUserSessions(ctx, idb, u2.ID, time.Now().UTC())
		return err
	})
	if len(sessions) != 1 {
		t.Fatalf("sessions of u2: %d", len(sessions))
	}
	if code, _ := post(t, ac, fmt.Sprintf("%s/o/%s/admin/members/%d/sessions/%s/revoke", base, o.Slug, u2.ID, sessions[0].PublicID()), nil); code != 303 {
		t.Fatalf("revoke session: %d", code)
	}
	resp, err := c2.Get(dashboard)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
		t.Errorf("request with a revoked session: %d → %q; want a redirect to sign in", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestSignInThrottle: ten wrong passwords for one account within the
// window block that account (even with the right password) without
// locking out anyone else, and the audit log records it all.
func TestSignInThrottle(t *testing.T) {
	t.Parallel()
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb).Run(t)
	o := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	victim, _ := dbtest.MustCreateUser(t, r.DB, o, "editor")
	other, _ := dbtest.MustCreateUser(t, r.DB, o, "viewer")
	base := r.URL()
	signin := func(email, pw string) (int, string) {
		return post(t, client(t), base+"/signin", url.Values{"email": {email}, "password": {pw}, "next": {"/dashboard"}})
	}
	for i := 0; i < account.MaxFailuresPerAccount; i++ {
		if code, _ := signin(victim.Email, "feil passord"); code != 401 {
			t.Fatalf("wrong password #%d: %d; want 401", i+1, code)
		}
	}
	code, body := signin(victim.Email, dbtest.Password)
	if code != http.StatusTooManyRequests || !strings.Contains(body, "15") {
		t.Errorf("right password after 10 failures: %d; want 429 with the wait in minutes", code)
	}
	if code, _ := signin(other.Email, dbtest.Password); code != 303 {
		t.Errorf("another user of the same organisation: %d; want to be signed in (303)", code)
	}
	var entries []*audit.Entry
	db.Run(context.Background(), r.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		entries, _, err = audit.Find(ctx, idb, o.ID, audit.Filter{Limit: 100})
		return err
	})
	count := map[string]int{}
	for _, e := range entries {
		if e.Target == victim.Email {
			count[e.Action]++
		}
	}
	if count[audit.SignInFailed] != 10 || count[audit.SignInBlocked] != 1 {
		t.Errorf("audit log for the account: %v; want 10 failures and 1 blocked attempt", count)
	}
}

// TestNoSecretsInClear: passwords, session tokens, invitation and reset
// tokens and API tokens appear neither in any database column nor in the
// logs.
func TestNoSecretsInClear(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	e := servertest.NewEnv(t)
	cfg := e.Config()
	cfg.LogLevel = "debug"
	cfg.SMTPHost, cfg.SMTPPort, cfg.SMTPTLS, cfg.MailFrom = smtp.Host(), smtp.Port(), "none", "Samvirke <samvirke@example.org>"
	r := servertest.Open(t, cfg, server.ModeServe).Run(t) // the worker sends the mail
	o := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	admin, _ := dbtest.MustCreateUser(t, r.DB, o, "admin")
	r.Authz.Reload()
	base := r.URL()
	ac := client(t)
	var secrets []string
	if code, _ := post(t, ac, base+"/signin", url.Values{"email": {admin.Email}, "password": {dbtest.Password}}); code != 303 {
		t.Fatalf("sign-in: %d", code)
	}
	secrets = append(secrets, dbtest.Password)
	bu, _ := url.Parse(base)
	for _, ck := range ac.Jar.Cookies(bu) {
		if ck.Name == "samvirke_session" {
			secrets = append(secrets, ck.Value)
		}
	}
	invitee := "ny.kollega@example.org"
	if code, _ := post(t, ac, base+"/o/"+o.Slug+"/admin/invitations", url.Values{"email": {invitee}, "role": {"editor"}}); code != 303 {
		t.Fatalf("invite: %d", code)
	}
	link := smtp.WaitFor(t, invitee, 10*time.Second).Links()
	newPassword := "et helt nytt passord for Åse"
	if code, _ := post(t, client(t), link[0], url.Values{"name": {"Åse"}, "password": {newPassword}, "password_confirm": {newPassword}}); code != 303 {
		t.Fatalf("accept invitation: %d", code)
	}
	secrets = append(secrets, tokenOf(link[0]), newPassword)
	if code, _ := post(t, client(t), base+"/password/forgot", url.Values{"email": {admin.Email}}); code != 200 {
		t.Fatalf("forgot: %d", code)
	}
	reset := smtp.WaitFor(t, admin.Email, 10*time.Second).Links()
	secrets = append(secrets, tokenOf(reset[0]))
	get(t, client(t), reset[0]) // the reset page is visited; its path must not be logged
	token, _, err := r.Accounts.CreateAPIToken(context.Background(), o, admin.ID, "Import", "write")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("API with token: %v %v", resp, err)
	}
	secrets = append(secrets, token)

	dump := dumpDatabase(t, e.DatabaseURL)
	logs := r.Output()
	for _, s := range secrets {
		if strings.Contains(dump, s) {
			t.Errorf("the database holds a secret in clear: %.12s…", s)
		}
		if strings.Contains(logs, s) {
			t.Errorf("the log holds a secret in clear: %.12s…", s)
		}
	}
	if len(dump) < 1000 {
		t.Fatalf("database dump is suspiciously small (%d bytes); the check proves nothing", len(dump))
	}
}

var tokenRE = regexp.MustCompile(`/(?:invitations|password/reset)/([A-Za-z0-9_-]{20,})`)

func tokenOf(link string) string {
	m := tokenRE.FindStringSubmatch(link)
	if m == nil {
		return link
	}
	return m[1]
}

// dumpDatabase answers every text and binary value of every table, read
// as the owner (past row-level security).
func dumpDatabase(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	if db.DialectOf(dsn) == db.Postgres {
		dsn = dbtest.OwnerDSN(dsn)
	}
	sqldb, err := db.OpenSQL(ctx, strings.TrimPrefix(dsn, "sqlite://"))
	if err != nil {
		t.Fatal(err)
	}
	defer sqldb.Close()
	q := "SELECT name FROM sqlite_master WHERE type = 'table'"
	if db.DialectOf(dsn) == db.Postgres {
		q = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
	}
	tables := queryStrings(t, sqldb, q)
	var b strings.Builder
	for _, tb := range tables {
		rows, err := sqldb.Query(fmt.Sprintf(`SELECT * FROM %q`, tb))
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			for _, v := range vals {
				fmt.Fprintf(&b, "%s\n", v)
			}
		}
		rows.Close()
	}
	return b.String()
}

func queryStrings(t *testing.T, sqldb *sql.DB, q string) []string {
	t.Helper()
	rows, err := sqldb.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

// TestBrowserProtections: a state-changing request from another site is
// refused, and every page carries the security headers.
func TestBrowserProtections(t *testing.T) {
	t.Parallel()
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb).Run(t)
	base := r.URL()
	req, _ := http.NewRequest("POST", base+"/signin", strings.NewReader("email=a%40b.no&password=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d; want 403", resp.StatusCode)
	}
	resp, err = http.Get(base + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q; want %q", h, got, want)
		}
	}
}

// TestLanguageOrder: the user's preference, else the organisation's
// language, else the browser's.
func TestLanguageOrder(t *testing.T) {
	t.Parallel()
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb).Run(t)
	o := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality, func(o *org.Organisation) {
		o.Country, o.MunicipalityNumber, o.Locale, o.TimeZone = "SE", "0360", "sv", "Europe/Stockholm"
	})
	u, _ := dbtest.MustCreateUser(t, r.DB, o, "editor")
	db.Run(context.Background(), r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewUpdate().Model((*account.User)(nil)).Set("locale = ''").Where("id = ?", u.ID).Exec(ctx)
		return err
	})
	c := sessionClient(t, r.DB, r.URL(), u)
	page := func(accept string) string {
		req, _ := http.NewRequest("GET", r.URL()+"/o/"+o.Slug+"/dashboard", nil)
		req.Header.Set("Accept-Language", accept)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if body := page("da"); !strings.Contains(body, `<html lang="sv">`) {
		t.Error("without a preference the organisation's Swedish should win over the browser's Danish")
	}
	if code, _ := post(t, c, r.URL()+"/language", url.Values{"locale": {"en"}, "next": {"/"}}); code != 303 {
		t.Fatalf("choose language: %d", code)
	}
	if body := page("da"); !strings.Contains(body, `<html lang="en">`) {
		t.Error("the user's chosen English should win")
	}
	if body := page("da"); !strings.Contains(body, "Dashboard") {
		t.Error("English page lacks its English navigation")
	}
}
