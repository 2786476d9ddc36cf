package account_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/web"
	"github.com/samvirke/samvirke/internal/webtest"
)

// userState reads u as stored.
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
	r := webtest.New(t, webtest.Options{}) // API tokens: see webtest.Options.Unguarded
	o := r.Org(org.KindMunicipality)
	u := r.User(o, "owner")
	ctx := context.Background()
	readTok, _, err := r.Accounts.CreateAPIToken(ctx, o, u.ID, "Lesing", account.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	writeTok, _, err := r.Accounts.CreateAPIToken(ctx, o, u.ID, "Skriving", account.ScopeWrite)
	if err != nil {
		t.Fatal(err)
	}
	base := r.URL
	sso := r.SSOClient(u, o)
	form := url.Values{"name": {"Inntrenger"}, "locale": {"en"}, "code": {"123456"}, "proof": {dbtest.Password}, "password": {dbtest.Password}}

	var accountRoutes int
	for _, rt := range r.Web.Routes() {
		if rt.Access != web.Account {
			continue
		}
		accountRoutes++
		for name, c := range map[string]*webtest.Client{"read token": r.TokenClient(readTok), "write token": r.TokenClient(writeTok)} {
			if rt.Method != "GET" && name == "read token" {
				continue // refused earlier still, checked below
			}
			if code, _ := c.Send(rt.Method, base+rt.Path, form); code != http.StatusUnauthorized {
				t.Errorf("%s %s with a %s: %d; want 401", rt.Method, rt.Path, name, code)
			}
		}
		if code, _ := sso.Send(rt.Method, base+rt.Path, form); code != http.StatusForbidden {
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
	if code, _ := sso.Send("GET", base+"/o/"+o.Slug+"/dashboard", nil); code != 200 {
		t.Errorf("SSO session on its organisation's dashboard: %d", code)
	}

	// A read-only token changes nothing anywhere, not even where its
	// user's role may write.
	rc := r.TokenClient(readTok)
	for _, rt := range r.Web.Routes() {
		if rt.Method == "GET" {
			continue
		}
		if rt.Anonymous {
			// A survey respondent's route reads no credentials: a
			// token's holder is anyone there, acting as no user.
			continue
		}
		path := strings.NewReplacer(":org", o.Slug).Replace(rt.Path)
		if code, _ := rc.Send(rt.Method, base+path, form); code != http.StatusForbidden {
			t.Errorf("%s %s with a read token: %d; want 403", rt.Method, rt.Path, code)
		}
	}
}

// TestSecurity01SecondFactorNeedsProof: turning the second factor on asks
// for the password as well as a code of the new app, and turning it off
// asks for a current code or the password; without them nothing changes.
func TestSecurity01SecondFactorNeedsProof(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality)
	u := r.User(o, "editor")
	base := r.URL
	c := r.Client(u)

	code, page := c.Send("GET", base+"/account/second-factor", nil)
	m := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(page)
	if code != 200 || m == nil {
		t.Fatalf("setup page: %d, secret found %v", code, m != nil)
	}
	secret := m[1]
	now := func() string { c, _ := totp.GenerateCode(secret, time.Now()); return c }

	if code, page := c.Send("POST", base+"/account/second-factor", url.Values{"code": {now()}}); code != 422 || !strings.Contains(page, `id="f-password-error"`) {
		t.Errorf("enrol without password: %d; want 422 with the error at the password field", code)
	}
	if code, _ := c.Send("POST", base+"/account/second-factor", url.Values{"code": {now()}, "password": {"feil passord æøå"}}); code != 422 {
		t.Errorf("enrol with a wrong password: %d; want 422", code)
	}
	if userState(t, r.DB, u.ID).TOTPEnabledAt != nil {
		t.Fatal("second factor turned on without the password")
	}
	if code, _ := c.Send("POST", base+"/account/second-factor", url.Values{"code": {now()}, "password": {dbtest.Password}}); code != 303 {
		t.Fatalf("enrol with code and password: %d; want 303", code)
	}
	if userState(t, r.DB, u.ID).TOTPEnabledAt == nil {
		t.Fatal("second factor not on after a proper enrolment")
	}

	for name, proof := range map[string]string{"no proof": "", "wrong password": "galt passord her", "wrong code": "000000"} {
		if code, _ := c.Send("POST", base+"/account/second-factor/disable", url.Values{"proof": {proof}}); code != 422 {
			t.Errorf("disable with %s: %d; want 422", name, code)
		}
	}
	if userState(t, r.DB, u.ID).TOTPEnabledAt == nil {
		t.Fatal("second factor turned off without proof")
	}
	if code, _ := c.Send("POST", base+"/account/second-factor/disable", url.Values{"proof": {dbtest.Password}}); code != 303 {
		t.Errorf("disable with the password: %d; want 303", code)
	}
	if userState(t, r.DB, u.ID).TOTPEnabledAt != nil {
		t.Error("second factor still on after disabling with the password")
	}
}

// TestSecurity18TokensNeedSecondFactorWhereRequired: in an organisation
// that requires a second factor, the API tokens of a user without one are
// refused (and work again once the user has one), and no new token can be
// made for such a user.
func TestSecurity18TokensNeedSecondFactorWhereRequired(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{}) // API tokens: see webtest.Options.Unguarded
	o := r.Org(org.KindMunicipality)
	u := r.User(o, "editor")
	ctx := context.Background()
	tok, _, err := r.Accounts.CreateAPIToken(ctx, o, u.ID, "Fagsystem", account.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	me := r.URL + "/api/v1/orgs/" + o.Slug
	if code, _ := r.TokenClient(tok).Send("GET", me, nil); code != 200 {
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
	if code, body := r.TokenClient(tok).Send("GET", me, nil); code != 401 || !strings.Contains(body, "token_needs_second_factor") && !strings.Contains(body, "second factor") && !strings.Contains(body, "totrinn") {
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
	if code, _ := r.TokenClient(tok).Send("GET", me, nil); code != 200 {
		t.Errorf("token once the user has a second factor: %d; want 200", code)
	}
	_ = fmt.Sprint
}

// TestDashboardAddress: /dashboard, the page a sign-in goes to when it
// names none, leads a member to the dashboard of the organisation they
// work in, and a visitor to sign in; it is never a dead end.
func TestDashboardAddress(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality)
	u := r.User(o, "viewer")
	c := r.Anonymous()
	c.SignIn(u)
	req, _ := http.NewRequest("GET", r.URL+"/dashboard", nil)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := "/o/" + o.Slug + "/dashboard"; resp.StatusCode != 303 || resp.Header.Get("Location") != want {
		t.Errorf("GET /dashboard signed in: %d → %q; want 303 to %s", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	req, _ = http.NewRequest("GET", r.URL+"/dashboard", nil)
	resp, err = r.Anonymous().HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
		t.Errorf("GET /dashboard as a visitor: %d → %q; want 303 to sign-in", resp.StatusCode, resp.Header.Get("Location"))
	}
}
