package web_test

import (
	"testing"

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
