package sso_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/outbox"
	"github.com/samvirke/samvirke/internal/ratelimit"
	"github.com/samvirke/samvirke/internal/sso/ssotest"
	"github.com/samvirke/samvirke/internal/web"
	webassets "github.com/samvirke/samvirke/web"
)

const ssoSecret = "klienthemmelighet-æøå-4711"

// env is the whole web server on a real database and casbin, with an
// organisation, its admin and an in-process OpenID provider.
type env struct {
	base   string
	db     *bun.DB
	cat    *i18n.Catalog
	sealer *app.Sealer
	org    *org.Organisation
	authz  *authz.Enforcer
	admin  *http.Client // signed in as the organisation's admin
	op     *ssotest.OP
}

func start(t *testing.T) *env {
	t.Helper()
	bdb := dbtest.Open(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	enf, err := authz.New(t.Context(), bdb, log)
	if err != nil {
		t.Fatal(err)
	}
	assets := webassets.FS("")
	cat, err := i18n.Load(assets, "locales")
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := app.NewSealer("test-secret-key")
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	box := &outbox.Outbox{DB: bdb, Mail: mail.Folder{Dir: t.TempDir()}, Sealer: sealer, Clock: app.SystemClock{}, Log: log}
	accounts := &account.Service{DB: bdb, Authz: enf, Outbox: box, Sealer: sealer,
		Clock: app.SystemClock{}, Log: log, BaseURL: base, Text: cat.T, SSOAllowNetworks: ssotest.Networks(),
		Limits: &ratelimit.Limiter{DB: bdb, Clock: app.SystemClock{}}}
	srv, err := web.New(web.Deps{DB: db.Pinger{DB: bdb}, Orgs: &org.Service{DB: bdb}, Assets: assets, Catalog: cat, Logger: log, BaseURL: base,
		Authz: enf, Accounts: accounts, SecretKey: "test-secret-key"})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv.Handler()
	ts.Start()
	t.Cleanup(ts.Close)

	e := &env{base: base, db: bdb, cat: cat, sealer: sealer, authz: enf, org: dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)}
	admin := e.member(t, account.RoleAdmin)
	e.admin = newClient(t)
	if code, _ := e.post(t, e.admin, "/signin", url.Values{"email": {admin.Email}, "password": {dbtest.Password}}); code != http.StatusSeeOther {
		t.Fatalf("admin sign-in: %d", code)
	}
	return e
}

// member adds a user with role to the organisation.
func (e *env) member(t *testing.T, role string) *account.User {
	t.Helper()
	u, _ := dbtest.MustCreateUser(t, e.db, e.org, role)
	if err := e.authz.Reload(); err != nil {
		t.Fatal(err)
	}
	return u
}

// startOP starts the organisation's provider with users and Samvirke as
// its client.
func (e *env) startOP(t *testing.T, users ...ssotest.User) {
	t.Helper()
	e.op = ssotest.StartOP(t, users...)
	e.op.RegisterClient("samvirke", ssoSecret, e.base+"/sso/callback")
}

