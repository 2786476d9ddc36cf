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
