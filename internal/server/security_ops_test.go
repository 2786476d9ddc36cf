package server_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// hostileNext are redirect targets an attacker puts in a sign-in link.
// Browsers drop tabs and line breaks from a Location and read a backslash
// as a slash, so most of these lead off-site if echoed.
var hostileNext = []string{
	"/\t/evil.example",    // next=/%09/evil.example in the link
	"/\n/evil.example",    // %0A
	"/\r/evil.example",    // %0D
	"/\r\n/evil.example",  // %0D%0A
	"/\\evil.example",     // %5C
	"/\\\\evil.example",   // two backslashes
	"\\\\evil.example",    // no slash at all
	"//evil.example",      // protocol-relative
	"///evil.example",     // three slashes
	"/%09/evil.example",   // double-encoded tab
	"/%2F%2Fevil.example", // encoded slashes
	"/%5C%5Cevil.example", // encoded backslashes
	"https://evil.example",
	"http:evil.example",
	"javascript:alert(1)",
	" //evil.example",       // leading space
	"\t//evil.example",      // leading tab
	"/\u00a0/evil.example",  // no-break space
	"/\u3000/evil.example",  // ideographic space
	"/\u2028/evil.example",  // line separator
	"/\u200b/evil.example",  // zero-width space
	"/\x00/evil.example",    // NUL
	"/\x7f/evil.example",    // DEL
	"/\uff0f/evil.example",  // fullwidth solidus
	"/\\/evil.example",      // slash-backslash
	"/.\\./evil.example",    // backslash inside a segment
	"",                      // nothing: the default page
	"dashboard",             // relative: not a path of this site
	"/dashboard\x1b[31mred", // escape sequence
}

// TestSecurity12OpenRedirect: whatever next page a sign-in, second-factor
// or language form carries, the browser is sent to a page of this site:
// every hostile target lands on the default page, and a page of this
// site is kept.
func TestSecurity12OpenRedirect(t *testing.T) {
	t.Parallel()
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb).Run(t)
	o := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	if err := r.Authz.Reload(); err != nil {
		t.Fatal(err)
	}
	base := r.URL()
	home := "/o/" + o.Slug + "/dashboard" // where a member of one organisation lands
	kept := "/o/" + o.Slug + "/search?q=%C3%A5se%20%C3%B8ren"

	// follow runs the whole sign-in of a fresh user (with a second factor
	// when twoFactor) with next and answers where the browser is sent.
	follow := func(t *testing.T, next string, twoFactor bool) string {
		t.Helper()
		u, _ := dbtest.MustCreateUser(t, r.DB, o, account.RoleEditor)
		var secret string
		if twoFactor {
			secret = enableSecondFactor(t, r, u)
		}
		c := client(t)
		code, _, loc := postForm(t, c, base+"/signin", url.Values{"email": {u.Email}, "password": {dbtest.Password}, "next": {next}})
		if twoFactor {
			if code != http.StatusSeeOther || loc != "/signin/second-factor" {
				t.Fatalf("sign-in with a second factor: %d → %q", code, loc)
			}
			otp, err := totp.GenerateCode(secret, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			code, _, loc = postForm(t, c, base+"/signin/second-factor", url.Values{"code": {otp}})
		}
		if code != http.StatusSeeOther {
			t.Fatalf("sign-in (second factor %v): %d, want 303", twoFactor, code)
		}
		return loc
	}
	language := func(t *testing.T, next string) string {
		t.Helper()
		code, _, loc := postForm(t, client(t), base+"/language", url.Values{"locale": {"en"}, "next": {next}})
		if code != http.StatusSeeOther {
			t.Fatalf("language form: %d, want 303", code)
		}
		return loc
	}

	for _, next := range hostileNext {
		t.Run(fmt.Sprintf("%q", next), func(t *testing.T) {
			t.Parallel()
			// The link's next page is carried in the sign-in form.
			_, body := get(t, client(t), base+"/signin?next="+url.QueryEscape(next))
			if !strings.Contains(body, `name="next" value="/dashboard"`) {
				t.Errorf("sign-in form keeps hostile next %q; want /dashboard", next)
			}
			if loc := follow(t, next, false); loc != home {
				t.Errorf("sign-in with next %q sends the browser to %q (off-site: %v); want %s", next, loc, offSite(base, loc), home)
			}
			if loc := follow(t, next, true); loc != home {
				t.Errorf("second factor with next %q sends the browser to %q (off-site: %v); want %s", next, loc, offSite(base, loc), home)
			}
			if loc := language(t, next); loc != "/dashboard" {
				t.Errorf("language form with next %q sends the browser to %q (off-site: %v); want /dashboard", next, loc, offSite(base, loc))
			}
		})
	}
	t.Run("OKPageOfThisSite", func(t *testing.T) {
		t.Parallel()
		if loc := follow(t, kept, false); loc != kept {
			t.Errorf("sign-in sends the browser to %q; want %s", loc, kept)
		}
		if loc := follow(t, kept, true); loc != kept {
			t.Errorf("second factor sends the browser to %q; want %s", loc, kept)
		}
		if loc := language(t, kept); loc != kept {
			t.Errorf("language form sends the browser to %q; want %s", loc, kept)
		}
	})
}

