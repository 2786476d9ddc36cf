package sso_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/sso/ssotest"
)

// TestSecurity12OpenRedirectSSO: a hostile next page given to single
// sign-on, on the sign-in page's organisation form or the organisation's
// start address, does not survive the round trip through the provider:
// the member lands on the organisation's dashboard.
func TestSecurity12OpenRedirectSSO(t *testing.T) {
	t.Parallel()
	e := start(t)
	m := e.member(t, account.RoleEditor)
	e.startOP(t, ssotest.User{Username: "medlem", Email: m.Email, EmailVerified: true})
	e.configure(t, e.ssoForm(ssoSecret))
	dashboard := "/o/" + e.org.Slug + "/dashboard"

	for _, next := range []string{"/\t/evil.example", "/\\evil.example", "//evil.example", "/%09/evil.example", "https://evil.example", "/\u3000/evil.example"} {
		t.Run(fmt.Sprintf("%q", next), func(t *testing.T) {
			c := newClient(t)
			code, _, h := e.get(t, c, "/sso/start?org="+e.org.Slug+"&next="+url.QueryEscape(next))
			loc, _ := url.Parse(h.Get("Location"))
			if code != http.StatusSeeOther || loc == nil || loc.Query().Get("next") != "/dashboard" {
				t.Errorf("organisation form with next %q: %d → %q; want next=/dashboard", next, code, h.Get("Location"))
			}
			code, _, h = e.get(t, c, "/sso/"+e.org.Slug+"/start?next="+url.QueryEscape(next))
			if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), e.op.Issuer()+"/") {
				t.Fatalf("SSO start: %d → %q", code, h.Get("Location"))
			}
			cb := e.op.Login(t, c, h.Get("Location"), "medlem")
			if code, loc := rawGet(t, c, cb.String()); code != http.StatusSeeOther || loc != dashboard {
				t.Errorf("SSO sign-in with next %q: %d → %q; want 303 → %s", next, code, loc, dashboard)
			}
		})
	}
}

// rawGet makes one request with c's cookies and answers the status and
// the raw Location, which a browser reads even where Go's client would
// refuse to parse it.
func rawGet(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for _, ck := range c.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c.Jar.SetCookies(req.URL, resp.Cookies())
	return resp.StatusCode, resp.Header.Get("Location")
}
