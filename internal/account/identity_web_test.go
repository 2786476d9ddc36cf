package account_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
)

// TestRevocationIsImmediate: removing a membership or ending a session
// denies that user's very next request.
func TestRevocationIsImmediate(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality)
	admin := r.User(o, "admin")
	u1 := r.User(o, "editor")
	u2 := r.User(o, "editor")
	base := r.URL
	ac := r.Client(admin)
	dashboard := base + "/o/" + o.Slug + "/dashboard"

	c1 := r.Client(u1)
	if code, _ := c1.Get(dashboard); code != 200 {
		t.Fatalf("member before removal: %d", code)
	}
	if code, _ := ac.Post(fmt.Sprintf("%s/o/%s/admin/members/%d/remove", base, o.Slug, u1.ID), nil); code != 303 {
		t.Fatalf("removal: %d", code)
	}
	if code, _ := c1.Get(dashboard); code != 404 {
		t.Errorf("removed member's next request: %d; want 404", code)
	}

	c2 := r.Client(u2)
	if code, _ := c2.Get(dashboard); code != 200 { // the session now works in o: its administrators see it
		t.Fatalf("u2 before revocation: %d", code)
	}
	var sessions []*account.Session
	db.Run(context.Background(), r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		sessions, err = account.FindUserSessions(ctx, idb, u2.ID, time.Now().UTC())
		return err
	})
	if len(sessions) != 1 {
		t.Fatalf("sessions of u2: %d", len(sessions))
	}
	if code, _ := ac.Post(fmt.Sprintf("%s/o/%s/admin/members/%d/sessions/%s/revoke", base, o.Slug, u2.ID, sessions[0].PublicID()), nil); code != 303 {
		t.Fatalf("revoke session: %d", code)
	}
	resp, err := c2.HTTP.Get(dashboard)
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
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality)
	victim := r.User(o, "editor")
	other := r.User(o, "viewer")
	base := r.URL
	signin := func(email, pw string) (int, string) {
		return r.Anonymous().Post(base+"/signin", url.Values{"email": {email}, "password": {pw}, "next": {"/dashboard"}})
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

// TestBrowserProtections: a state-changing request from another site is
// refused, and every page carries the security headers.
func TestBrowserProtections(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	base := r.URL
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
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality, func(o *org.Organisation) {
		o.Country, o.MunicipalityNumber, o.Locale, o.TimeZone = "SE", "0360", "sv", "Europe/Stockholm"
	})
	u := r.User(o, "editor")
	db.Run(context.Background(), r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewUpdate().Model((*account.User)(nil)).Set("locale = ''").Where("id = ?", u.ID).Exec(ctx)
		return err
	})
	c := r.Client(u)
	page := func(accept string) string {
		req, _ := http.NewRequest("GET", r.URL+"/o/"+o.Slug+"/dashboard", nil)
		req.Header.Set("Accept-Language", accept)
		resp, err := c.HTTP.Do(req)
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
	if code, _ := c.Post(r.URL+"/language", url.Values{"locale": {"en"}, "next": {"/"}}); code != 303 {
		t.Fatalf("choose language: %d", code)
	}
	if body := page("da"); !strings.Contains(body, `<html lang="en">`) {
		t.Error("the user's chosen English should win")
	}
	if body := page("da"); !strings.Contains(body, "Dashboard") {
		t.Error("English page lacks its English navigation")
	}
}