// offSite reports whether a browser at base would leave the site for
// Location loc: it reads the URL as browsers do (leading and trailing
// spaces and controls removed, tabs and line breaks dropped, backslashes
// as slashes).
func offSite(base, loc string) bool {
	loc = strings.TrimFunc(loc, func(r rune) bool { return r <= ' ' })
	loc = strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(loc)
	b, _ := url.Parse(base)
	u, err := b.Parse(loc)
	return err != nil || u.Host != b.Host || (u.Scheme != "http" && u.Scheme != "https")
}

// postForm posts a form as a page of this site does and answers the
// status, body and Location.
func postForm(t *testing.T, c *http.Client, u string, form url.Values) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	// One round trip with the client's cookies: the raw Location is what
	// a browser reads, even where Go's client would refuse to parse it.
	for _, ck := range c.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	c.Jar.SetCookies(req.URL, resp.Cookies())
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

// enableSecondFactor turns TOTP on for u, without using a code, and
// answers the secret.
func enableSecondFactor(t *testing.T, r *servertest.Process, u *account.User) string {
	t.Helper()
	ctx := context.Background()
	setup, err := r.Accounts.BeginTOTP(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Run(ctx, r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewUpdate().Model((*account.User)(nil)).Set("totp_enabled_at = ?", time.Now().UTC()).Where("id = ?", u.ID).Exec(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return setup.Secret
}

// TestSecurity14SearchNonASCIILowercase: a workbook answer with letters
// whose lower case has another length (Ⱥ, ẞ, İ, ı) is found by any of its
// words, in any case, with the snippet around the word, instead of an
// internal error.
func TestSecurity14SearchNonASCIILowercase(t *testing.T) {
	t.Parallel()
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb)
	network := dbtest.MustCreateOrg(t, r.DB, org.KindNetwork)
	muni := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	dbtest.MustJoinNetwork(t, r.DB, network, muni, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{})
	u, _ := dbtest.MustCreateUser(t, r.DB, muni, account.RoleEditor)
	if err := r.Authz.Reload(); err != nil {
		t.Fatal(err)
	}
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "Problemstilling 1: Språk")
	answers := map[string]string{
		workbook.SectionAnalysis: strings.Repeat("Ⱥ", 300) + " Vi starter et Språkkafé på biblioteket.",
		workbook.SectionGoals:    strings.Repeat("ẞ", 300) + " Kurs for STRAẞENBAU-folk i Großstadt.",
		workbook.SectionTiming:   strings.Repeat("İ", 300) + " Besøk fra İstanbul og Aydın, ØSTGÅRD gård.",
	}
	stmt := tmpl.Chapters[0].Statements[0].ID
	if _, err := r.Workbooks.SaveEntry(context.Background(), muni, &app.Actor{Name: "Gro"}, workbook.Save{WorkbookID: books[0].ID,
		StatementID: stmt, Content: workbook.Content{Answers: answers}}); err != nil {
		t.Fatal(err)
	}
	r.Run(t)
	c := sessionClient(t, r.DB, r.URL(), u)
	for _, tc := range []struct{ query, shows string }{
		{"SPRÅKKAFÉ", "Språkkafé på biblioteket"},
		{"ⱥⱥ", "ȺȺ"},
		{"straßenbau", "STRAẞENBAU-folk"},
		{"GROSSSTADT", "Großstadt."},
		{"istanbul", "İstanbul og Aydın"},
		{"AYDIN", "Aydın, ØSTGÅRD"},
		{"østgård", "ØSTGÅRD gård"},
	} {
		code, body := get(t, c, r.URL()+"/o/"+muni.Slug+"/search?q="+url.QueryEscape(tc.query))
		if code != http.StatusOK || !strings.Contains(body, tc.shows) {
			t.Errorf("search for %q: %d; want 200 with the snippet %q", tc.query, code, tc.shows)
		}
	}
}

// TestSecurity13ReadyzWebWithoutRedis: with Redis gone, web and serve
// processes stay ready (their pages keep answering), so a readiness probe
// does not take them out of service; a worker, which needs Redis, is not
// ready. Without the database a web process is not ready (PostgreSQL; a
// SQLite file cannot become unreachable).
func TestSecurity13ReadyzWebWithoutRedis(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mode      server.Mode
		wantReady bool
	}{{server.ModeWeb, true}, {server.ModeServe, true}, {server.ModeWorker, false}} {
		t.Run(string(tc.mode), func(t *testing.T) {
			t.Parallel()
			e := servertest.NewEnv(t)
			if e.RedisURL == "" {
				e.RedisURL = dbtest.RedisURL(t)
			}
			ru, _ := url.Parse(e.RedisURL)
			redisProxy := newProxy(t, ru.Host)
			ru.Host = redisProxy.addr
			e.RedisURL = ru.String()
			var dbProxy *proxy
			if db.DialectOf(e.DatabaseURL) == db.Postgres && tc.mode == server.ModeWeb {
				du, _ := url.Parse(e.DatabaseURL)
				dbProxy = newProxy(t, du.Host)
				du.Host = dbProxy.addr
				e.DatabaseURL = du.String()
			}
			r := servertest.Open(t, e.Config(), tc.mode).Run(t)
			base := r.URL()
			if code, checks := readyz(t, base); code != http.StatusOK {
				t.Fatalf("readyz with everything up: %d %v; want 200", code, checks)
			}

			redisProxy.cut()
			if !tc.wantReady {
				waitFor(t, 10*time.Second, func() bool {
					code, checks := readyz(t, base)
					return code == http.StatusServiceUnavailable && checks["redis"] == "unreachable"
				})
				return
			}
			for i := 0; i < 5; i++ {
				if code, checks := readyz(t, base); code != http.StatusOK {
					t.Fatalf("readyz of a %s process with Redis gone (check %d): %d %v; want 200", tc.mode, i+1, code, checks)
				}
			}
			if code, _ := get(t, client(t), base+"/signin"); code != http.StatusOK {
				t.Errorf("sign-in page with Redis gone: %d; want 200", code)
			}
			if dbProxy != nil {
				dbProxy.cut()
				waitFor(t, 10*time.Second, func() bool {
					code, checks := readyz(t, base)
					return code == http.StatusServiceUnavailable && checks["database"] == "unreachable"
				})
			}
		})
	}
}

