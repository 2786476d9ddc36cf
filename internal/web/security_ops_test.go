package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/sso/ssotest"
	"github.com/samvirke/samvirke/internal/web"
)

// hostileNext are redirect targets an attacker puts in a sign-in link;
// browsers drop tabs and line breaks from a Location and read a
// backslash as a slash.
var hostileNext = []string{
	"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/\r\n/evil.example",
	"/\\evil.example", "/\\\\evil.example", "\\\\evil.example", "/\\/evil.example", "/.\\./evil.example",
	"//evil.example", "///evil.example", "/%09/evil.example", "/%0a/evil.example",
	"/%2F%2Fevil.example", "/%2f/evil.example", "/%5C%5Cevil.example", "/%5cevil.example",
	"https://evil.example", "http:evil.example", "HTTPS://evil.example", "javascript:alert(1)",
	" //evil.example", "\t//evil.example", "\x00//evil.example",
	"/\u00a0/evil.example", "/\u3000/evil.example", "/\u2028/evil.example", "/\u200b/evil.example",
	"/\u2029/evil.example", "/\u0085/evil.example", "/\ufeff/evil.example", "/\uff0f/evil.example",
	"/\x00/evil.example", "/\x7f/evil.example", "/dashboard\x1b[31m",
	"", "dashboard", "?next=//evil.example", "#//evil.example",
}

// TestSecurity12SafeNext: every hostile target becomes the default page,
// and pages of this site are kept as they are.
func TestSecurity12SafeNext(t *testing.T) {
	for _, next := range hostileNext {
		if got := web.SafeNext(next); got != "/dashboard" {
			t.Errorf("SafeNext(%q) = %q; want /dashboard", next, got)
		}
	}
	for _, next := range []string{
		"/dashboard", "/o/trysil/dashboard", "/o/trysil/search?q=%C3%A5se%20%C3%B8ren",
		"/o/trysil/workbooks/4/statements/7#comments", "/invitations/abc-DEF_123", "/@team", "/o/trysil/search?q=a//b",
	} {
		if got := web.SafeNext(next); got != next {
			t.Errorf("SafeNext(%q) = %q; want it kept", next, got)
		}
	}
}

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
