package webtest

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/account"
)

// Scenario is one request and what it must answer: a row of a table.
type Scenario struct {
	Name       string        // optional; the method, path and user otherwise
	As         *account.User // nil: not signed in
	Method     string        // "GET" unless set
	Path       string
	Form       url.Values // sent with POST
	WantStatus int
	WantText   string // the body contains it, when set
	DenyText   string // the body does not contain it, when set
}

// Run runs each scenario as a subtest, one after another (scenarios may
// change what later ones see), each user with a client of their own kept
// across the table.
func Run(t *testing.T, h *Harness, scenarios []Scenario) {
	t.Helper()
	clients := map[*account.User]*Client{}
	for i, s := range scenarios {
		method := s.Method
		if method == "" {
			method = "GET"
		}
		name := s.Name
		if name == "" {
			who := "anonymous"
			if s.As != nil {
				who = s.As.Email
			}
			name = fmt.Sprintf("%d %s %s as %s", i, method, s.Path, who)
		}
		t.Run(name, func(t *testing.T) {
			c, ok := clients[s.As]
			if !ok {
				if s.As == nil {
					c = h.Anonymous()
				} else {
					c = h.Client(s.As)
				}
				clients[s.As] = c
			}
			c.tb = t
			var code int
			var body string
			switch method {
			case "GET":
				code, body = c.Get(s.Path)
			case "POST":
				code, body = c.Post(s.Path, s.Form)
			default:
				t.Fatalf("webtest: scenario method %q: only GET and POST", method)
			}
			if code != s.WantStatus {
				t.Errorf("%s %s: %d; want %d", method, s.Path, code, s.WantStatus)
			}
			if s.WantText != "" && !strings.Contains(body, s.WantText) {
				t.Errorf("%s %s: the page lacks %q", method, s.Path, s.WantText)
			}
			if s.DenyText != "" && strings.Contains(body, s.DenyText) {
				t.Errorf("%s %s: the page shows %q", method, s.Path, s.DenyText)
			}
		})
	}
}
