package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
	"github.com/samvirke/samvirke/internal/web"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// bearer sends every request with an API token.
type bearer struct{ token string }

func (b bearer) RoundTrip(req *http.Request) (*http.Response, error) {
	req.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(req)
}

func tokenClient(token string) *http.Client {
	return &http.Client{Transport: bearer{token}, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// send makes one request with a form body (POST, PUT) or none.
func send(t *testing.T, c *http.Client, method, u string, form url.Values) (int, string) {
	t.Helper()
	var body io.Reader
	if method != "GET" {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if method != "GET" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// restrictedClient signs u in with a single sign-on session limited to o.
func restrictedClient(t *testing.T, bdb *bun.DB, base string, u *account.User, o *org.Organisation) *http.Client {
	t.Helper()
	var token string
	err := db.Run(context.Background(), bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		tok, sess, err := account.CreateSession(ctx, idb, u.ID, &o.ID, "127.0.0.1", "sso-test", time.Now().UTC())
		if err != nil {
			return err
		}
		token = tok
		return account.RestrictSession(ctx, idb, sess, o.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	c := client(t)
	bu, _ := url.Parse(base)
	c.Jar.SetCookies(bu, []*http.Cookie{{Name: "samvirke_session", Value: token, Path: "/"}})
	return c
}

func userState(t *testing.T, bdb *bun.DB, id int64) *account.User {
	t.Helper()
	var u *account.User
	err := db.Run(context.Background(), bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		u, err = account.FindUserByID(ctx, idb, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestSecurity01AccountNeedsInteractiveSession: the routes of the user's
// own account (profile, second factor, sessions) answer 401 to API tokens
// of either scope and 403 to a single sign-on session limited to one
// organisation, and change nothing; a read-scope token is refused every
// method but GET on every route, whatever the route's permission.
func TestSecurity01AccountNeedsInteractiveSession(t *testing.T) {
	t.Parallel()
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb).Run(t)
	o := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	u, _ := dbtest.MustCreateUser(t, r.DB, o, "owner")
	r.Authz.Reload()
	ctx := context.Background()
	readTok, _, err := r.Accounts.CreateAPIToken(ctx, o, u.ID, "Lesing", account.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	writeTok, _, err := r.Accounts.CreateAPIToken(ctx, o, u.ID, "Skriving", account.ScopeWrite)
	if err != nil {
		t.Fatal(err)
	}
	base := r.URL()
	sso := restrictedClient(t, r.DB, base, u, o)
	form := url.Values{"name": {"Inntrenger"}, "locale": {"en"}, "code": {"123456"}, "proof": {dbtest.Password}, "password": {dbtest.Password}}

	var accountRoutes int
	for _, rt := range r.Web.Routes() {
		if rt.Access != web.Account {
			continue
		}
		accountRoutes++
		for name, c := range map[string]*http.Client{"read token": tokenClient(readTok), "write token": tokenClient(writeTok)} {
			if rt.Method != "GET" && name == "read token" {
				continue // refused earlier still, checked below
			}
			if code, _ := send(t, c, rt.Method, base+rt.Path, form); code != http.StatusUnauthorized {
				t.Errorf("%s %s with a %s: %d; want 401", rt.Method, rt.Path, name, code)
			}
		}
		if code, _ := send(t, sso, rt.Method, base+rt.Path, form); code != http.StatusForbidden {
			t.Errorf("%s %s in a single sign-on session: %d; want 403", rt.Method, rt.Path, code)
		}
	}
	if accountRoutes < 6 {
		t.Errorf("%d account routes; want at least profile, second factor (3) and sign-out everywhere", accountRoutes)
	}
	if got := userState(t, r.DB, u.ID); got.Name != u.Name || got.TOTPSecret != "" {
		t.Errorf("tokens or the SSO session changed the account: name %q, TOTP secret set %v", got.Name, got.TOTPSecret != "")
	}
	// The single sign-on session still works where it belongs.
	if code, _ := send(t, sso, "GET", base+"/o/"+o.Slug+"/dashboard", nil); code != 200 {
		t.Errorf("SSO session on its organisation's dashboard: %d", code)
	}

	// A read-only token changes nothing anywhere, not even where its
	// user's role may write.
	rc := tokenClient(readTok)
	for _, rt := range r.Web.Routes() {
		if rt.Method == "GET" {
			continue
		}
		path := strings.NewReplacer(":org", o.Slug).Replace(rt.Path)
		if code, _ := send(t, rc, rt.Method, base+path, form); code != http.StatusForbidden {
			t.Errorf("%s %s with a read token: %d; want 403", rt.Method, rt.Path, code)
		}
	}
}

// TestSecurity01SecondFactorNeedsProof: turning the second factor on asks
// for the password as well as a code of the new app, and turning it off
// asks for a current code or the password; without them nothing changes.
func TestSecurity01SecondFactorNeedsProof(t *testing.T) {
	t.Parallel()
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb).Run(t)
	o := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	u, _ := dbtest.MustCreateUser(t, r.DB, o, "editor")
	r.Authz.Reload()
	base := r.URL()
	c := sessionClient(t, r.DB, base, u)

	code, page := send(t, c, "GET", base+"/account/second-factor", nil)
	m := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(page)
	if code != 200 || m == nil {
		t.Fatalf("setup page: %d, secret found %v", code, m != nil)
	}
	secret := m[1]
	now := func() string { c, _ := totp.GenerateCode(secret, time.Now()); return c }

	if code, page := send(t, c, "POST", base+"/account/second-factor", url.Values{"code": {now()}}); code != 422 || !strings.Contains(page, `id="f-password-error"`) {
		t.Errorf("enrol without password: %d; want 422 with the error at the password field", code)
	}
	if code, _ := send(t, c, "POST", base+"/account/second-factor", url.Values{"code": {now()}, "password": {"feil passord æøå"}}); code != 422 {
		t.Errorf("enrol with a wrong password: %d; want 422", code)
	}
	if userState(t, r.DB, u.ID).TOTPEnabledAt != nil {
		t.Fatal("second factor turned on without the password")
	}
	if code, _ := send(t, c, "POST", base+"/account/second-factor", url.Values{"code": {now()}, "password": {dbtest.Password}}); code != 303 {
		t.Fatalf("enrol with code and password: %d; want 303", code)
	}
	if userState(t, r.DB, u.ID).TOTPEnabledAt == nil {
		t.Fatal("second factor not on after a proper enrolment")
	}

	for name, proof := range map[string]string{"no proof": "", "wrong password": "galt passord her", "wrong code": "000000"} {
		if code, _ := send(t, c, "POST", base+"/account/second-factor/disable", url.Values{"proof": {proof}}); code != 422 {
			t.Errorf("disable with %s: %d; want 422", name, code)
		}
	}
	if userState(t, r.DB, u.ID).TOTPEnabledAt == nil {
		t.Fatal("second factor turned off without proof")
	}
	if code, _ := send(t, c, "POST", base+"/account/second-factor/disable", url.Values{"proof": {dbtest.Password}}); code != 303 {
		t.Errorf("disable with the password: %d; want 303", code)
	}
	if userState(t, r.DB, u.ID).TOTPEnabledAt != nil {
		t.Error("second factor still on after disabling with the password")
	}
}

// TestSecurity04BodyLimits: a body over a route's limit answers 413 before
// anything parses it, whether its length is declared or not, and leaves
// no temporary file behind; an upload within the limit leaves none either.
// (Parsing forms never spools to disk now, so any multipart file that
// appears in the temporary directory while this test runs is a leak.)
func TestSecurity04BodyLimits(t *testing.T) {
	t.Parallel()
	tmp := os.TempDir()
	before := filesIn(t, tmp)
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb).Run(t)
	base := r.URL()

	// 40 MB in one file part: beyond gin's 32 MB in-memory budget, so an
	// unlimited parse would spool it to disk.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("email", "a@example.org")
	mw.WriteField("password", "x")
	fw, _ := mw.CreateFormFile("file", "big.bin")
	fw.Write(bytes.Repeat([]byte("æøå"), 40<<20/6))
	mw.Close()
	body := buf.Bytes()

	for _, chunked := range []bool{false, true} {
		var rd io.Reader = bytes.NewReader(body)
		if chunked {
			rd = io.MultiReader(rd) // no length known: sent chunked
		}
		req, _ := http.NewRequest("POST", base+"/signin", rd)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := client(t).Do(req)
		if err != nil {
			// The server may close the connection while the client still
			// writes; that is a refusal too, but then no status to check.
			t.Logf("chunked=%v: %v", chunked, err)
		} else {
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("40 MB to /signin (chunked=%v): %d; want 413", chunked, resp.StatusCode)
			}
		}
	}
	if left := newFiles(before, filesIn(t, tmp)); len(left) > 0 {
		t.Errorf("temporary files left after refused uploads: %v", left)
	}

	// Within the limit: a multipart form to a route that takes uploads.
	o := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	admin, _ := dbtest.MustCreateUser(t, r.DB, o, "admin")
	r.Authz.Reload()
	c := sessionClient(t, r.DB, base, admin)
	// A new buffer: the refused requests' transports may still be reading
	// the old one.
	var logoBody bytes.Buffer
	mw = multipart.NewWriter(&logoBody)
	mw.WriteField("name", o.Name)
	mw.WriteField("locale", "nb")
	mw.WriteField("time_zone", "Europe/Oslo")
	fw, _ = mw.CreateFormFile("logo", "logo.png")
	fw.Write(append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 300<<10)...))
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/o/"+o.Slug+"/admin/settings", &logoBody)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 500 || resp.StatusCode == 413 {
		t.Errorf("a 300 KB logo: %d", resp.StatusCode)
	}
	if left := newFiles(before, filesIn(t, tmp)); len(left) > 0 {
		t.Errorf("temporary files left after an accepted upload: %v", left)
	}
}

func newFiles(before, after []string) []string {
	var out []string
	for _, f := range after {
		if !slices.Contains(before, f) {
			out = append(out, f)
		}
	}
	return out
}

func filesIn(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if strings.HasPrefix(e.Name(), "multipart-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestSecurity04EveryRouteHasABodyLimit walks every route: each declares
// its limit, and one byte more answers 413 to a visitor who is not even
// signed in, before authentication or parsing.
func TestSecurity04EveryRouteHasABodyLimit(t *testing.T) {
	t.Parallel()
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb).Run(t)
	base := r.URL()
	for _, rt := range r.Web.Routes() {
		if rt.Method == "GET" {
			continue
		}
		if rt.MaxBody <= 0 || rt.MaxBody > web.MaxEntryBody {
			t.Errorf("%s %s: body limit %d; want one between 1 byte and %d", rt.Method, rt.Path, rt.MaxBody, web.MaxEntryBody)
			continue
		}
		path := strings.NewReplacer(":org", "nowhere", ":token", "x").Replace(rt.Path)
		body := "a=" + strings.Repeat("b", int(rt.MaxBody)-1)
		req, _ := http.NewRequest(rt.Method, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := client(t).Do(req)
		if err != nil {
			t.Errorf("%s %s: %v", rt.Method, rt.Path, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("%s %s with %d bytes: %d; want 413", rt.Method, rt.Path, len(body), resp.StatusCode)
		}
	}
	// The default is small: sign-in takes no more than a form needs.
	if code, page := send(t, client(t), "POST", base+"/signin", url.Values{"email": {"a@example.org"}, "password": {strings.Repeat("x", int(web.DefaultMaxBody))}}); code != 413 || !strings.Contains(page, "64 KB") {
		t.Errorf("sign-in with a 64 KB password: %d; want 413 naming the limit", code)
	}
}

// TestSecurity18TokensNeedSecondFactorWhereRequired: in an organisation
// that requires a second factor, the API tokens of a user without one are
// refused (and work again once the user has one), and no new token can be
// made for such a user.
func TestSecurity18TokensNeedSecondFactorWhereRequired(t *testing.T) {
	t.Parallel()
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb).Run(t)
	o := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	u, _ := dbtest.MustCreateUser(t, r.DB, o, "editor")
	r.Authz.Reload()
	ctx := context.Background()
	tok, _, err := r.Accounts.CreateAPIToken(ctx, o, u.ID, "Fagsystem", account.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	me := r.URL() + "/api/v1/orgs/" + o.Slug
	if code, _ := send(t, tokenClient(tok), "GET", me, nil); code != 200 {
		t.Fatalf("token before the requirement: %d", code)
	}
	setOrg := func(col string, v any) {
		err := db.Run(ctx, r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			_, err := idb.NewUpdate().Table("organisations").Set(col+" = ?", v).Where("id = ?", o.ID).Exec(ctx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	setOrg("require_second_factor", true)
	o.RequireSecondFactor = true
	if code, body := send(t, tokenClient(tok), "GET", me, nil); code != 401 || !strings.Contains(body, "token_needs_second_factor") && !strings.Contains(body, "second factor") && !strings.Contains(body, "totrinn") {
		t.Errorf("token of a user without a second factor where one is required: %d %s; want 401 saying why", code, body)
	}
	if _, _, err := r.Accounts.CreateAPIToken(ctx, o, u.ID, "Ny", account.ScopeRead); err == nil {
		t.Error("a new token was made for a user without the required second factor")
	}
	err = db.Run(ctx, r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewUpdate().Table("users").Set("totp_enabled_at = ?", time.Now().UTC()).Where("id = ?", u.ID).Exec(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := send(t, tokenClient(tok), "GET", me, nil); code != 200 {
		t.Errorf("token once the user has a second factor: %d; want 200", code)
	}
	_ = fmt.Sprint
}

// TestSecurity04APIBodyOverLimit: an API save whose JSON body grows past
// the route's limit without declaring its length (chunked) answers 413
// problem details, and nothing is saved.
func TestSecurity04APIBodyOverLimit(t *testing.T) {
	t.Parallel()
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb)
	network := dbtest.MustCreateOrg(t, r.DB, org.KindNetwork)
	muni := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	dbtest.MustJoinNetwork(t, r.DB, network, muni, time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{})
	editor, _ := dbtest.MustCreateUser(t, r.DB, muni, "editor")
	r.Authz.Reload()
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "«Innvandrerreisen»")
	write, _, err := r.Accounts.CreateAPIToken(context.Background(), muni, editor.ID, "Fagsystem", "write")
	if err != nil {
		t.Fatal(err)
	}
	r.Run(t)
	u := fmt.Sprintf("%s/api/v1/orgs/%s/workbooks/%d/statements/%d", r.URL(), muni.Slug, books[0].ID, tmpl.Chapters[0].Statements[0].ID)
	big := `{"version":0,"content":{"answers":{"analysis":"` + strings.Repeat("æ", int(web.MaxEntryBody)) + `"}}}`
	req, _ := http.NewRequest("PUT", u, io.MultiReader(strings.NewReader(big))) // length unknown: chunked
	req.Header.Set("Content-Type", "application/json")
	resp, err := tokenClient(write).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 413 || !strings.Contains(string(b), `"code":"too_large"`) {
		t.Errorf("chunked %d bytes: %d %.200s; want 413 problem details", len(big), resp.StatusCode, b)
	}
	if code, body := send(t, tokenClient(write), "GET", fmt.Sprintf("%s/api/v1/orgs/%s/workbooks/%d", r.URL(), muni.Slug, books[0].ID), nil); code != 200 || strings.Contains(body, "ææææ") {
		t.Errorf("after the refused save: %d, saved text present %v", code, strings.Contains(body, "ææææ"))
	}
}

// TestDashboardAddress: /dashboard, the page a sign-in goes to when it
// names none, leads a member to the dashboard of the organisation they
// work in, and a visitor to sign in; it is never a dead end.
func TestDashboardAddress(t *testing.T) {
	t.Parallel()
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb).Run(t)
	o := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	u, _ := dbtest.MustCreateUser(t, r.DB, o, "viewer")
	r.Authz.Reload()
	c := client(t)
	resp := signIn(t, c, r.URL(), u.Email, dbtest.Password)
	resp.Body.Close()
	req, _ := http.NewRequest("GET", r.URL()+"/dashboard", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := "/o/" + o.Slug + "/dashboard"; resp.StatusCode != 303 || resp.Header.Get("Location") != want {
		t.Errorf("GET /dashboard signed in: %d → %q; want 303 to %s", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	req, _ = http.NewRequest("GET", r.URL()+"/dashboard", nil)
	resp, err = client(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
		t.Errorf("GET /dashboard as a visitor: %d → %q; want 303 to sign-in", resp.StatusCode, resp.Header.Get("Location"))
	}
}