// TestSecurity20MetricsNotPublic: the public port of web and worker
// processes does not serve /metrics; SAMVIRKE_METRICS_ADDR does, and
// without it no metrics are served at all.
func TestSecurity20MetricsNotPublic(t *testing.T) {
	t.Parallel()
	for _, mode := range []server.Mode{server.ModeWeb, server.ModeWorker, server.ModeServe} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			cfg := servertest.NewEnv(t).Config()
			cfg.MetricsAddr = "127.0.0.1:0"
			r := servertest.Open(t, cfg, mode).Run(t)
			get(t, client(t), r.URL()+"/healthz") // a request to count
			if code, body := get(t, client(t), r.URL()+"/metrics"); code != http.StatusNotFound || strings.Contains(body, "go_goroutines") {
				t.Errorf("public port /metrics: %d; want 404 without metrics", code)
			}
			if r.MetricsAddr() == "" {
				t.Fatal("no metrics listener with SAMVIRKE_METRICS_ADDR set")
			}
			code, body := get(t, client(t), "http://"+r.MetricsAddr()+"/metrics")
			if code != http.StatusOK || !strings.Contains(body, "go_goroutines") || !strings.Contains(body, "samvirke_http_requests_total") {
				t.Errorf("metrics address /metrics: %d; want 200 with the process and HTTP metrics\n%.500s", code, body)
			}
		})
	}
	t.Run("OffByDefault", func(t *testing.T) {
		t.Parallel()
		r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb).Run(t)
		if code, _ := get(t, client(t), r.URL()+"/metrics"); code != http.StatusNotFound || r.MetricsAddr() != "" {
			t.Errorf("default: public /metrics %d, metrics address %q; want 404 and none", code, r.MetricsAddr())
		}
	})
}

// counting is a listener on addr (https when tls) that counts the
// connections it accepts and the requests it answers with h.
type counting struct {
	*httptest.Server
	conns, requests atomic.Int64
}

func startCounting(t *testing.T, addr string, tls bool, h http.HandlerFunc) *counting {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := &counting{}
	c.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.requests.Add(1)
		h(w, r)
	}))
	c.Listener = l
	c.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			c.conns.Add(1)
		}
	}
	if tls {
		c.StartTLS()
	} else {
		c.Start()
	}
	t.Cleanup(c.Close)
	return c
}