func newClient(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (e *env) get(t *testing.T, c *http.Client, path string) (int, string, http.Header) {
	t.Helper()
	if strings.HasPrefix(path, "/") {
		path = e.base + path
	}
	resp, err := c.Get(path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// post sends a form as a page of this site does (cross-origin protection).
func (e *env) post(t *testing.T, c *http.Client, path string, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", e.base+path, strings.NewReader(form.Encode()))
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

// configure saves the SSO form as the admin.
func (e *env) configure(t *testing.T, form url.Values) {
	t.Helper()
	if code, body := e.post(t, e.admin, "/o/"+e.org.Slug+"/admin/sso", form); code != http.StatusSeeOther {
		t.Fatalf("saving SSO settings: %d\n%s", code, body)
	}
}

func (e *env) ssoForm(secret string) url.Values {
	return url.Values{"enabled": {"on"}, "issuer": {e.op.Issuer()}, "client_id": {"samvirke"},
		"client_secret": {secret}, "email_claim": {"email"}}
}

// text is a catalogue message as a page shows it.
func (e *env) text(loc, key string) string {
	return template.HTMLEscapeString(e.cat.T(loc, key))
}

// begin starts a sign-in at Samvirke and answers the provider's URL.
func (e *env) begin(t *testing.T, c *http.Client) string {
	t.Helper()
	code, body, h := e.get(t, c, "/sso/"+e.org.Slug+"/start")
	if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), e.op.Issuer()+"/") {
		t.Fatalf("SSO start: %d → %q, want 303 to the provider\n%s", code, h.Get("Location"), body)
	}
	return h.Get("Location")
}

// signInVia runs a whole sign-in for the OP's username and answers the
// callback's status, body and headers.
func (e *env) signInVia(t *testing.T, c *http.Client, username string) (int, string, http.Header) {
	t.Helper()
	cb := e.op.Login(t, c, e.begin(t, c), username)
	if !strings.HasPrefix(cb.String(), e.base+"/sso/callback?") {
		t.Fatalf("provider sent the browser to %s, want Samvirke's callback", cb)
	}
	return e.get(t, c, cb.String())
}

func (e *env) audit(t *testing.T, action string) []*audit.Entry {
	t.Helper()
	var out []*audit.Entry
	err := db.Run(context.Background(), e.db, db.OrgScope(e.org.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		out, _, err = audit.Find(ctx, idb, e.org.ID, audit.Filter{Action: action, Limit: 100})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func hasSession(c *http.Client, base string) bool {
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "samvirke_session" && ck.Value != "" {
			return true
		}
	}
	return false
}

func TestSSOSignIn(t *testing.T) {
	t.Parallel()
	e := start(t)
	m := e.member(t, account.RoleEditor)
	elsewhere := dbtest.MustCreateOrg(t, e.db, org.KindMunicipality)
	dbtest.MustAddMember(t, e.db, elsewhere, m, account.RoleAdmin)
	if err := e.authz.Reload(); err != nil {
		t.Fatal(err)
	}
	outsider, _ := dbtest.MustCreateUser(t, e.db, nil, "") // has an account, but not here
	// The provider knows the member's address in another case.
	e.startOP(t, ssotest.User{Username: "medlem", Email: strings.ToUpper(m.Email), EmailVerified: true},
		ssotest.User{Username: "utenfor", Email: outsider.Email, EmailVerified: true},
		ssotest.User{Username: "ukjent", Email: "ukjent@example.org", EmailVerified: true})

	if code, _, _ := e.get(t, newClient(t), "/sso/"+e.org.Slug+"/start"); code != http.StatusNotFound {
		t.Fatalf("start before SSO is configured: %d, want 404", code)
	}
	e.configure(t, e.ssoForm(ssoSecret))

	t.Run("OK", func(t *testing.T) {
		c := newClient(t)
		code, body, h := e.signInVia(t, c, "medlem")
		dashboard := "/o/" + e.org.Slug + "/dashboard"
		if code != http.StatusSeeOther || h.Get("Location") != dashboard {
			t.Fatalf("callback: %d → %q, want 303 → %s\n%s", code, h.Get("Location"), dashboard, body)
		}
		if code, body, _ := e.get(t, c, dashboard); code != http.StatusOK || !strings.Contains(body, e.org.Name) {
			t.Fatalf("dashboard after SSO sign-in: %d", code)
		}
		// The organisation's provider vouches for this organisation only:
		// the member's other organisation stays closed to this session.
		if code, _, _ := e.get(t, c, "/o/"+elsewhere.Slug+"/dashboard"); code != http.StatusNotFound {
			t.Errorf("another organisation of the member through an SSO session: %d; want 404", code)
		}
		var found bool
		for _, a := range e.audit(t, audit.SignIn) {
			found = found || a.ActorEmail == m.Email && a.Details()["method"] == "sso"
		}
		if !found {
			t.Errorf("audit log has no SSO sign-in of %s", m.Email)
		}
	})
	t.Run("ErrNotMember", func(t *testing.T) {
		c := newClient(t)
		u, _ := url.Parse(e.base)
		c.Jar.SetCookies(u, []*http.Cookie{{Name: "samvirke_lang", Value: "sv", Path: "/"}})
		for _, who := range []string{"utenfor", "ukjent"} {
			code, body, _ := e.signInVia(t, c, who)
			if want := e.text("sv", "sso.error.not_member"); code != http.StatusForbidden || !strings.Contains(body, want) {
				t.Fatalf("%s: %d, want 403 saying %q\n%s", who, code, want, body)
			}
		}
		if hasSession(c, e.base) {
			t.Error("a non-member got a session")
		}
		if n := len(e.audit(t, audit.SignInFailed)); n != 2 {
			t.Errorf("audit log has %d refused sign-ins, want 2", n)
		}
	})
	t.Run("ErrFlowCookieTampered", func(t *testing.T) {
		c := newClient(t)
		cb := e.op.Login(t, c, e.begin(t, c), "medlem")
		u, _ := url.Parse(e.base + "/sso/")
		for _, ck := range c.Jar.Cookies(u) {
			if ck.Name == "samvirke_sso" {
				c.Jar.SetCookies(u, []*http.Cookie{{Name: ck.Name, Value: redirectFlow(t, ck.Value, "/account"), Path: "/sso"}})
			}
		}
		code, body, _ := e.get(t, c, cb.String())
		if want := e.text("nb", "sso.error.state"); code != http.StatusForbidden || !strings.Contains(body, want) || hasSession(c, e.base) {
			t.Fatalf("tampered flow cookie: %d, want 403 saying %q\n%s", code, want, body)
		}
	})
	t.Run("ErrFlowCookieMissing", func(t *testing.T) {
		cb := e.op.Login(t, nil, e.begin(t, newClient(t)), "medlem")
		c := newClient(t) // another browser: no flow cookie
		if code, _, _ := e.get(t, c, cb.String()); code != http.StatusForbidden || hasSession(c, e.base) {
			t.Fatalf("callback without the flow cookie: %d, want 403", code)
		}
	})
	t.Run("ErrOtherFlow", func(t *testing.T) {
		c := newClient(t)
		first := e.begin(t, c)
		e.begin(t, c) // the cookie now holds a second attempt
		if code, _, _ := e.get(t, c, e.op.Login(t, c, first, "medlem").String()); code != http.StatusForbidden {
			t.Fatalf("callback of an earlier attempt: %d, want 403", code)
		}
	})
	t.Run("ErrProvider", func(t *testing.T) {
		code, body, _ := e.get(t, newClient(t), "/sso/callback?error=access_denied&state=x")
		if want := e.text("nb", "sso.error.provider"); code != http.StatusForbidden || !strings.Contains(body, want) {
			t.Fatalf("provider error: %d, want 403 saying %q", code, want)
		}
	})
	t.Run("SigninForm", func(t *testing.T) {
		c := newClient(t)
		if _, body, _ := e.get(t, c, "/signin"); !strings.Contains(body, `action="/sso/start"`) {
			t.Error("the sign-in page offers no organisation sign-in")
		}
		code, _, h := e.get(t, c, "/sso/start?org="+strings.ToUpper(e.org.Slug)+"&next=%2Fdashboard")
		if want := "/sso/" + e.org.Slug + "/start?next=%2Fdashboard"; code != http.StatusSeeOther || h.Get("Location") != want {
			t.Errorf("organisation sign-in form: %d → %q, want 303 → %s", code, h.Get("Location"), want)
		}
		if code, body, _ := e.get(t, c, "/sso/start?org=finnes-ikke"); code != http.StatusUnprocessableEntity ||
			!strings.Contains(body, e.text("nb", "sso.signin.error.org_unknown")) || !strings.Contains(body, `value="finnes-ikke"`) {
			t.Errorf("unknown organisation: %d, want 422 with the error at the field", code)
		}
	})
}

func TestSSOSettings(t *testing.T) {
	t.Parallel()
	e := start(t)
	page := "/o/" + e.org.Slug + "/admin/sso"
	m := e.member(t, account.RoleEditor)
	e.startOP(t, ssotest.User{Username: "medlem", Email: m.Email, EmailVerified: true})

	code, body, _ := e.get(t, e.admin, page)
	if code != http.StatusOK || !strings.Contains(body, e.base+"/sso/callback") {
		t.Fatalf("settings page: %d, want 200 showing the redirect URL", code)
	}
	code, body = e.post(t, e.admin, page, url.Values{"enabled": {"on"}, "issuer": {"http://idp.example.org"}, "client_secret": {ssoSecret}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, e.text("nb", "sso.config.issuer")) ||
		!strings.Contains(body, e.text("nb", "sso.config.client_id")) || !strings.Contains(body, `value="http://idp.example.org"`) {
		t.Fatalf("invalid settings: %d, want 422 with both errors and the typed issuer\n%s", code, body)
	}
	if strings.Contains(body, ssoSecret) {
		t.Error("the page echoes the client secret after a failed save")
	}

	e.configure(t, e.ssoForm(ssoSecret))
	if _, body, _ := e.get(t, e.admin, page); strings.Contains(body, ssoSecret) || !strings.Contains(body, e.text("nb", "admin.sso.client_secret_hint")) {
		t.Error("settings page shows the client secret, or does not say one is stored")
	}
	e.configure(t, e.ssoForm("")) // empty: keep the secret
	var row map[string]any
	err := db.Run(context.Background(), e.db, db.OrgScope(e.org.ID), func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Table("org_sso").Where("org_id = ?", e.org.ID).Scan(ctx, &row)
	})
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ := row["client_secret"].(string)
	if plain, err := e.sealer.Open(sealed); err != nil || plain != ssoSecret || strings.Contains(fmt.Sprint(row), ssoSecret) {
		t.Errorf("stored row %v: want the secret sealed, and kept by an empty field (open: %v)", row, err)
	}
	for _, a := range e.audit(t, audit.SettingsChanged) {
		if strings.Contains(a.Detail, ssoSecret) || a.Details()["sso"] != "enabled" || a.Details()["issuer"] != e.op.Issuer() {
			t.Errorf("audit detail %s: want sso and issuer, never the secret", a.Detail)
		}
	}
	if code, _, _ := e.signInVia(t, newClient(t), "medlem"); code != http.StatusSeeOther {
		t.Fatalf("sign-in with the saved settings: %d", code)
	}

	// Edits take effect at once: a wrong secret fails at the token
	// endpoint, the right one works again.
	e.configure(t, e.ssoForm("feil hemmelighet"))
	if code, body, _ := e.signInVia(t, newClient(t), "medlem"); code != http.StatusForbidden || !strings.Contains(body, e.text("nb", "sso.error.exchange")) {
		t.Errorf("sign-in with a wrong secret: %d, want 403 (exchange)", code)
	}
	e.configure(t, e.ssoForm(ssoSecret))
	if code, _, _ := e.signInVia(t, newClient(t), "medlem"); code != http.StatusSeeOther {
		t.Errorf("sign-in after the secret is corrected: %d", code)
	}
	form := e.ssoForm("")
	form.Del("enabled")
	e.configure(t, form)
	if code, _, _ := e.get(t, newClient(t), "/sso/"+e.org.Slug+"/start"); code != http.StatusNotFound {
		t.Errorf("start with SSO turned off: %d, want 404", code)
	}

	editor := newClient(t)
	if code, _ := e.post(t, editor, "/signin", url.Values{"email": {m.Email}, "password": {dbtest.Password}}); code != http.StatusSeeOther {
		t.Fatalf("editor sign-in: %d", code)
	}
	if code, _, _ := e.get(t, editor, page); code != http.StatusForbidden {
		t.Errorf("editor on the SSO settings: %d, want 403", code)
	}
}

// redirectFlow rewrites a flow cookie's next page and keeps its signature:
// the attempt stays valid at the provider, so only the signature check can
// refuse it. It knows the cookie's layout: base64url("base64url(JSON)|expiry")
// "." base64url(MAC).
func redirectFlow(t *testing.T, cookie, next string) string {
	t.Helper()
	payload, mac, _ := strings.Cut(cookie, ".")
	p, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		t.Fatal(err)
	}
	value, exp, _ := strings.Cut(string(p), "|")
	j, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(j, &f); err != nil || f["next"] == nil {
		t.Fatalf("flow cookie %s: %v", j, err)
	}
	f["next"] = next
	j, _ = json.Marshal(f)
	p = []byte(base64.RawURLEncoding.EncodeToString(j) + "|" + exp)
	return base64.RawURLEncoding.EncodeToString(p) + "." + mac
}