// TestSecurity15SSOIssuerInternal: an organisation's administrator cannot
// point single sign-on at an internal address (the form says why, in the
// user's language), a stored one is never fetched, a redirect from an
// allowed provider to an internal address is not followed, and anonymous
// sign-in starts do not make the server fetch a failing provider again
// and again.
func TestSecurity15SSOIssuerInternal(t *testing.T) {
	t.Parallel()
	// What an attacker wants the server to reach: nothing may connect.
	target := startCounting(t, "127.0.0.1:0", true, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"issuer": "https://127.0.0.1"}`))
	})
	_, port, _ := net.SplitHostPort(target.Listener.Addr().String())

	t.Run("Default", func(t *testing.T) {
		t.Parallel()
		r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb).Run(t)
		o := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
		admin, _ := dbtest.MustCreateUser(t, r.DB, o, account.RoleAdmin)
		if err := r.Authz.Reload(); err != nil {
			t.Fatal(err)
		}
		ac := sessionClient(t, r.DB, r.URL(), admin)
		internal := html.EscapeString(r.Web.Catalog.T("nb", "sso.config.issuer_internal"))
		https := html.EscapeString(r.Web.Catalog.T("nb", "sso.config.issuer"))
		for _, tc := range []struct{ issuer, want string }{
			{"http://127.0.0.1:" + port, internal},
			{"https://127.0.0.1:" + port, internal},
			{"https://localhost:" + port, internal},
			{"https://[::1]:" + port, internal},
			{"https://[::ffff:127.0.0.1]:" + port, internal},
			{"https://169.254.169.254/latest/meta-data", internal},
			{"https://10.0.0.5/adfs", internal},
			{"https://192.168.1.1", internal},
			{"https://0.0.0.0:" + port, internal},
			{"http://idp.example.org", https},
		} {
			code, body := post(t, ac, r.URL()+"/o/"+o.Slug+"/admin/sso", url.Values{"enabled": {"on"}, "issuer": {tc.issuer},
				"client_id": {"samvirke"}, "client_secret": {"hemmelig"}, "email_claim": {"email"}})
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
				t.Errorf("saving issuer %s: %d; want 422 saying %q", tc.issuer, code, tc.want)
			}
		}

		// A configuration stored before these checks existed.
		err := db.Run(context.Background(), r.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
			_, err := idb.NewInsert().Model(&account.SSOConfig{OrgID: o.ID, Enabled: true, Issuer: "http://127.0.0.1:" + port,
				ClientID: "samvirke", EmailClaim: "email"}).Exec(ctx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ {
			if code, _ := get(t, client(t), r.URL()+"/sso/"+o.Slug+"/start"); code != http.StatusServiceUnavailable {
				t.Errorf("anonymous start %d with a stored internal issuer: %d; want 503", i+1, code)
			}
		}
	})

	t.Run("RedirectFromAllowedProvider", func(t *testing.T) {
		t.Parallel()
		idp := startCounting(t, "127.0.0.2:0", false, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://127.0.0.1:"+port+r.URL.Path, http.StatusFound)
		})
		cfg := servertest.NewEnv(t).Config()
		cfg.SSOAllowNetworks = []string{"127.0.0.2"}
		r := servertest.Open(t, cfg, server.ModeWeb).Run(t)
		o := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
		admin, _ := dbtest.MustCreateUser(t, r.DB, o, account.RoleAdmin)
		if err := r.Authz.Reload(); err != nil {
			t.Fatal(err)
		}
		code, body := post(t, sessionClient(t, r.DB, r.URL(), admin), r.URL()+"/o/"+o.Slug+"/admin/sso", url.Values{"enabled": {"on"},
			"issuer": {idp.URL}, "client_id": {"samvirke"}, "client_secret": {"hemmelig"}, "email_claim": {"email"}})
		if code != http.StatusSeeOther {
			t.Fatalf("saving an issuer in an allowed network: %d; want 303\n%s", code, body)
		}
		for i := 0; i < 10; i++ {
			if code, _ := get(t, client(t), r.URL()+"/sso/"+o.Slug+"/start"); code != http.StatusServiceUnavailable {
				t.Errorf("anonymous start %d: %d; want 503", i+1, code)
			}
		}
		if n := idp.requests.Load(); n != 1 {
			t.Errorf("10 anonymous starts made the server ask the provider %d times; want 1", n)
		}
	})

	t.Cleanup(func() {
		if n := target.conns.Load(); n != 0 {
			t.Errorf("the internal target saw %d connections; want none", n)
		}
	})
}
